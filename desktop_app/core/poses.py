"""Exercise poses as a posed skeleton, so every illustration is drawn the same way.

Why a skeleton and not hand-drawn pictures: one figure with fixed segment
lengths keeps every exercise consistent (same body, same line width), and a
pose given as angles can be *interpolated*. The player eases the figure between
a pose's start and end keyframes (a rep, or a slow lean into a hold), which a
static picture cannot do.

Model (all pure Python, no Qt):

* The body frame is x = forward, y = up, z = the figure's LEFT. Each segment
  (thigh, shin, ...) has a fixed length and a direction given by two angles in
  degrees: ``angle`` in the side plane measured from "forward", counter-clockwise
  (0 = forward, 90 = up, -90 = down, 180 = back) and ``out``, how far it turns
  out of the side plane towards the limb's own side (abduction; 90 = straight out
  sideways). Forward kinematics chains the segments from the pelvis.
* A keyframe may roll the whole body about its forward axis (``roll``), which
  is how a side-lying pose is made from the same skeleton.
* The figure is then dropped so its lowest point rests on the floor (y = 0) and
  shifted so the pose's ``anchor`` joint stays put, which keeps a standing foot
  or a kneeling knee from sliding while the figure moves.
* A per-pose :class:`View` (camera azimuth and elevation, orthographic) turns
  the 3D points into a 2D picture. Most poses are side views; poses that a side
  view would hide (the 90/90 sit, hip circles, the side-lying raise) use a
  front or three-quarter view with a floor mat so depth stays readable.

"Left" in the picture: every pose is drawn once, for the routine's FIRST side,
which the built-in routines label with the figure's LEFT limb ("Left leg
forward", "Left knee in", "Left leg, right arm"). The accent colour marks the
limbs that label names, so the words and the picture agree: in the kneeling
lunge the accented leg is the left leg, in front, and the right knee is down.
The default camera looks at the figure's left side, so in side views the figure
faces screen-left and its left limbs are the near ones (the far pair is drawn
fainter). The second side is the same picture flipped horizontally
(:func:`mirror_drawing`); nothing else changes.

The output of :func:`draw` is a small display list (:class:`Drawing`) that both
the SVG writer (``svg_figure.py``) and the Qt widget paint, so the static files
and the animated widget can never drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

# ---------------------------------------------------------------- skeleton

HEAD_RADIUS = 6.0
LINE_WIDTH = 3.4
"""Stroke width in figure units (the standing figure is about 92 units tall)."""

SEGMENT_LENGTHS: Mapping[str, float] = {
    "spine_low": 14.0,
    "spine_up": 15.0,
    "neck": 4.0,
    "upper_arm_l": 15.0,
    "forearm_l": 14.0,
    "upper_arm_r": 15.0,
    "forearm_r": 14.0,
    "thigh_l": 23.0,
    "shin_l": 22.0,
    "foot_l": 8.0,
    "thigh_r": 23.0,
    "shin_r": 22.0,
    "foot_r": 8.0,
}
HIP_HALF_WIDTH = 4.0
SHOULDER_HALF_WIDTH = 6.5

SEGMENTS: Mapping[str, tuple[str, str]] = {
    "spine_low": ("pelvis", "waist"),
    "spine_up": ("waist", "chest"),
    "neck": ("chest", "neck_top"),
    "upper_arm_l": ("shoulder_l", "elbow_l"),
    "forearm_l": ("elbow_l", "wrist_l"),
    "upper_arm_r": ("shoulder_r", "elbow_r"),
    "forearm_r": ("elbow_r", "wrist_r"),
    "thigh_l": ("hip_l", "knee_l"),
    "shin_l": ("knee_l", "ankle_l"),
    "foot_l": ("ankle_l", "toe_l"),
    "thigh_r": ("hip_r", "knee_r"),
    "shin_r": ("knee_r", "ankle_r"),
    "foot_r": ("ankle_r", "toe_r"),
}
"""Segment name -> (start joint, end joint), in forward-kinematics order."""

LIMBS: Mapping[str, tuple[str, ...]] = {
    "arm_l": ("upper_arm_l", "forearm_l"),
    "arm_r": ("upper_arm_r", "forearm_r"),
    "leg_l": ("thigh_l", "shin_l", "foot_l"),
    "leg_r": ("thigh_r", "shin_r", "foot_r"),
}
TRUNK = ("spine_low", "spine_up", "neck")

Vec3 = tuple[float, float, float]
Point = tuple[float, float]
Spec = float | tuple[float, float]
"""How a pose table entry gives a direction: ``angle`` alone, or ``(angle, out)``."""


@dataclass(frozen=True)
class Angle:
    """Direction of one segment: ``angle`` in the side plane, ``out`` towards the limb's side."""

    angle: float
    out: float = 0.0


@dataclass(frozen=True)
class Keyframe:
    """One position of the figure: a direction for every segment, plus an optional body roll."""

    angles: Mapping[str, Angle]
    roll: float = 0.0
    """Rotation of the whole body about its forward axis, degrees (90 = lying on the left side)."""


@dataclass(frozen=True)
class View:
    """Orthographic camera. azimuth 0 looks at the figure's left side, 90 at its front."""

    azimuth: float = 0.0
    elevation: float = 0.0


@dataclass(frozen=True)
class Prop:
    """A desk or wall the figure holds on to, placed at a joint of the first keyframe."""

    kind: str  # "desk" | "wall"
    joint: str


