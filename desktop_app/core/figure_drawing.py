"""Turn a posed skeleton into a picture: a small 2D display list that both renderers paint.

The SVG writer (``svg_figure.py``) and the Qt widget (``ui/figure_widget.py``)
paint the same :class:`Drawing`, so the static files and the animated figure
can never drift apart.

What the picture shows, and why:

* a body with volume (head, neck, a torso that is wider at the chest, thick
  thighs, thinner shins and arms, hands and feet), each part outlined so a limb
  in front of the torso stays readable; stick figures were not recognised;
* the limbs on the far side drawn lighter in side views, so two crossing legs
  stay two legs;
* the worked side in the accent colour, and a soft marked spot where the
  stretch or the work should be felt (:class:`FeelSpot`);
* props the text uses (mat, desk, cushion), so "hold the desk" has a desk;
* for movements, the path the moving joint travels (a circle for hip circles)
  and, in the still picture, the start position as a faint ghost.

"Left" in the picture: every pose is drawn once, for the routine's FIRST side,
which the built-in routines label with the figure's LEFT limb. The second side
is the same picture flipped horizontally (:func:`mirror_drawing`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from desktop_app.core.skeleton import (
    HAND_RADIUS,
    HEAD_RADIUS,
    LIMBS,
    SEGMENT_WIDTHS,
    SEGMENTS,
    TORSO_WIDTH,
    Keyframe,
    Point,
    Vec3,
    body_points,
    keyframe_at,
    lowest_surface,
)

EDGE = 0.9
"""Outline thickness on each side of a body part (figure units)."""
MAT_THICKNESS = 1.6
SPINE_SAMPLES = 8
PATH_SAMPLES = 36


@dataclass(frozen=True)
class View:
    """Orthographic camera. azimuth 0 looks at the figure's left side, 90 at its front."""

    azimuth: float = 0.0
    elevation: float = 0.0


@dataclass(frozen=True)
class Prop:
    """Furniture the text uses, placed around a joint of the first keyframe.

    ``box`` is (x from, x to, z from, z to) relative to that joint, in the body
    frame (x forward, z to the figure's left). A desk's top sits just under the
    joint (the hand rests on it); a cushion lies on the floor under the joint.
    """

    kind: str  # "desk" | "cushion"
    joint: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class FeelSpot:
    """Where the stretch or the work should be felt: a point ``t`` of the way from joint ``a`` to
    joint ``b``, moved ``lift`` units along the body's up direction of the current frame."""

    a: str
    b: str
    t: float = 0.0
    radius: float = 6.0
    forward: float = 0.0
    """Shift along the figure's forward direction (e.g. the front of the hip)."""


@dataclass(frozen=True)
class Pose:
    """An exercise position: its keyframes and how to show them."""

    id: str
    name: str
    keyframes: tuple[Keyframe, ...]
    accent: frozenset[str]
    """Segments drawn in the accent colour: the limbs the first side's label names (sided
    exercises), or the part being worked (two-sided ones such as the squat)."""
    anchor: str
    """Joint that stays fixed on the floor plane while the figure moves."""
    contacts: tuple[str, ...]
    """Joints whose surface rests on the floor in every keyframe (checked by the tests)."""
    view: View = View()
    props: tuple[Prop, ...] = ()
    mat: bool = False
    """Draw an exercise mat under the figure (floor poses)."""
    feel: tuple[FeelSpot, ...] = ()
    loop: bool = False
    """The keyframes go round and back to the first (a circle), at an even pace."""
    trace: str | None = None
    """Joint whose path over the movement is drawn as a dotted line."""
    ghost: bool = True
    """In the still picture, show the start position of the moving parts faintly."""

    @property
    def moves(self) -> bool:
        """True when the pose has more than one keyframe to move between."""
        return len(self.keyframes) > 1


@dataclass(frozen=True)
class Stroke:
    """A polyline of ``width`` figure units, round caps and joins.

    role: body, far, accent, accent_far (the figure); floor, mat, prop, ghost, path.
    ``edge`` marks the outline pass of a body part, painted under its fill.
    """

    points: tuple[Point, ...]
    role: str
    width: float
    closed: bool = False
    edge: bool = False


@dataclass(frozen=True)
class Circle:
    """A filled disc: the head, a hand (role as for strokes) or a feel spot (role ``feel``)."""

    center: Point
    radius: float
    role: str
    edge: bool = False


