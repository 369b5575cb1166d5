"""The exercise figure: one consistent skeleton, resting on the floor, mirrored by a flip.

These check the geometry the pictures are made of (segment lengths, floor
contact, mirroring, keyframe interpolation) and that the committed SVG files
are exactly what the generator makes today.
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core import poses
from desktop_app.core.poses import (
    HEAD_RADIUS,
    LIMBS,
    POSES,
    SEGMENT_LENGTHS,
    SEGMENTS,
    draw,
    ease,
    get_pose,
    interpolate,
    place_on_floor,
    rep_phase,
    segment_length,
)
from desktop_app.core.svg_figure import frame_box, pose_svg

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_IDS = {
    "kneeling-lunge", "ninety-ninety", "deep-squat", "wide-child-pose", "knee-to-chest",
    "standing-hip-flexor", "standing-quad", "standing-march", "leg-swings", "cat-cow",
    "hip-circles", "glute-bridge", "dead-bug", "side-lying-leg-raise",
}
SVG = "{http://www.w3.org/2000/svg}"
phases = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
pose_ids = st.sampled_from(sorted(POSES))


def test_every_required_pose_exists_with_one_or_two_complete_keyframes() -> None:
    assert set(POSES) >= REQUIRED_IDS
    for pose_id in REQUIRED_IDS:
        pose = POSES[pose_id]
        assert pose.id == pose_id
        assert 1 <= len(pose.keyframes) <= 2, pose_id
        for frame in pose.keyframes:
            assert set(frame.angles) == set(SEGMENTS), pose_id
            for angle in frame.angles.values():
                assert math.isfinite(angle.angle) and math.isfinite(angle.out), pose_id
        assert pose.accent <= set(SEGMENTS), pose_id
        assert pose.anchor in place_on_floor(pose, pose.keyframes[0]), pose_id


def test_poses_that_the_brief_describes_as_movements_have_two_keyframes() -> None:
    for pose_id in ("leg-swings", "cat-cow", "hip-circles", "glute-bridge", "dead-bug",
                    "side-lying-leg-raise", "standing-march"):
        assert POSES[pose_id].moves, pose_id
        start, end = POSES[pose_id].keyframes
        assert start != end, pose_id


def test_unknown_pose_id_gives_none() -> None:
    assert get_pose("no-such-pose") is None
    assert get_pose(None) is None
    assert get_pose("cat-cow") is POSES["cat-cow"]


def test_accent_agrees_with_the_first_side_label_of_the_builtin_routines() -> None:
    """"Left leg forward" over a picture whose accented leg is the right one would mislead."""
    checked = 0
    for path in sorted((ROOT / "assets" / "routines").glob("*.json")):
        for exercise in json.loads(path.read_text(encoding="utf-8")).get("exercises", []):
            labels, pose_id = exercise.get("side_labels"), exercise.get("pose")
            if not labels or pose_id not in POSES:
                continue
            first = labels[0]["en"] if isinstance(labels[0], dict) else str(labels[0])
            accent = POSES[pose_id].accent
            words = first.lower().replace(",", "").split()
            for side, part in itertools.pairwise(words):
                limb = {"leg": "leg", "knee": "leg", "foot": "leg", "arm": "arm"}.get(part)
                if side in ("left", "right") and limb:
                    suffix = "_l" if side == "left" else "_r"
                    assert any(s.endswith(suffix) and s in LIMBS[f"{limb}{suffix}"] for s in accent), (
                        path.name, pose_id, first)
                    checked += 1
                    if limb == "leg" and ("forward" in words or "front" in words):
                        other = "_r" if suffix == "_l" else "_l"
                        points = place_on_floor(POSES[pose_id], POSES[pose_id].keyframes[0])
                        assert points[f"ankle{suffix}"][0] > points[f"ankle{other}"][0], (pose_id, first)
    if checked == 0:
        pytest.skip("no built-in routine with side labels to compare")


@settings(max_examples=60, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_segment_lengths_are_the_same_in_every_pose_and_phase(pose_id: str, phase: float) -> None:
    pose = POSES[pose_id]
    points = place_on_floor(pose, interpolate(pose, phase))
    for segment, length in SEGMENT_LENGTHS.items():
        assert segment_length(points, segment) == pytest.approx(length, abs=1e-6), (pose_id, segment)


@settings(max_examples=60, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_lowest_point_rests_on_the_floor(pose_id: str, phase: float) -> None:
    pose = POSES[pose_id]
    points = place_on_floor(pose, interpolate(pose, phase))
    lowest = min(min(p[1] for p in points.values()), points["head"][1] - HEAD_RADIUS)
    assert lowest == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("pose_id", sorted(REQUIRED_IDS))
def test_contact_joints_touch_the_floor_in_every_keyframe(pose_id: str) -> None:
    """Feet, knees and hands meant to be on the floor really are (within a line width)."""
    pose = POSES[pose_id]
    assert pose.contacts, pose_id
    for frame in pose.keyframes:
        points = place_on_floor(pose, frame)
        for joint in pose.contacts:
            height = points[joint][1] - (HEAD_RADIUS if joint == "head" else 0.0)
            assert height <= 3.0, (pose_id, joint, height)


@settings(max_examples=40, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_anchor_joint_does_not_slide_while_the_figure_moves(pose_id: str, phase: float) -> None:
    pose = POSES[pose_id]
    x, _, z = place_on_floor(pose, interpolate(pose, phase))[pose.anchor]
    assert (x, z) == pytest.approx((0.0, 0.0), abs=1e-9)


@pytest.mark.parametrize("eased", [True, False])
@pytest.mark.parametrize("pose_id", sorted(REQUIRED_IDS))
def test_interpolation_at_0_and_1_equals_the_keyframes(pose_id: str, eased: bool) -> None:
    pose = POSES[pose_id]
    for phase, frame in ((0.0, pose.keyframes[0]), (1.0, pose.keyframes[-1])):
        got = interpolate(pose, phase, eased=eased)
        assert got.roll == pytest.approx(frame.roll)
        for segment in SEGMENTS:
            assert got.angles[segment].angle == pytest.approx(frame.angles[segment].angle), segment
            assert got.angles[segment].out == pytest.approx(frame.angles[segment].out), segment


def test_interpolation_halfway_lies_between_the_keyframes() -> None:
    pose = POSES["leg-swings"]
    start, end = (k.angles["thigh_l"].angle for k in pose.keyframes)
    middle = interpolate(pose, 0.5).angles["thigh_l"].angle
    assert min(start, end) < middle < max(start, end)
    assert middle == pytest.approx((start + end) / 2)  # the ease is symmetric about the middle


def test_ease_starts_and_stops_gently_and_is_monotonic() -> None:
    values = [ease(i / 100) for i in range(101)]
    assert values[0] == 0.0 and values[-1] == pytest.approx(1.0)
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert values[1] < 0.01 and values[-2] > 0.99  # slow at both ends
    assert ease(-1.0) == 0.0 and ease(2.0) == pytest.approx(1.0)


def test_rep_phase_goes_out_and_back_once_per_rep() -> None:
    assert rep_phase(0.0, 4.0) == 0.0
    assert rep_phase(2.0, 4.0) == pytest.approx(1.0)
    assert rep_phase(1.0, 4.0) == pytest.approx(0.5)
    assert rep_phase(3.0, 4.0) == pytest.approx(0.5)
    assert rep_phase(4.0, 4.0) == pytest.approx(0.0)
    assert rep_phase(5.0, 0.0) == 0.0


@settings(max_examples=40, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_mirroring_flips_x_only(pose_id: str, phase: float) -> None:
    pose = POSES[pose_id]
    plain = draw(pose, phase)
    mirrored = draw(pose, phase, mirrored=True)
    assert len(plain.strokes) == len(mirrored.strokes)
    for a, b in zip(plain.strokes, mirrored.strokes, strict=True):
        assert a.role == b.role
        assert [c for x, y in a.points for c in (-x, y)] == pytest.approx([c for p in b.points for c in p])
    for ca, cb in zip(plain.circles, mirrored.circles, strict=True):
        assert (-ca.center[0], ca.center[1]) == pytest.approx(cb.center)
        assert ca.radius == cb.radius
    x0, y0, x1, y1 = plain.bounds
    assert mirrored.bounds == pytest.approx((-x1, y0, -x0, y1))


@pytest.mark.parametrize("pose_id", sorted(REQUIRED_IDS))
def test_accent_marks_the_worked_part_and_the_bounds_hold_the_whole_motion(pose_id: str) -> None:
    pose = POSES[pose_id]
    roles = {s.role for s in draw(pose, 0.5).strokes}
    assert "floor" in roles
    if pose.accent:
        assert roles & {"accent", "accent_far"}, pose_id
    x0, y0, x1, y1 = draw(pose, 0.0).bounds
    for phase in (0.0, 0.25, 0.5, 0.75, 1.0):
        drawing = draw(pose, phase)
        assert drawing.bounds == draw(pose, 0.0).bounds  # the frame never jumps
        for stroke in drawing.strokes:
            for x, y in stroke.points:
                assert x0 <= x <= x1 and y0 <= y <= y1, (pose_id, phase, stroke.role)


@pytest.mark.parametrize("mirrored", [False, True])
@pytest.mark.parametrize("pose_id", sorted(REQUIRED_IDS))
def test_svg_is_well_formed_and_everything_is_inside_the_picture(pose_id: str, mirrored: bool) -> None:
    text = pose_svg(POSES[pose_id], mirrored=mirrored)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    shapes = list(root.iter(f"{SVG}polyline")) + list(root.iter(f"{SVG}polygon"))
    assert len(shapes) >= 10  # floor, trunk, neck, four limbs of several segments
    assert len(list(root.iter(f"{SVG}circle"))) == 1  # the head
    for shape in shapes:
        for pair in shape.attrib["points"].split():
            x, y = (float(v) for v in pair.split(","))
            assert 0.0 <= x <= width and 0.0 <= y <= height, (pose_id, pair)


def test_mirrored_svg_is_the_flipped_picture() -> None:
    pose = POSES["kneeling-lunge"]
    plain = ET.fromstring(pose_svg(pose, phase=0.0))
    flipped = ET.fromstring(pose_svg(pose, phase=0.0, mirrored=True))
    width = float(plain.attrib["viewBox"].split()[2])
    head = next(plain.iter(f"{SVG}circle"))
    head_m = next(flipped.iter(f"{SVG}circle"))
    assert float(head_m.attrib["cx"]) == pytest.approx(width - float(head.attrib["cx"]), abs=0.02)
    assert head_m.attrib["cy"] == head.attrib["cy"]


def test_all_figures_share_one_scale() -> None:
    """Consistent set: every picture uses the same figure units per pixel unless a pose needs more room."""
    widths = {pose_id: frame_box(draw(pose, 0.0))[2] for pose_id, pose in POSES.items()}
    assert len({round(w, 6) for w in widths.values()}) == 1, widths


@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_committed_illustration_is_up_to_date_with_the_generator(pose_id: str) -> None:
    path = ROOT / "assets" / "exercises" / f"{pose_id}.svg"
    assert path.exists(), f"{path} missing: run scripts/render-illustrations"
    assert path.read_text(encoding="utf-8") == pose_svg(POSES[pose_id]), (
        f"{path.name} is stale: run .venv/bin/python scripts/render-illustrations and commit"
    )


def test_render_script_check_mode_agrees() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "render-illustrations"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pose_modules_stay_pure() -> None:
    code = ("import sys; import desktop_app.core.poses, desktop_app.core.svg_figure; "
            "assert 'PySide6' not in sys.modules, 'Qt imported'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert poses.__doc__ and "LEFT" in poses.__doc__  # the meaning of "left" is documented


# ------------------------------------------------ what makes the floor poses readable
# These pin down the features a person reads the picture by, so a later tweak of an angle
# cannot quietly turn a quadruped back into a tangle or a bridge into a lying figure.


def _world(pose_id: str) -> list[dict[str, tuple[float, float, float]]]:
    pose = POSES[pose_id]
    return [place_on_floor(pose, frame) for frame in pose.keyframes]


def _bend_above_line(points: dict[str, tuple[float, float, float]], a: str, mid: str, b: str) -> float:
    """Height of ``mid`` above the straight line from ``a`` to ``b`` (side plane)."""
    (ax, ay, _), (mx, my, _), (bx, by, _) = points[a], points[mid], points[b]
    t = (mx - ax) / (bx - ax)
    return my - (ay + t * (by - ay))


def _angle_between(points: dict[str, tuple[float, float, float]], a: str, joint: str, b: str) -> float:
    u = [p - q for p, q in zip(points[a], points[joint], strict=True)]
    v = [p - q for p, q in zip(points[b], points[joint], strict=True)]
    cos = sum(x * y for x, y in zip(u, v, strict=True)) / (math.hypot(*u) * math.hypot(*v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def test_cat_cow_is_on_hands_and_knees_with_the_back_rounded_then_dipped() -> None:
    cat, cow = _world("cat-cow")
    for pts in (cat, cow):
        for side in ("l", "r"):
            assert pts[f"knee_{side}"][0] == pytest.approx(pts[f"hip_{side}"][0], abs=1.0)  # thigh vertical
            assert pts[f"ankle_{side}"][1] == pytest.approx(pts[f"knee_{side}"][1], abs=0.5)  # shin flat
            assert pts[f"wrist_{side}"][0] == pytest.approx(pts[f"shoulder_{side}"][0], abs=2.0)  # arm down
            assert pts[f"wrist_{side}"][1] <= 1.5  # hand on the floor
            assert pts[f"elbow_{side}"][0] == pytest.approx(pts[f"shoulder_{side}"][0], abs=1.0)  # straight
        assert pts["ankle_l"][0] < pts["knee_l"][0] < pts["wrist_l"][0]  # shins behind, hands in front
        rise = pts["chest"][1] - pts["pelvis"][1]
        run = pts["chest"][0] - pts["pelvis"][0]
        assert abs(math.degrees(math.atan2(rise, run))) < 20  # torso roughly level
    assert _bend_above_line(cat, "pelvis", "waist", "chest") > 5.0  # back rounded up
    assert _bend_above_line(cow, "pelvis", "waist", "chest") < -2.0  # back dipped
    assert cat["head"][1] < cat["chest"][1] < cow["head"][1]  # head drops, then lifts


def test_child_pose_kneels_and_sits_back_with_the_chest_low_and_arms_forward() -> None:
    reach, settled = _world("wide-child-pose")
    for pts in (reach, settled):
        assert pts["knee_l"][1] <= 0.5 and pts["ankle_l"][1] <= 0.5  # shins flat on the floor
        assert pts["ankle_l"][0] < pts["pelvis"][0] < pts["knee_l"][0]  # hips between heels and knees
        assert pts["wrist_l"][1] <= 1.5 and pts["wrist_l"][0] > pts["head"][0]  # hands on the floor ahead
        assert pts["head"][1] < pts["waist"][1]  # head lower than the back
        assert pts["head"][1] - HEAD_RADIUS < 5.0  # head close to the floor
        assert pts["waist"][1] > max(pts["pelvis"][1], pts["chest"][1])  # back rounded over the thighs
    assert settled["pelvis"][1] < reach["pelvis"][1]  # the hips come down...
    assert abs(settled["pelvis"][0] - settled["ankle_l"][0]) < 2.0  # ...onto the heels


def test_glute_bridge_lifts_the_hips_into_one_straight_ramp_on_planted_feet_and_shoulders() -> None:
    down, up = _world("glute-bridge")
    assert up["pelvis"][1] > down["pelvis"][1] + 8.0
    def heading(a: str, b: str) -> float:  # side-plane direction; the side view shows no depth
        return math.degrees(math.atan2(up[b][1] - up[a][1], up[b][0] - up[a][0]))

    assert heading("chest", "pelvis") == pytest.approx(heading("hip_l", "knee_l"), abs=3.0)  # one ramp
    assert heading("chest", "pelvis") > 15.0
    for joint in ("chest", "head", "ankle_l", "toe_l", "wrist_l"):
        assert up[joint] == pytest.approx(down[joint], abs=0.5), joint  # nothing on the floor slides
    for pts in (down, up):
        assert pts["chest"][1] < 4.0  # shoulders on the floor
        assert pts["toe_l"][1] == pytest.approx(pts["ankle_l"][1], abs=0.5)  # foot flat
        assert pts["wrist_l"][1] < 2.0 and pts["elbow_l"][1] < 4.0  # arms flat by the sides
        assert 60.0 < _angle_between(pts, "hip_l", "knee_l", "ankle_l") < 120.0  # knees bent


def test_ninety_ninety_sits_on_the_floor_with_both_knees_at_right_angles() -> None:
    upright, lean = _world("ninety-ninety")
    for pts in (upright, lean):
        assert pts["pelvis"][1] <= 0.5  # seated: the pelvis is on the floor
        for side in ("l", "r"):
            assert _angle_between(pts, f"hip_{side}", f"knee_{side}", f"ankle_{side}") == pytest.approx(
                90.0, abs=5.0)
        assert pts["ankle_l"][0] > pts["pelvis"][0] + 10.0  # front shin lies in front of the body
        assert pts["ankle_r"][0] < pts["knee_r"][0]  # back shin points back
        assert pts["knee_r"][2] < pts["hip_r"][2] - 10.0  # back thigh out to the right side
    assert upright["chest"][0] == pytest.approx(upright["pelvis"][0], abs=1.0)  # sitting tall
    assert upright["wrist_l"][1] > 8.0 and upright["wrist_r"][1] > 8.0  # no arm posing as a leg
    assert lean["chest"][0] > upright["chest"][0] + 10.0  # chest goes forward over the shin
    assert lean["head"][1] < upright["head"][1]


def test_the_back_is_drawn_as_one_smooth_curve_through_the_spine_joints() -> None:
    """A rounded or dipped back must look rounded, not like two sticks meeting at a corner."""
    pose = POSES["cat-cow"]
    drawing = draw(pose, 0.0)
    pts = drawing.joints
    pelvis, chest = pytest.approx(pts["pelvis"]), pytest.approx(pts["chest"])
    trunk = next(s for s in drawing.strokes if s.points[0] == pelvis and s.points[-1] == chest)
    assert len(trunk.points) > 5
    assert any(p == pytest.approx(pts["waist"]) for p in trunk.points)  # passes through the waist
    turns = [math.atan2(b[1] - a[1], b[0] - a[0]) for a, b in itertools.pairwise(trunk.points)]
    steps = [abs(math.remainder(b - a, math.tau)) for a, b in itertools.pairwise(turns)]
    assert max(steps) < math.radians(20)  # no sharp corner anywhere along the back
    march = POSES["standing-march"]
    straight = poses.spine_curve(place_on_floor(march, march.keyframes[0]))
    xs = [p[0] for p in straight]
    assert max(xs) - min(xs) < 1.0  # an upright spine stays a straight line