@dataclass(frozen=True)
class Pose:
    """An exercise position: 1 or 2 keyframes and how to show them."""

    id: str
    name: str
    keyframes: tuple[Keyframe, ...]
    accent: frozenset[str]
    """Segments drawn in the accent colour: the limbs the first side's label names (sided
    exercises), or the part being worked (two-sided ones such as the squat)."""
    anchor: str
    """Joint that stays fixed on the floor plane while the figure moves."""
    contacts: tuple[str, ...]
    """Joints meant to rest on the floor in every keyframe (checked by the tests)."""
    view: View = View()
    prop: Prop | None = None
    mat: bool = False
    """Draw an exercise mat under the figure (floor poses)."""
    ghost: bool = True
    """In the still picture, show the start position of the moving parts faintly. Off for holds
    that only deepen a little, where a ghost would just blur the picture."""

    @property
    def moves(self) -> bool:
        """True when the pose has a start and an end keyframe to ease between."""
        return len(self.keyframes) > 1


# --------------------------------------------------------- forward kinematics


def _direction(a: Angle, side: float) -> Vec3:
    ra, ro = math.radians(a.angle), math.radians(a.out)
    return (math.cos(ra) * math.cos(ro), math.sin(ra) * math.cos(ro), side * math.sin(ro))


def _add(p: Vec3, v: Vec3, k: float = 1.0) -> Vec3:
    return (p[0] + v[0] * k, p[1] + v[1] * k, p[2] + v[2] * k)


def _side(segment: str) -> float:
    return -1.0 if segment.endswith("_r") else 1.0


def _roll(p: Vec3, degrees: float) -> Vec3:
    """Rotate about the forward (x) axis; +90 turns the figure's left side up (lying on the right side)."""
    if not degrees:
        return p
    r = math.radians(degrees)
    c, s = math.cos(r), math.sin(r)
    x, y, z = p
    return (x, y * c + z * s, -y * s + z * c)


def body_points(frame: Keyframe) -> dict[str, Vec3]:
    """Joint positions in the body frame, pelvis at the origin, before the floor is found."""
    pts: dict[str, Vec3] = {"pelvis": (0.0, 0.0, 0.0)}
    pts["hip_l"] = (0.0, 0.0, HIP_HALF_WIDTH)
    pts["hip_r"] = (0.0, 0.0, -HIP_HALF_WIDTH)
    for seg, (start, end) in SEGMENTS.items():
        if start not in pts:  # shoulders hang off the chest
            side = -1.0 if start.endswith("_r") else 1.0
            pts[start] = _add(pts["chest"], (0.0, 0.0, side * SHOULDER_HALF_WIDTH))
        pts[end] = _add(pts[start], _direction(frame.angles[seg], _side(seg)), SEGMENT_LENGTHS[seg])
    pts["head"] = _add(pts["neck_top"], _direction(frame.angles["neck"], 1.0), HEAD_RADIUS)
    return {name: _roll(p, frame.roll) for name, p in pts.items()}


def _lowest(pts: Mapping[str, Vec3]) -> float:
    low = min(p[1] for p in pts.values())
    return min(low, pts["head"][1] - HEAD_RADIUS)


def place_on_floor(pose: Pose, frame: Keyframe) -> dict[str, Vec3]:
    """World joint positions: lowest point on the floor (y = 0), anchor joint at x = z = 0.

    The anchor is found in the FIRST keyframe and the same horizontal shift
    keeps it fixed in every interpolated frame (it is recomputed per frame from
    the frame itself, so a planted joint stays planted).
    """
    pts = body_points(frame)
    low = _lowest(pts)
    ax, _, az = pts[pose.anchor]
    return {name: (p[0] - ax, p[1] - low, p[2] - az) for name, p in pts.items()}


def segment_length(points: Mapping[str, Vec3], segment: str) -> float:
    """Distance between a segment's two joints (a consistency check for the tests)."""
    a, b = (points[j] for j in SEGMENTS[segment])
    return math.dist(a, b)


# ------------------------------------------------------------- interpolation


def ease(phase: float) -> float:
    """Smooth start and stop (cosine ease-in-out): how a person moves into a stretch."""
    p = min(1.0, max(0.0, phase))
    return 0.5 - 0.5 * math.cos(math.pi * p)


def interpolate(pose: Pose, phase: float, eased: bool = True) -> Keyframe:
    """The keyframe at ``phase`` 0..1 between the pose's start and end (1-frame poses ignore it)."""
    if not pose.moves:
        return pose.keyframes[0]
    start, end = pose.keyframes[0], pose.keyframes[-1]
    t = ease(phase) if eased else min(1.0, max(0.0, phase))
    angles = {
        seg: Angle(
            start.angles[seg].angle + (end.angles[seg].angle - start.angles[seg].angle) * t,
            start.angles[seg].out + (end.angles[seg].out - start.angles[seg].out) * t,
        )
        for seg in SEGMENTS
    }
    return Keyframe(angles, start.roll + (end.roll - start.roll) * t)


def rep_phase(elapsed: float, tempo_seconds: float) -> float:
    """Phase for a rep paced by ``tempo_seconds``: out and back (0 -> 1 -> 0) once per rep.

    A helper for the player, which drives the figure; kept here so the
    mapping lives next to the poses it animates.
    """
    if tempo_seconds <= 0:
        return 0.0
    cycle = (elapsed / tempo_seconds) % 1.0
    return 1.0 - abs(1.0 - 2.0 * cycle)