@dataclass(frozen=True)
class Drawing:
    """A 2D display list in figure units, y pointing UP, floor at y = 0 in side views."""

    strokes: tuple[Stroke, ...]
    circles: tuple[Circle, ...]
    bounds: tuple[float, float, float, float]
    """(min_x, min_y, max_x, max_y) of the whole pose over all its motion, incl. floor and props,
    so the picture does not jump while the figure moves."""
    joints: Mapping[str, Point] = field(default_factory=dict)
    """Projected joint positions (for tests and for a renderer that wants to label them)."""
    feel: tuple[Point, ...] = ()
    """Projected centres of the feel spots."""
    path: tuple[Point, ...] = ()
    """Projected path of the traced joint over the whole movement (empty when nothing is traced)."""


# --------------------------------------------------------------- placing


def place_on_floor(pose: Pose, k: Keyframe) -> dict[str, Vec3]:
    """World joint positions: the body's lowest surface on the floor (y = 0), anchor at x = z = 0."""
    pts = body_points(k)
    low = lowest_surface(pts)
    ax, _, az = pts[pose.anchor]
    return {name: (p[0] - ax, p[1] - low, p[2] - az) for name, p in pts.items()}


def frame_at(pose: Pose, phase: float, eased: bool = True) -> Keyframe:
    """The keyframe at ``phase`` 0..1 of the pose's movement (1-frame poses ignore it)."""
    return keyframe_at(pose.keyframes, phase, pose.loop, eased)


def motion_samples(pose: Pose) -> list[dict[str, Vec3]]:
    """Placed positions along the whole movement (for bounds, the mat and the traced path)."""
    if not pose.moves:
        return [place_on_floor(pose, pose.keyframes[0])]
    count = PATH_SAMPLES
    phases = [i / count for i in range(count)] if pose.loop else [i / (count - 1) for i in range(count)]
    return [place_on_floor(pose, frame_at(pose, p, eased=False)) for p in phases]


def project(p: Vec3, view: View) -> tuple[float, float, float]:
    """World point -> (screen x, screen y up, depth towards the camera)."""
    x, y, z = p
    ra, re = math.radians(view.azimuth), math.radians(view.elevation)
    sx = -x * math.cos(ra) + z * math.sin(ra)
    depth = x * math.sin(ra) + z * math.cos(ra)
    sy = y * math.cos(re) - depth * math.sin(re)
    return sx, sy, depth * math.cos(re) + y * math.sin(re)


def spine_curve(points: Mapping[str, Vec3]) -> list[Vec3]:
    """The back as one smooth curve from pelvis to chest that passes through the waist.

    Two straight spine segments meeting at the waist read as a broken back; a
    rounded (cat) or dipped (cow) back is what a person looks for. This is a
    quadratic Bezier whose control point makes the curve meet the waist joint
    at its middle, so a straight spine stays straight.
    """
    a, w, b = points["pelvis"], points["waist"], points["chest"]
    c = tuple(2.0 * w[i] - 0.5 * (a[i] + b[i]) for i in range(3))
    out: list[Vec3] = []
    for step in range(SPINE_SAMPLES + 1):
        t = step / SPINE_SAMPLES
        u = 1.0 - t
        out.append((u * u * a[0] + 2 * u * t * c[0] + t * t * b[0],
                    u * u * a[1] + 2 * u * t * c[1] + t * t * b[1],
                    u * u * a[2] + 2 * u * t * c[2] + t * t * b[2]))
    return out


