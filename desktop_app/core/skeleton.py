"""The figure's skeleton: segments, forward kinematics, posing helpers and motion between keyframes.

Why a skeleton and not hand-drawn pictures: one body with fixed segment
lengths keeps every exercise consistent, and a pose given as angles can be
*interpolated*, so the player can move the figure (a rep, a slow lean into a
hold, a circle of the knee), which a static picture cannot do.

Model (pure Python, no Qt):

* The body frame is x = forward, y = up, z = the figure's LEFT. Each segment
  (thigh, shin, ...) has a fixed length and a direction given by two angles in
  degrees: ``angle`` in the side plane measured from "forward", counter-clockwise
  (0 = forward, 90 = up, -90 = down, 180 = back) and ``out``, how far it turns
  out of the side plane towards the limb's own side (abduction; 90 = straight out
  sideways). Forward kinematics chains the segments from the pelvis.
* A keyframe may roll the whole body about its forward axis (``roll``), which
  is how a side-lying pose is made from the same skeleton.
* The body has volume: every joint has a radius (:data:`JOINT_RADII`), half the
  drawn thickness there. The figure is dropped so its lowest *surface* rests on
  the floor (y = 0) and shifted so the pose's ``anchor`` joint stays put, which
  keeps a standing foot or a kneeling knee from sliding while the figure moves.

The catalogue of exercise poses built on this lives in ``poses.py``; the
drawing (the display list both renderers paint) in ``figure_drawing.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

HEAD_RADIUS = 6.3

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

SEGMENT_WIDTHS: Mapping[str, float] = {
    "upper_arm": 5.0, "forearm": 4.2, "thigh": 8.0, "shin": 6.0, "foot": 3.6, "neck": 4.6,
}
"""Drawn thickness of each limb segment (figure units; the standing figure is about 95 tall)."""
TORSO_WIDTH = (10.5, 12.5)
"""Drawn thickness of the lower and the upper half of the torso, seen from the side."""
HAND_RADIUS = 2.6

JOINT_RADII: Mapping[str, float] = {
    "pelvis": TORSO_WIDTH[0] / 2, "waist": TORSO_WIDTH[0] / 2, "chest": TORSO_WIDTH[1] / 2,
    "neck_top": SEGMENT_WIDTHS["neck"] / 2, "head": HEAD_RADIUS,
    "shoulder_l": 4.75, "shoulder_r": 4.75, "elbow_l": 2.5, "elbow_r": 2.5, "wrist_l": HAND_RADIUS,
    "wrist_r": HAND_RADIUS, "hip_l": 4.75, "hip_r": 4.75, "knee_l": 4.0, "knee_r": 4.0, "ankle_l": 3.0,
    "ankle_r": 3.0, "toe_l": 1.8, "toe_r": 1.8,
}
"""Half the body's thickness at each joint: how far its surface reaches past the joint."""

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
    """Rotation of the whole body about its forward axis, degrees (90 = lying on the right side)."""


# --------------------------------------------------------- forward kinematics


def direction(a: Angle, side: float) -> Vec3:
    """Unit vector of a segment direction; ``side`` is +1 for left limbs and the trunk, -1 for right."""
    ra, ro = math.radians(a.angle), math.radians(a.out)
    return (math.cos(ra) * math.cos(ro), math.sin(ra) * math.cos(ro), side * math.sin(ro))


def add(p: Vec3, v: Vec3, k: float = 1.0) -> Vec3:
    return (p[0] + v[0] * k, p[1] + v[1] * k, p[2] + v[2] * k)


def limb_side(segment: str) -> float:
    """+1 for the left limbs and the trunk, -1 for the right limbs."""
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
            pts[start] = add(pts["chest"], (0.0, 0.0, limb_side(start) * SHOULDER_HALF_WIDTH))
        pts[end] = add(pts[start], direction(frame.angles[seg], limb_side(seg)), SEGMENT_LENGTHS[seg])
    pts["head"] = add(pts["neck_top"], direction(frame.angles["neck"], 1.0), HEAD_RADIUS)
    return {name: _roll(p, frame.roll) for name, p in pts.items()}


def lowest_surface(pts: Mapping[str, Vec3]) -> float:
    """The lowest y the body's surface reaches (each joint's y minus its radius)."""
    return min(p[1] - JOINT_RADII.get(name, 0.0) for name, p in pts.items())


def segment_length(points: Mapping[str, Vec3], segment: str) -> float:
    """Distance between a segment's two joints (a consistency check for the tests)."""
    a, b = (points[j] for j in SEGMENTS[segment])
    return math.dist(a, b)


# ------------------------------------------------------------- motion


def ease(phase: float) -> float:
    """Smooth start and stop (cosine ease-in-out): how a person moves into a stretch."""
    p = min(1.0, max(0.0, phase))
    return 0.5 - 0.5 * math.cos(math.pi * p)


def blend(a: Keyframe, b: Keyframe, t: float) -> Keyframe:
    """The keyframe a fraction ``t`` of the way from ``a`` to ``b`` (angle by angle)."""
    angles = {
        seg: Angle(a.angles[seg].angle + (b.angles[seg].angle - a.angles[seg].angle) * t,
                   a.angles[seg].out + (b.angles[seg].out - a.angles[seg].out) * t)
        for seg in SEGMENTS
    }
    return Keyframe(angles, a.roll + (b.roll - a.roll) * t)