# ------------------------------------------------------------------ drawing


@dataclass(frozen=True)
class Stroke:
    """A polyline. role: body, far, accent, accent_far, ghost, floor, mat, prop."""

    points: tuple[Point, ...]
    role: str
    closed: bool = False


@dataclass(frozen=True)
class Circle:
    center: Point
    radius: float
    role: str


@dataclass(frozen=True)
class Drawing:
    """A 2D display list in figure units, y pointing UP, floor at y = 0 in side views."""

    strokes: tuple[Stroke, ...]
    circles: tuple[Circle, ...]
    bounds: tuple[float, float, float, float]
    """(min_x, min_y, max_x, max_y) of the whole pose over all its motion, incl. floor and props,
    so the picture does not jump while the figure moves."""
    line_width: float = LINE_WIDTH
    joints: Mapping[str, Point] = field(default_factory=dict)
    """Projected joint positions (for tests and for a renderer that wants to label them)."""


def project(p: Vec3, view: View) -> tuple[float, float, float]:
    """World point -> (screen x, screen y up, depth towards the camera)."""
    x, y, z = p
    ra, re = math.radians(view.azimuth), math.radians(view.elevation)
    sx = -x * math.cos(ra) + z * math.sin(ra)
    depth = x * math.sin(ra) + z * math.cos(ra)
    sy = y * math.cos(re) - depth * math.sin(re)
    return sx, sy, depth * math.cos(re) + y * math.sin(re)


def _prop_outline(pose: Pose, first: Mapping[str, Vec3]) -> list[list[Vec3]]:
    """Desk or wall as rectangles in world space, placed where the first keyframe's hand is."""
    if pose.prop is None:
        return []
    hx, hy, hz = first[pose.prop.joint]
    if pose.prop.kind == "desk":
        depth = 26.0
        near = hx  # the desk edge sits under the hand, the desk extends forward
        far = hx + depth if hx >= first["pelvis"][0] else hx - depth
        top = hy - 0.5 * LINE_WIDTH
        leg = near + (far - near) * 0.12
        return [
            [(near, top, hz), (far, top, hz), (far, top - 3.0, hz), (near, top - 3.0, hz)],
            [(leg, top - 3.0, hz), (leg, 0.0, hz)],
            [(far - (far - near) * 0.12, top - 3.0, hz), (far - (far - near) * 0.12, 0.0, hz)],
        ]
    wall_x = hx + 0.5 * LINE_WIDTH if hx >= first["pelvis"][0] else hx - 0.5 * LINE_WIDTH
    return [[(wall_x, 0.0, hz), (wall_x, 100.0, hz)]]


SPINE_SAMPLES = 8