def _hull(points: list[Point]) -> list[Point]:
    """Convex hull (monotone chain), counter-clockwise: the outline of a projected box."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _box(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> list[Vec3]:
    return [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]


def _prop_strokes(pose: Pose, first: Mapping[str, Vec3], flat: ProjectFn) -> list[Stroke]:
    """Desks and cushions, drawn as boxes seen through the pose's camera."""
    out: list[Stroke] = []
    for prop in pose.props:
        jx, jy, jz = first[prop.joint]
        dx0, dx1, dz0, dz1 = prop.box
        x0, x1, z0, z1 = jx + dx0, jx + dx1, jz + dz0, jz + dz1
        if prop.kind == "desk":
            top = jy - HAND_RADIUS
            inset_x, inset_z = 0.1 * (x1 - x0), 0.1 * (z1 - z0)
            for lx in (x0 + inset_x, x1 - inset_x):
                for lz in (z0 + inset_z, z1 - inset_z):
                    out.append(Stroke((flat((lx, top - 3.0, lz)), flat((lx, 0.0, lz))), "prop", 1.6))
            outline = _hull([flat(p) for p in _box(x0, x1, top - 3.0, top, z0, z1)])
            out.append(Stroke(tuple(outline), "prop", 0.8, closed=True))
        elif prop.kind == "cushion":
            outline = _hull([flat(p) for p in _box(x0, x1, 0.0, 4.5, z0, z1)])
            out.append(Stroke(tuple(outline), "prop", 1.4, closed=True))
        else:
            raise ValueError(f"unknown prop kind {prop.kind!r}")
    return out


def _prop_corners(pose: Pose, first: Mapping[str, Vec3]) -> list[dict[str, Vec3]]:
    """The props' floor corners, so a floor area drawn under the figure also holds the desk."""
    out: list[dict[str, Vec3]] = []
    for prop in pose.props:
        jx, _, jz = first[prop.joint]
        dx0, dx1, dz0, dz1 = prop.box
        out.append({f"{i}": (jx + dx, 0.0, jz + dz) for i, (dx, dz) in enumerate(
            [(dx0, dz0), (dx0, dz1), (dx1, dz0), (dx1, dz1)])})
    return out


def _mat_stroke(samples: Iterable[Mapping[str, Vec3]], view: View, flat: ProjectFn, role: str = "mat",
                margin: float = 7.0) -> Stroke:
    """The exercise mat under the figure's whole footprint, as a thin box on the floor.

    The mat is laid square to the camera, so from above it is a level band
    under the figure; a mat at an angle to the picture read as a ramp.
    """
    ra = math.radians(view.azimuth)
    across = (-math.cos(ra), math.sin(ra))  # floor direction that maps to screen x
    away = (math.sin(ra), math.cos(ra))  # floor direction towards the camera
    us: list[float] = []
    vs: list[float] = []
    for pts in samples:
        for p in pts.values():
            us.append(p[0] * across[0] + p[2] * across[1])
            vs.append(p[0] * away[0] + p[2] * away[1])
    corners: list[Vec3] = []
    for u in (min(us) - margin, max(us) + margin):
        for v in (min(vs) - margin, max(vs) + margin):
            x, z = u * across[0] + v * away[0], u * across[1] + v * away[1]
            corners += [(x, 0.0, z), (x, MAT_THICKNESS, z)]
    return Stroke(tuple(_hull([flat(p) for p in corners])), role, 0.6, closed=True)


class ProjectFn:
    """World point -> screen point for one view (a small callable, so helpers can take it)."""

    def __init__(self, view: View) -> None:
        self.view = view

    def __call__(self, p: Vec3) -> Point:
        sx, sy, _ = project(p, self.view)
        return (sx, sy)


# --------------------------------------------------------------- the body


def _segment_width(segment: str) -> float:
    if segment in ("spine_low", "spine_up"):
        return TORSO_WIDTH[0] if segment == "spine_low" else TORSO_WIDTH[1]
    return SEGMENT_WIDTHS[segment.rsplit("_", 1)[0] if segment.endswith(("_l", "_r")) else segment]


@dataclass(frozen=True)
class _Scenery:
    """What depends on the pose alone, not on the moment: worked out once per pose."""

    samples: list[dict[str, Vec3]]
    strokes: tuple[Stroke, ...]
    """Floor or ground, mat, props and the traced path, in painting order."""
    path: tuple[Point, ...]
    bounds: tuple[float, float, float, float]


_SCENERY: dict[int, tuple[Pose, _Scenery]] = {}