def keyframe_at(keyframes: tuple[Keyframe, ...], phase: float, loop: bool, eased: bool) -> Keyframe:
    """The position at ``phase`` 0..1 along ``keyframes``.

    Open motions (a lean, a rep out and back) run from the first keyframe to
    the last, eased if asked. Loops (a circle of the knee) run at an even pace
    through every keyframe and back to the first, so phase 0 and 1 meet.
    """
    if len(keyframes) == 1:
        return keyframes[0]
    if loop:
        p = phase % 1.0
        spans = len(keyframes)
    else:
        p = ease(phase) if eased else min(1.0, max(0.0, phase))
        spans = len(keyframes) - 1
    where = p * spans
    i = min(int(where), spans - 1)
    return blend(keyframes[i], keyframes[(i + 1) % len(keyframes)], where - i)


# ------------------------------------------------------------- posing helpers
# Used while building the pose catalogue, so that hands really rest on the floor,
# a desk or a thigh, and feet really stand on the floor, instead of hand-tuned
# angles that almost touch.


def frame(**segments: Spec) -> Keyframe:
    """Build a keyframe; unspecified limbs default to standing with arms hanging."""
    default: dict[str, Angle] = {
        "spine_low": Angle(90), "spine_up": Angle(90), "neck": Angle(90),
        "upper_arm_l": Angle(-90), "forearm_l": Angle(-90),
        "upper_arm_r": Angle(-90), "forearm_r": Angle(-90),
        "thigh_l": Angle(-90), "shin_l": Angle(-90), "foot_l": Angle(-15),
        "thigh_r": Angle(-90), "shin_r": Angle(-90), "foot_r": Angle(-15),
    }
    for name, value in both(**segments).items():
        if name not in default:
            raise KeyError(f"unknown segment {name!r}")
        default[name] = Angle(*value) if isinstance(value, tuple) else Angle(value)
    return Keyframe(default)


def both(**segments: Spec) -> dict[str, Spec]:
    """Expand ``thigh=..`` into ``thigh_l`` and ``thigh_r`` (symmetric poses)."""
    out: dict[str, Spec] = {}
    for name, value in segments.items():
        if name in TRUNK or name.endswith(("_l", "_r")):
            out[name] = value
        else:
            out[f"{name}_l"] = value
            out[f"{name}_r"] = value
    return out


def with_angles(k: Keyframe, **segments: Spec) -> Keyframe:
    """A copy of ``k`` with some segment directions changed."""
    angles = dict(k.angles)
    for name, value in both(**segments).items():
        if name not in angles:
            raise KeyError(f"unknown segment {name!r}")
        angles[name] = Angle(*value) if isinstance(value, tuple) else Angle(value)
    return replace(k, angles=angles)


def joint(k: Keyframe, name: str) -> Vec3:
    """A joint's body-frame position before any roll, for building targets."""
    return body_points(replace(k, roll=0.0))[name]


def reach(k: Keyframe, limb: str, target: Vec3 | str, pole: Vec3) -> Keyframe:
    """Two-bone inverse kinematics: the limb's end goes to ``target`` and its middle joint
    (elbow or knee) bends toward ``pole`` (a body-frame direction). ``target`` is a
    body-frame point or a joint name of the same frame. An unreachable target is met
    as closely as the limb allows."""
    pts = body_points(replace(k, roll=0.0))
    first, second = LIMBS[limb][:2]
    root = pts[SEGMENTS[first][0]]
    goal = pts[target] if isinstance(target, str) else target
    a, b = SEGMENT_LENGTHS[first], SEGMENT_LENGTHS[second]
    to = tuple(g - r for g, r in zip(goal, root, strict=True))
    dist = math.sqrt(sum(c * c for c in to)) or 1e-9
    u = tuple(c / dist for c in to)
    d = min(max(dist, abs(a - b) + 1e-6), a + b - 1e-6)
    along = sum(p * q for p, q in zip(pole, u, strict=True))
    v = tuple(p - along * q for p, q in zip(pole, u, strict=True))
    vn = math.sqrt(sum(c * c for c in v)) or 1.0
    cos_spread = max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d)))
    sin_spread = math.sqrt(1.0 - cos_spread * cos_spread)
    upper = tuple(a * (cos_spread * q + sin_spread * w / vn) for q, w in zip(u, v, strict=True))
    middle = tuple(r + c for r, c in zip(root, upper, strict=True))
    end = tuple(r + c * d for r, c in zip(root, u, strict=True))
    lower = tuple(g - m for g, m in zip(end, middle, strict=True))
    side = limb_side(first)
    angles = dict(k.angles)
    angles[first] = angle_of((upper[0], upper[1], upper[2]), side)
    angles[second] = angle_of((lower[0], lower[1], lower[2]), side)
    return replace(k, angles=angles)


def angle_of(vector: Vec3, side: float) -> Angle:
    """The (angle, out) pair that points a segment of a limb on ``side`` along ``vector``."""
    dx, dy, dz = vector
    n = math.sqrt(dx * dx + dy * dy + dz * dz) or 1e-9
    out = math.degrees(math.asin(max(-1.0, min(1.0, side * dz / n))))
    return Angle(math.degrees(math.atan2(dy, dx)), out)