def spine_curve(points: Mapping[str, Vec3]) -> list[Vec3]:
    """The back as one smooth curve from pelvis to chest that passes through the waist.

    Two straight spine segments meeting at the waist read as a tent or a
    broken back; a rounded (cat) or dipped (cow) back is what a person looks
    for. This is a quadratic Bezier whose control point is chosen so the curve
    meets the waist joint at its middle, so the joints stay exactly where the
    skeleton puts them and a straight spine stays straight.
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


MAT_THICKNESS = 1.6


def _mat_outline(points_sets: Iterable[Mapping[str, Vec3]], view: View) -> list[Vec3]:
    """The exercise mat under the figure's footprint.

    Seen from above it is a rectangle on the floor; in a pure side view a
    rectangle on the floor would be a line, so it becomes a thin pad instead.
    """
    xs: list[float] = []
    zs: list[float] = []
    for pts in points_sets:
        for p in pts.values():
            xs.append(p[0])
            zs.append(p[2])
    margin = 4.0
    x0, x1 = min(xs) - margin, max(xs) + margin
    z0, z1 = min(zs) - margin, max(zs) + margin
    if not view.elevation:
        # a pad in the picture plane: along screen x, a little above the floor
        ra = math.radians(view.azimuth)
        along = (-math.cos(ra), 0.0, math.sin(ra))
        sxs = [-x * math.cos(ra) + z * math.sin(ra) for x, z in zip(xs, zs, strict=True)]
        s0, s1 = min(sxs) - margin, max(sxs) + margin
        return [(along[0] * s0, 0.0, along[2] * s0), (along[0] * s1, 0.0, along[2] * s1),
                (along[0] * s1, MAT_THICKNESS, along[2] * s1), (along[0] * s0, MAT_THICKNESS, along[2] * s0)]
    return [(x0, 0.0, z0), (x1, 0.0, z0), (x1, 0.0, z1), (x0, 0.0, z1)]


def _ghost_segments(pose: Pose) -> set[str]:
    """Segments whose direction changes noticeably between the keyframes."""
    if not pose.moves:
        return set()
    a, b = pose.keyframes[0].angles, pose.keyframes[-1].angles
    return {s for s in SEGMENTS if abs(a[s].angle - b[s].angle) + abs(a[s].out - b[s].out) > 12.0}


def draw(pose: Pose, phase: float = 0.0, mirrored: bool = False, eased: bool = True,
         ghost: bool = False) -> Drawing:
    """The picture of ``pose`` at ``phase``; ``ghost`` adds the start keyframe's moving parts, faint.

    Static illustrations use ``phase=1, ghost=True`` so one still picture
    shows where a movement starts and where it goes.
    """
    view = pose.view
    frames = [place_on_floor(pose, k) for k in pose.keyframes]
    if pose.moves:
        frames += [place_on_floor(pose, interpolate(pose, t / 8, eased=False)) for t in range(1, 8)]
    current = place_on_floor(pose, interpolate(pose, phase, eased))

    def flat(p: Vec3) -> Point:
        sx, sy, _ = project(p, view)
        return (sx, sy)

    strokes: list[Stroke] = []
    if pose.mat:
        strokes.append(Stroke(tuple(flat(p) for p in _mat_outline(frames, view)), "mat", closed=True))
    for outline in _prop_outline(pose, frames[0]):
        strokes.append(Stroke(tuple(flat(p) for p in outline), "prop", closed=len(outline) > 2))

    depth = {name: project(p, view)[2] for name, p in current.items()}
    # In side-ish views the limb pair on the far side is drawn fainter, so two legs that cross
    # stay two legs. Seen from the front both sides are equally near and neither is faded.
    far_limbs = set()
    for left, right, root in (("arm_l", "arm_r", "shoulder"), ("leg_l", "leg_r", "hip")):
        dl, dr = depth[f"{root}_l"], depth[f"{root}_r"]
        width = math.dist(current[f"{root}_l"], current[f"{root}_r"])
        if abs(dl - dr) > 0.5 * width:
            far_limbs.add(right if dl > dr else left)

    def limb_strokes(pts: Mapping[str, Vec3], limb: str, role_override: str | None = None) -> list[Stroke]:
        segs = LIMBS[limb]
        out: list[Stroke] = []
        for seg in segs:
            a, b = SEGMENTS[seg]
            if role_override:
                role = role_override
            elif seg in pose.accent:
                role = "accent_far" if limb in far_limbs else "accent"
            else:
                role = "far" if limb in far_limbs else "body"
            out.append(Stroke((flat(pts[a]), flat(pts[b])), role))
        return out

    if ghost and pose.moves:
        start = frames[0]
        moved = _ghost_segments(pose)
        if moved & {"spine_low", "spine_up"}:
            strokes.append(Stroke(tuple(flat(p) for p in spine_curve(start)), "ghost"))
        for seg in sorted(moved - {"spine_low", "spine_up"}):
            a, b = SEGMENTS[seg]
            strokes.append(Stroke((flat(start[a]), flat(start[b])), "ghost"))

    near = [limb for limb in LIMBS if limb not in far_limbs]
    for limb in sorted(far_limbs):
        strokes += limb_strokes(current, limb)
    trunk_role = "accent" if any(s in pose.accent for s in ("spine_low", "spine_up")) else "body"
    strokes.append(Stroke(tuple(flat(p) for p in spine_curve(current)), trunk_role))
    strokes.append(Stroke((flat(current["chest"]), flat(current["neck_top"])), "body"))
    # the hip and shoulder lines only show when the view is not a pure side view
    for a, b in (("hip_l", "hip_r"), ("shoulder_l", "shoulder_r")):
        pa, pb = flat(current[a]), flat(current[b])
        if math.dist(pa, pb) > 1.0:
            strokes.append(Stroke((pa, pb), "body"))
    for limb in near:
        strokes += limb_strokes(current, limb)
    circles = (Circle(flat(current["head"]), HEAD_RADIUS, "head"),)

    # bounds over the whole motion, so the frame stays still while the figure moves
    xs: list[float] = []
    ys: list[float] = []
    for pts in frames:
        for p in [*pts.values(), *spine_curve(pts)]:
            sx, sy = flat(p)
            xs.append(sx)
            ys.append(sy)
        hx, hy = flat(pts["head"])
        xs += [hx - HEAD_RADIUS, hx + HEAD_RADIUS]
        ys += [hy - HEAD_RADIUS, hy + HEAD_RADIUS]
    for s in strokes:
        for x, y in s.points:
            xs.append(x)
            ys.append(y)
    floor_y = min([*ys, 0.0]) if (pose.mat and view.elevation) else 0.0
    pad = LINE_WIDTH
    x0, x1 = min(xs) - pad, max(xs) + pad
    strokes.insert(0, Stroke(((x0 - 3.0, floor_y), (x1 + 3.0, floor_y)), "floor"))
    bounds = (x0 - 3.0, min([*ys, floor_y]) - pad, x1 + 3.0, max(ys) + pad)
    joints = {name: flat(p) for name, p in current.items()}
    drawing = Drawing(tuple(strokes), circles, bounds, LINE_WIDTH, joints)
    return mirror_drawing(drawing) if mirrored else drawing


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
    )


# -------------------------------------------------------------------- poses


def _frame(**segments: Spec) -> Keyframe:
    """Build a keyframe; unspecified limbs default to standing with arms hanging."""
    default: dict[str, Angle] = {
        "spine_low": Angle(90), "spine_up": Angle(90), "neck": Angle(90),
        "upper_arm_l": Angle(-90), "forearm_l": Angle(-90),
        "upper_arm_r": Angle(-90), "forearm_r": Angle(-90),
        "thigh_l": Angle(-90), "shin_l": Angle(-90), "foot_l": Angle(-15),
        "thigh_r": Angle(-90), "shin_r": Angle(-90), "foot_r": Angle(-15),
    }
    for name, value in segments.items():
        if name not in default:
            raise KeyError(f"unknown segment {name!r}")
        default[name] = Angle(*value) if isinstance(value, tuple) else Angle(value)
    return Keyframe(default)


def _both(**segments: Spec) -> dict[str, Spec]:
    """Expand ``thigh=..`` into ``thigh_l`` and ``thigh_r`` (symmetric poses)."""
    out: dict[str, Spec] = {}
    for name, value in segments.items():
        if name in ("spine_low", "spine_up", "neck") or name.endswith(("_l", "_r")):
            out[name] = value
        else:
            out[f"{name}_l"] = value
            out[f"{name}_r"] = value
    return out



def _reach(frame: Keyframe, limb: str, target: Point | str, bend: float = 1.0) -> Keyframe:
    """Set a limb's two main segments so its end reaches ``target`` (side-plane IK).

    Used only while building the pose table, so that hands really rest on the
    floor, a desk or a shin, and feet really stand on the floor, instead of
    hand-tuned angles that almost touch. ``target`` is a body-frame point or a
    joint name (of the same frame). ``bend`` +1 bends the middle joint
    forward/up (counter-clockwise), -1 the other way.
    """
    upright = replace(frame, roll=0.0)
    pts = body_points(upright)
    first, second = LIMBS[limb][:2]
    root = pts[SEGMENTS[first][0]]
    tx, ty = (pts[target][0], pts[target][1]) if isinstance(target, str) else target
    a, b = SEGMENT_LENGTHS[first], SEGMENT_LENGTHS[second]
    dx, dy = tx - root[0], ty - root[1]
    d = min(max(math.hypot(dx, dy), abs(a - b) + 1e-6), a + b - 1e-6)
    toward = math.atan2(dy, dx)
    spread = math.acos(max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d))))
    a1 = toward + bend * spread
    ex, ey = root[0] + a * math.cos(a1), root[1] + a * math.sin(a1)
    a2 = math.atan2(ty - ey, tx - ex)
    angles = dict(frame.angles)
    angles[first] = Angle(math.degrees(a1))
    angles[second] = Angle(math.degrees(a2))
    return replace(frame, angles=angles)


def _joint(frame: Keyframe, name: str) -> Point:
    """A joint's body-frame side-plane position (before roll), for building targets."""
    p = body_points(replace(frame, roll=0.0))[name]
    return (p[0], p[1])