def _scenery(pose: Pose) -> _Scenery:
    """The pose's still parts, cached: a rep set redraws the figure ten times a second, and the
    36 placed samples behind the mat, the path and the bounds are the same every time."""
    cached = _SCENERY.get(id(pose))
    if cached is not None and cached[0] is pose:
        return cached[1]
    view = pose.view
    flat = ProjectFn(view)
    samples = motion_samples(pose)
    first = place_on_floor(pose, pose.keyframes[0])
    strokes: list[Stroke] = []
    if pose.mat:
        strokes.append(_mat_stroke(samples, view, flat))
    elif view.elevation:
        # seen from above, the floor is an area, not a line: feet and desk legs stand on it
        strokes.append(_mat_stroke([*samples, *_prop_corners(pose, first)], view, flat, "ground", 10.0))
    strokes += _prop_strokes(pose, first, flat)
    path: tuple[Point, ...] = ()
    if pose.trace is not None and pose.moves:
        path = tuple(flat(s[pose.trace]) for s in samples)
        strokes.append(Stroke(path, "path", 1.3, closed=pose.loop))

    # bounds over the whole motion (not one moment), so the frame stays still while the figure moves
    xs: list[float] = []
    ys: list[float] = []
    reach = max(TORSO_WIDTH) / 2 + EDGE + 1.0  # the body's surface past any joint, plus slack between samples
    for pts in samples:
        for name, p in [*pts.items(), *(("spine", q) for q in spine_curve(pts))]:
            sx, sy = flat(p)
            r = HEAD_RADIUS + EDGE + 1.0 if name == "head" else reach
            xs += [sx - r, sx + r]
            ys += [sy - r, sy + r]
        for spot in pose.feel:
            cx, cy = flat(_feel_point(pts, spot))
            xs += [cx - spot.radius - 1.0, cx + spot.radius + 1.0]
            ys += [cy - spot.radius - 1.0, cy + spot.radius + 1.0]
    for stroke in strokes:
        for x, y in stroke.points:
            xs += [x - stroke.width / 2, x + stroke.width / 2]
            ys += [y - stroke.width / 2, y + stroke.width / 2]
    x0, x1 = min(xs) - 3.0, max(xs) + 3.0
    if not view.elevation:
        strokes.insert(0, Stroke(((x0 + 1.0, 0.0), (x1 - 1.0, 0.0)), "floor", 2.0))
    scenery = _Scenery(samples, tuple(strokes), path, (x0, min([*ys, 0.0]) - 1.0, x1, max(ys)))
    _SCENERY[id(pose)] = (pose, scenery)
    return scenery


def draw(pose: Pose, phase: float = 0.0, mirrored: bool = False, eased: bool = True,
         ghost: bool = False) -> Drawing:
    """The picture of ``pose`` at ``phase``; ``ghost`` adds the start position's moving parts, faint.

    Painting order is list order: mat and props, the traced path and ghost,
    far limbs, torso and head, near limbs; the feel spots (``circles``) go on
    top. Heads and hands are zero-length round-capped strokes, so they keep
    their place in that order.
    """
    view = pose.view
    flat = ProjectFn(view)
    scene = _scenery(pose)
    current = place_on_floor(pose, frame_at(pose, phase, eased))
    strokes: list[Stroke] = list(scene.strokes)
    path = scene.path

    if ghost and pose.moves:
        start = scene.samples[0]
        for seg in _ghost_segments(pose):
            a, b = SEGMENTS[seg]
            strokes.append(Stroke((flat(start[a]), flat(start[b])), "ghost", _segment_width(seg)))

    depth = {name: project(p, view)[2] for name, p in current.items()}
    far_limbs: set[str] = set()
    for left, right, root in (("arm_l", "arm_r", "shoulder"), ("leg_l", "leg_r", "hip")):
        dl, dr = depth[f"{root}_l"], depth[f"{root}_r"]
        width = math.dist(current[f"{root}_l"], current[f"{root}_r"])
        if abs(dl - dr) > 0.5 * width:
            far_limbs.add(right if dl > dr else left)

    def limb(name: str) -> None:
        segs = LIMBS[name]
        accent = any(s in pose.accent for s in segs)
        role = ("accent" if accent else "body") + ("_far" if name in far_limbs else "")
        role = {"body_far": "far"}.get(role, role)
        pieces: list[tuple[tuple[Point, ...], float]] = [
            ((flat(current[SEGMENTS[s][0]]), flat(current[SEGMENTS[s][1]])), _segment_width(s)) for s in segs]
        discs: list[tuple[Point, float]] = []
        if name.startswith("arm"):
            discs.append((flat(current[f"wrist_{name[-1]}"]), HAND_RADIUS))
        _as_strokes(strokes, pieces, discs, role)

    torso_depth = depth["chest"]
    limb_depth = {name: depth[SEGMENTS[LIMBS[name][0]][0]] for name in LIMBS}
    behind = [n for n in sorted(LIMBS, key=lambda n: limb_depth[n]) if n in far_limbs
              or (not far_limbs and limb_depth[n] < torso_depth - 1.0)]
    for name in behind:
        limb(name)

    trunk_role = "accent" if any(s in pose.accent for s in ("spine_low", "spine_up")) else "body"
    spine = [flat(p) for p in spine_curve(current)]
    half = len(spine) // 2
    torso: list[tuple[tuple[Point, ...], float]] = [
        (tuple(spine[: half + 1]), TORSO_WIDTH[0]), (tuple(spine[half:]), TORSO_WIDTH[1])]
    hips = (flat(current["hip_l"]), flat(current["hip_r"]))
    shoulders = (flat(current["shoulder_l"]), flat(current["shoulder_r"]))
    if math.dist(*hips) > 1.0 or math.dist(*shoulders) > 1.0:
        torso.append(((hips[0], hips[1], shoulders[1], shoulders[0], hips[0]), TORSO_WIDTH[0] - 1.0))
    torso.append(((flat(current["chest"]), flat(current["neck_top"])), SEGMENT_WIDTHS["neck"]))
    _as_strokes(strokes, torso, [(flat(current["head"]), HEAD_RADIUS)], trunk_role, head_role="body")

    for name in sorted(LIMBS, key=lambda n: limb_depth[n]):
        if name not in behind:
            limb(name)

    circles = [Circle(flat(_feel_point(current, spot)), spot.radius, "feel") for spot in pose.feel]

    drawing = Drawing(
        strokes=tuple(strokes), circles=tuple(circles), bounds=scene.bounds,
        joints={name: flat(p) for name, p in current.items()},
        feel=tuple(c.center for c in circles), path=path)
    return mirror_drawing(drawing) if mirrored else drawing