def _angle_of(direction: Vec3, side: float) -> Angle:
    """The (angle, out) pair that points a segment of a limb on ``side`` along ``direction``."""
    dx, dy, dz = direction
    n = math.sqrt(dx * dx + dy * dy + dz * dz)
    out = math.degrees(math.asin(max(-1.0, min(1.0, side * dz / n))))
    return Angle(math.degrees(math.atan2(dy, dx)), out)


def _reach_3d(frame: Keyframe, limb: str, target: Vec3 | str, pole: Vec3) -> Keyframe:
    """Like :func:`_reach`, in 3D: the limb's end goes to ``target`` and the middle joint
    (elbow or knee) bends toward ``pole`` (a body-frame direction). For poses whose limbs leave
    the side plane, such as hands resting on a shin that lies across in front of the body."""
    pts = body_points(replace(frame, roll=0.0))
    first, second = LIMBS[limb][:2]
    root = pts[SEGMENTS[first][0]]
    goal = pts[target] if isinstance(target, str) else target
    a, b = SEGMENT_LENGTHS[first], SEGMENT_LENGTHS[second]
    to = tuple(g - r for g, r in zip(goal, root, strict=True))
    dist = math.sqrt(sum(c * c for c in to))
    u = tuple(c / dist for c in to)
    d = min(max(dist, abs(a - b) + 1e-6), a + b - 1e-6)
    along = sum(p * q for p, q in zip(pole, u, strict=True))
    v = tuple(p - along * q for p, q in zip(pole, u, strict=True))
    vn = math.sqrt(sum(c * c for c in v)) or 1.0
    cos_spread = max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d)))
    sin_spread = math.sqrt(1.0 - cos_spread * cos_spread)
    upper = tuple(a * (cos_spread * q + sin_spread * w / vn) for q, w in zip(u, v, strict=True))
    elbow = tuple(r + c for r, c in zip(root, upper, strict=True))
    lower = tuple(g - e for g, e in zip(goal, elbow, strict=True))
    side = _side(first)
    angles = dict(frame.angles)
    angles[first] = _angle_of((upper[0], upper[1], upper[2]), side)
    angles[second] = _angle_of((lower[0], lower[1], lower[2]), side)
    return replace(frame, angles=angles)


LEG_L = frozenset(LIMBS["leg_l"])
POSES: dict[str, Pose] = {}


def _add_pose(pose: Pose) -> None:
    POSES[pose.id] = pose


def _set(frame: Keyframe, **segments: Spec) -> Keyframe:
    """A copy of ``frame`` with some segment directions changed."""
    angles = dict(frame.angles)
    for name, value in _both(**segments).items():
        if name not in angles:
            raise KeyError(f"unknown segment {name!r}")
        angles[name] = Angle(*value) if isinstance(value, tuple) else Angle(value)
    return replace(frame, angles=angles)


def _kneeling_lunge() -> Pose:
    """Side view. Left foot forward (accent), right knee down: the right hip is the one stretched.

    The routines label this side "Left leg forward", so the accent follows the label.
    """
    def frame(lean: float, spine: float) -> Keyframe:
        k = _frame(spine_low=spine, spine_up=90, neck=90, thigh_r=-90 - lean, shin_r=180, foot_r=180)
        knee = _joint(k, "knee_r")
        # front shin about vertical, foot flat; the ankle sits just above the kneeling knee's level
        k = _reach(k, "leg_l", (knee[0] + 26.0 + lean * 0.5, knee[1] + 2.0), bend=1.0)
        k = _set(k, foot_l=-5)
        hand = _joint(k, "knee_l")
        k = _reach(k, "arm_l", (hand[0] - 4.0, hand[1] + 1.0), bend=-1.0)
        return _reach(k, "arm_r", (hand[0] - 4.0, hand[1] + 1.0), bend=-1.0)

    return Pose("kneeling-lunge", "Kneeling lunge", keyframes=(frame(5, 90), frame(25, 94)),
                accent=LEG_L, anchor="knee_r", contacts=("knee_r", "toe_r", "toe_l"), mat=True,
                ghost=False)


def _ninety_ninety() -> Pose:
    """Seen from the front and above: sitting upright on the floor, the left leg bent 90 degrees in
    front (its shin lying across in front of the body), the right leg bent 90 degrees out to the
    side with its shin pointing back. End: the chest leans forward over the front shin.

    The two knees make right angles and the back shin runs parallel to the front thigh, as in the
    real position. Sitting tall, the hands rest on the hips (elbows out); as the chest leans they
    go to the floor in front of the shin. Arms hanging straight down beside an upright torso were
    read as legs, which made the seated figure look like it was standing.
    """
    turn = 40.0  # how far the front thigh points out to the left of straight ahead

    def frame(lean: float) -> Keyframe:
        k = _frame(spine_low=90 - lean, spine_up=90 - lean * 0.9, neck=90 - lean * 0.8,
                   thigh_l=(0, turn), shin_l=(0, turn - 90), foot_l=(0, turn - 90),
                   thigh_r=(0, 90 - turn), shin_r=(180, turn), foot_r=(180, turn))
        pts = body_points(k)
        knee, ankle = pts["knee_l"], pts["ankle_l"]
        waist = pts["waist"]
        if lean < 10:
            left_hand = (waist[0] + 1.0, waist[1] - 2.0, waist[2] + 5.0)
            right_hand = (waist[0] + 1.0, waist[1] - 2.0, waist[2] - 5.0)
        else:
            left_hand = (knee[0] + 10.0, 0.5, knee[2] + 1.0)
            right_hand = (ankle[0] + 10.0, 0.5, ankle[2] - 1.0)
        k = _reach_3d(k, "arm_l", left_hand, (-0.4, 0.0, 1.0))
        return _reach_3d(k, "arm_r", right_hand, (-0.4, 0.0, -1.0))

    # Camera in front of the figure and a little to its right: the seated torso is seen square
    # on, the legs lie open on the mat, and the forward lean tips visibly toward the front knee.
    return Pose("ninety-ninety", "90/90 sit", keyframes=(frame(0), frame(45)),
                accent=LEG_L, anchor="pelvis", contacts=("pelvis", "knee_l", "ankle_l", "knee_r", "ankle_r"),
                view=View(azimuth=110, elevation=30), mat=True, ghost=False)


def _deep_squat() -> Pose:
    """Side view: feet flat, hips below the knees, arms forward for balance."""
    k = _frame(**_both(spine_low=68, spine_up=75, neck=80, upper_arm=0, forearm=5,
                       thigh=(12, 20), foot=(0, 10)))
    knee = _joint(k, "knee_l")
    k = _set(k, shin_l=(-112, 10), shin_r=(-112, 10))
    del knee
    return Pose("deep-squat", "Deep squat", keyframes=(k,),
                accent=frozenset({"thigh_l", "shin_l", "thigh_r", "shin_r"}), anchor="toe_l",
                contacts=("toe_l", "ankle_l", "toe_r"))


def _wide_child_pose() -> Pose:
    """Side view: kneeling, shins flat on the floor, hips sitting back toward the heels, the back
    rounded forward and down over the thighs, head low, arms long on the floor in front.

    Start: reaching forward with the hips still a little up. End: hips settled back on the heels.
    The knees being wide apart cannot show in a side view; the text says it.
    """
    def frame(thigh: float, spine_low: float, spine_up: float, neck: float) -> Keyframe:
        k = _frame(**_both(thigh=thigh, shin=180, foot=180), spine_low=spine_low, spine_up=spine_up,
                   neck=neck)
        floor = _joint(k, "knee_l")[1]
        shoulder = _joint(k, "shoulder_l")
        arm = SEGMENT_LENGTHS["upper_arm_l"] + SEGMENT_LENGTHS["forearm_l"]
        height = shoulder[1] - floor
        reach = math.sqrt(max(0.0, (arm - 0.2) ** 2 - height ** 2))
        target = (shoulder[0] + reach, floor + 0.5)
        return _reach(_reach(k, "arm_l", target, bend=-1.0), "arm_r", target, bend=-1.0)

    return Pose("wide-child-pose", "Wide child's pose",
                keyframes=(frame(-42, 14, -28, -12), frame(-17, 48, -24, -14)),
                accent=frozenset({"thigh_l", "thigh_r"}), anchor="knee_l",
                contacts=("knee_l", "ankle_l", "wrist_l"), mat=True, ghost=False)