def _as_strokes(strokes: list[Stroke], pieces: list[tuple[tuple[Point, ...], float]],
                discs: list[tuple[Point, float]], role: str, head_role: str | None = None) -> None:
    """Append a body part as strokes: every outline first, then every fill; a disc is a
    zero-length stroke as wide as the disc, so it stays in painting order with the rest."""
    for edge in (True, False):
        grow = 2 * EDGE if edge else 0.0
        for points, width in pieces:
            closed = len(points) > 2 and points[0] == points[-1]
            strokes.append(Stroke(points, role, width + grow, closed=closed, edge=edge))
        for center, radius in discs:
            strokes.append(Stroke((center, center), head_role or role, 2 * radius + grow, edge=edge))


def _feel_point(pts: Mapping[str, Vec3], spot: FeelSpot) -> Vec3:
    a, b = pts[spot.a], pts[spot.b]
    p = tuple(a[i] + (b[i] - a[i]) * spot.t for i in range(3))
    if spot.forward:
        fwd = tuple(pts["chest"][i] - pts["pelvis"][i] for i in range(3))
        # forward is perpendicular to the spine in the side plane: rotate the spine by -90 degrees
        n = math.hypot(fwd[0], fwd[1]) or 1.0
        return (p[0] + fwd[1] / n * spot.forward, p[1] - fwd[0] / n * spot.forward, p[2])
    return (p[0], p[1], p[2])


def _ghost_segments(pose: Pose) -> list[str]:
    """Segments whose direction changes noticeably between the first and the last keyframe."""
    a, b = pose.keyframes[0].angles, pose.keyframes[-1].angles
    return [s for s in SEGMENTS if abs(a[s].angle - b[s].angle) + abs(a[s].out - b[s].out) > 12.0]


def mirror_drawing(drawing: Drawing) -> Drawing:
    """The other side: flip every x (x -> -x); y and everything else unchanged."""

    def m(p: Point) -> Point:
        return (-p[0], p[1])

    x0, y0, x1, y1 = drawing.bounds
    return replace(
        drawing,
        strokes=tuple(replace(s, points=tuple(m(p) for p in s.points)) for s in drawing.strokes),
        circles=tuple(replace(c, center=m(c.center)) for c in drawing.circles),
        bounds=(-x1, y0, -x0, y1),
        joints={k: m(p) for k, p in drawing.joints.items()},
        feel=tuple(m(p) for p in drawing.feel),
        path=tuple(m(p) for p in drawing.path),
    )