def _knee_to_chest() -> Pose:
    """Side view, lying on the back: left knee drawn in by both hands, right leg long."""
    def frame(pull: float) -> Keyframe:
        k = _frame(spine_low=180, spine_up=180, neck=150,
                   thigh_r=0, shin_r=0, foot_r=80,
                   thigh_l=90 + pull, shin_l=-5 + pull * 0.6, foot_l=30)
        knee = _joint(k, "knee_l")
        target = (knee[0] + 2.0, knee[1] - 4.0)
        return _reach(_reach(k, "arm_l", target, bend=1.0), "arm_r", target, bend=1.0)

    return Pose("knee-to-chest", "Knee to chest", keyframes=(frame(25), frame(50)),
                accent=LEG_L, anchor="pelvis", contacts=("head", "ankle_r"), mat=True, ghost=False)


def _standing_hip_flexor() -> Pose:
    """Side view: split stance, left leg forward (accent, as the label says), right leg back and
    straight with the heel up (the hip being stretched), right hand on a desk."""
    def frame(lean: float) -> Keyframe:
        k = _frame(spine_low=92, spine_up=90, neck=90,
                   thigh_r=-120 - lean, shin_r=-120 - lean, foot_r=-40,
                   upper_arm_l=-100, forearm_l=-60)
        toe = _joint(k, "toe_r")
        # the front foot a short step ahead of the hips, flat; the front knee takes the bend
        k = _reach(k, "leg_l", (14.0 + lean * 0.5, toe[1] + 1.5), bend=1.0)
        k = _set(k, foot_l=-8)
        chest = _joint(k, "chest")
        return _reach(k, "arm_r", (chest[0] + 25.0 - lean * 0.8, chest[1] - 17.0 - lean * 0.3), bend=-1.0)

    return Pose("standing-hip-flexor", "Standing hip flexor stretch", keyframes=(frame(0), frame(8)),
                accent=LEG_L, anchor="toe_r", contacts=("toe_l", "toe_r"), prop=Prop("desk", "wrist_r"),
                ghost=False)


def _standing_quad() -> Pose:
    """Side view: standing on the right leg, left hand holds the left foot behind, right hand on a desk."""
    k = _frame(spine_low=92, spine_up=90, neck=90, thigh_l=-92, shin_l=104, foot_l=170)
    k = _reach(k, "arm_l", "ankle_l", bend=1.0)
    chest = _joint(k, "chest")
    k = _reach(k, "arm_r", (chest[0] + 22.0, chest[1] - 22.0), bend=-1.0)
    return Pose("standing-quad", "Standing quad stretch", keyframes=(k,),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), prop=Prop("desk", "wrist_r"))


def _standing_march() -> Pose:
    """Side view: standing tall, the left knee rises to hip height; arms swing opposite."""
    down = _frame(upper_arm_l=-95, forearm_l=-80, upper_arm_r=-85, forearm_r=-70)
    up = _frame(thigh_l=0, shin_l=-92, foot_l=-30,
                upper_arm_l=-120, forearm_l=-100, upper_arm_r=-50, forearm_r=10)
    return Pose("standing-march", "Standing march", keyframes=(down, up),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",))


def _leg_swings() -> Pose:
    """Side view: standing on the right leg, hands on the hips, the left leg swings back and forward."""
    arms: dict[str, Spec] = {"upper_arm_l": -115, "forearm_l": -20, "upper_arm_r": -115, "forearm_r": -20}
    back = _frame(thigh_l=-125, shin_l=-132, foot_l=-60, **arms)
    front = _frame(thigh_l=-45, shin_l=-55, foot_l=-5, **arms)
    return Pose("leg-swings", "Leg swings", keyframes=(back, front),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",))


def _quadruped(spine_low: float, spine_up: float, neck: float) -> Keyframe:
    """Hands and knees: thighs vertical (knees under the hips), shins and feet flat on the floor
    behind, arms straight down so the hands are under the shoulders.

    The two spine angles shape the back (up-then-down is rounded, down-then-up is dipped); they are
    chosen so the shoulders end up one arm's length above the floor, which keeps the arms vertical
    and the torso close to level.
    """
    k = _frame(spine_low=spine_low, spine_up=spine_up, neck=neck,
               **_both(thigh=-90, shin=180, foot=180))
    floor = _joint(k, "knee_r")[1]
    shoulder = _joint(k, "shoulder_l")
    target = (shoulder[0], floor + 0.5)
    return _reach(_reach(k, "arm_l", target, bend=-1.0), "arm_r", target, bend=-1.0)


def _cat_cow() -> Pose:
    """Side view on hands and knees: back rounded up, head down (cat), then back gently dipped,
    chest and head up (cow). Knees and hands stay planted; only the spine and head move."""
    cat = _quadruped(48, -14, -55)
    cow = _quadruped(-10, 38, 35)
    return Pose("cat-cow", "Cat-cow", keyframes=(cat, cow),
                accent=frozenset({"spine_low", "spine_up"}), anchor="knee_r",
                contacts=("knee_r", "ankle_r", "wrist_l"), mat=True)


def _hip_circles() -> Pose:
    """Three-quarter front view, hands on the hips: the raised left knee opens out to the side."""
    arms: dict[str, Spec] = {"upper_arm_l": (-100, 35), "forearm_l": (-60, -40),
                             "upper_arm_r": (-100, 35), "forearm_r": (-60, -40)}
    front = _frame(thigh_l=(-5, 0), shin_l=(-95, 0), foot_l=(-30, 0), **arms)
    side = _frame(thigh_l=(-5, 75), shin_l=(-95, 10), foot_l=(-30, 10), **arms)
    return Pose("hip-circles", "Hip circles", keyframes=(front, side),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), view=View(azimuth=55, elevation=10))


def _glute_bridge() -> Pose:
    """Side view, lying on the back, knees bent, feet flat, arms flat on the floor by the sides.

    Up: the hips lift until shoulders, hips and knees form one straight ramp, while the head,
    shoulders, arms and feet stay where they were. Both keyframes are built from the same
    shoulder-to-ankle distance, so nothing on the floor slides as the figure moves.
    """
    ramp = 22.0  # degrees the shoulder-hip-knee line rises in the top position
    shin = SEGMENT_LENGTHS["shin_l"]
    neck = 160.0  # head resting on the floor behind the shoulders

    def floor_below(k: Keyframe) -> float:
        return _joint(k, "head")[1] - HEAD_RADIUS

    def top_position() -> tuple[Keyframe, float]:
        """The up keyframe, and the shoulder-to-ankle distance it implies."""
        k = _frame(spine_low=180 + ramp, spine_up=180 + ramp, neck=neck, **_both(thigh=ramp))
        floor = floor_below(k)
        knee = _joint(k, "knee_l")
        drop = knee[1] - (floor + 0.5)
        ankle_x = knee[0] + math.sqrt(max(0.0, shin * shin - drop * drop))  # feet just past the knees
        k = _reach(k, "leg_l", (ankle_x, floor + 0.5), bend=1.0)
        k = _reach(k, "leg_r", (ankle_x, floor + 0.5), bend=1.0)
        return k, ankle_x - _joint(k, "chest")[0]

    def with_feet_and_arms(k: Keyframe, shoulder_to_ankle: float | None) -> Keyframe:
        floor = floor_below(k)
        chest = _joint(k, "chest")
        if shoulder_to_ankle is not None:
            target = (chest[0] + shoulder_to_ankle, floor + 0.5)
            k = _reach(k, "leg_l", target, bend=1.0)
            k = _reach(k, "leg_r", target, bend=1.0)
        k = _set(k, foot=0)
        arm = math.degrees(math.atan2(floor + 1.0 - chest[1], 28.0))
        return _set(k, upper_arm=(arm, 8), forearm=(arm, 8))

    up, distance = top_position()
    up = with_feet_and_arms(up, None)
    down = with_feet_and_arms(_frame(spine_low=180, spine_up=180, neck=neck), distance)
    return Pose("glute-bridge", "Glute bridge", keyframes=(down, up),
                accent=frozenset({"spine_low", "thigh_l", "thigh_r"}), anchor="ankle_l",
                contacts=("head", "ankle_l", "toe_l", "wrist_l"), mat=True)


def _dead_bug() -> Pose:
    """Side view, lying on the back: arms up, knees over hips; the left leg and right arm reach long."""
    tuck = _frame(spine_low=180, spine_up=180, neck=150,
                  **_both(upper_arm=92, forearm=92, thigh=90, shin=0, foot=60))
    reach = _set(tuck, upper_arm_r=155, forearm_r=158, thigh_l=12, shin_l=8, foot_l=60)
    return Pose("dead-bug", "Dead bug", keyframes=(tuck, reach),
                accent=frozenset({"upper_arm_r", "forearm_r", "thigh_l", "shin_l", "foot_l"}),
                anchor="pelvis", contacts=("head",), mat=True)


def _side_lying_leg_raise() -> Pose:
    """Front view, lying on the right side, head on the lower arm: the top (left) leg lifts."""
    base: dict[str, Spec] = {"upper_arm_r": (90, 0), "forearm_r": (100, -70), "upper_arm_l": (-88, -4),
            "forearm_l": (-85, -6), "thigh_r": (-90, 0), "shin_r": (-90, 0), "foot_r": (-90, 0),
            "foot_l": (-90, 0)}
    rest = replace(_frame(**{**base, "thigh_l": (-90, -10), "shin_l": (-90, 0)}), roll=90.0)
    lift = replace(_frame(**{**base, "thigh_l": (-90, 38), "shin_l": (-90, 38)}), roll=90.0)
    return Pose("side-lying-leg-raise", "Side-lying leg raise", keyframes=(rest, lift),
                accent=LEG_L, anchor="hip_r", contacts=("ankle_r",),
                view=View(azimuth=90, elevation=0), mat=True)


for _make in (_kneeling_lunge, _ninety_ninety, _deep_squat, _wide_child_pose, _knee_to_chest,
              _standing_hip_flexor, _standing_quad, _standing_march, _leg_swings, _cat_cow,
              _hip_circles, _glute_bridge, _dead_bug, _side_lying_leg_raise):
    _add_pose(_make())


def get_pose(pose_id: str | None) -> Pose | None:
    """The pose with that id, or None (the caller then shows the illustration file instead)."""
    return POSES.get(pose_id) if pose_id else None
