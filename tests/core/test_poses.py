"""The exercise figures: one consistent body, resting on the floor, doing what the text says.

These check the geometry the pictures are made of (segment lengths, floor
contact, mirroring, keyframe motion, a circle for hip circles), the things the
physiotherapy review asked for (hands on the desk, a small side-lying lift, the
squat's hands together, wide knees in child's pose, both 90-90 variants, a
feel-it spot everywhere), and that the committed SVG files are exactly what
the generator makes today.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core import figure_drawing, poses, skeleton
from desktop_app.core.figure_drawing import draw, frame_at, motion_samples, place_on_floor
from desktop_app.core.poses import POSES, get_pose
from desktop_app.core.skeleton import JOINT_RADII, SEGMENT_LENGTHS, SEGMENTS, Keyframe, ease, segment_length
from desktop_app.core.svg_figure import frame_box, pose_svg

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_IDS = {
    "kneeling-lunge", "ninety-ninety", "ninety-ninety-side", "deep-squat", "wide-child-reach",
    "wide-child-pose", "knee-to-chest", "standing-hip-flexor", "standing-quad", "standing-march",
    "leg-swings", "cat-cow", "hip-circles", "glute-bridge", "dead-bug", "side-lying-leg-raise",
}
SVG = "{http://www.w3.org/2000/svg}"
BODY_ROLES = {"body", "far", "accent", "accent_far"}
phases = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
pose_ids = st.sampled_from(sorted(POSES))


def test_every_required_pose_exists_with_complete_keyframes() -> None:
    assert set(POSES) == REQUIRED_IDS
    for pose_id, pose in POSES.items():
        assert pose.id == pose_id
        assert pose.keyframes
        for k in pose.keyframes:
            assert set(k.angles) == set(SEGMENTS), pose_id
        assert pose.anchor in place_on_floor(pose, pose.keyframes[0])
        assert pose.feel, f"{pose_id}: no feel-it spot"
        assert pose.accent <= set(SEGMENTS)


def test_movements_have_keyframes_to_move_between() -> None:
    for pose_id in ("standing-march", "leg-swings", "cat-cow", "hip-circles", "glute-bridge", "dead-bug",
                    "side-lying-leg-raise", "kneeling-lunge", "ninety-ninety", "ninety-ninety-side",
                    "wide-child-pose", "knee-to-chest"):
        assert POSES[pose_id].moves, pose_id
    assert POSES["hip-circles"].loop and len(POSES["hip-circles"].keyframes) >= 12


def test_unknown_pose_id_gives_none() -> None:
    assert get_pose("no-such-pose") is None
    assert get_pose(None) is None
    assert get_pose("cat-cow") is POSES["cat-cow"]


@settings(max_examples=60, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_segment_lengths_are_the_same_in_every_pose_and_phase(pose_id: str, phase: float) -> None:
    pts = place_on_floor(POSES[pose_id], frame_at(POSES[pose_id], phase))
    for seg in SEGMENTS:
        assert segment_length(pts, seg) == pytest.approx(SEGMENT_LENGTHS[seg], abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_the_body_surface_rests_on_the_floor(pose_id: str, phase: float) -> None:
    pts = place_on_floor(POSES[pose_id], frame_at(POSES[pose_id], phase))
    assert min(p[1] - JOINT_RADII[name] for name, p in pts.items()) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_contact_joints_touch_the_floor_in_every_keyframe(pose_id: str) -> None:
    pose = POSES[pose_id]
    assert pose.contacts
    for k in pose.keyframes:
        pts = place_on_floor(pose, k)
        for name in pose.contacts:
            assert pts[name][1] - JOINT_RADII[name] == pytest.approx(0.0, abs=1.2), (pose_id, name)


@settings(max_examples=40, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_anchor_joint_does_not_slide_while_the_figure_moves(pose_id: str, phase: float) -> None:
    pose = POSES[pose_id]
    x, _, z = place_on_floor(pose, frame_at(pose, phase))[pose.anchor]
    assert (x, z) == pytest.approx((0.0, 0.0), abs=1e-9)


@pytest.mark.parametrize("pose_id", sorted(p for p in POSES if POSES[p].moves and not POSES[p].loop))
def test_open_motions_start_and_end_on_their_keyframes(pose_id: str) -> None:
    pose = POSES[pose_id]
    def flat(k: Keyframe) -> list[float]:
        return [v for seg in SEGMENTS for v in (k.angles[seg].angle, k.angles[seg].out)]

    for eased in (True, False):
        assert flat(frame_at(pose, 0.0, eased)) == pytest.approx(flat(pose.keyframes[0]))
        assert flat(frame_at(pose, 1.0, eased)) == pytest.approx(flat(pose.keyframes[-1]))


def test_a_loop_comes_back_to_where_it_started() -> None:
    pose = POSES["hip-circles"]
    start, end = place_on_floor(pose, frame_at(pose, 0.0)), place_on_floor(pose, frame_at(pose, 0.999999))
    assert math.dist(start["knee_l"], end["knee_l"]) < 0.01


def test_hip_circles_knee_travels_a_real_circle() -> None:
    """The review found an animation that never drew a circle: the knee's path must be one."""
    pts = [s["knee_l"] for s in motion_samples(POSES["hip-circles"])]
    centre = tuple(sum(p[i] for p in pts) / len(pts) for i in range(3))
    radii = [math.dist(p, centre) for p in pts]
    mean = sum(radii) / len(radii)
    assert mean > 6.0  # a real circle, not a wobble
    assert max(radii) - min(radii) < 0.1 * mean  # round within 10 %, incl. the straight pieces between keyframes
    # it goes all the way round: the direction from the centre turns through 360 degrees
    a, b = pts[0], pts[len(pts) // 4]
    u = [a[i] - centre[i] for i in range(3)]
    v = [b[i] - centre[i] for i in range(3)]
    normal = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    turned = 0.0
    for p, q in itertools.pairwise([*pts, pts[0]]):
        du = [p[i] - centre[i] for i in range(3)]
        dv = [q[i] - centre[i] for i in range(3)]
        cross = (du[1] * dv[2] - du[2] * dv[1], du[2] * dv[0] - du[0] * dv[2], du[0] * dv[1] - du[1] * dv[0])
        sign = 1.0 if sum(c * n for c, n in zip(cross, normal, strict=True)) >= 0 else -1.0
        cos = sum(x * y for x, y in zip(du, dv, strict=True)) / (math.dist(p, centre) * math.dist(q, centre))
        turned += sign * math.acos(max(-1.0, min(1.0, cos)))
    assert abs(turned) == pytest.approx(2 * math.pi, abs=0.05)
    drawing = draw(POSES["hip-circles"], 0.0)
    assert len(drawing.path) == len(pts) and any(s.role == "path" and s.closed for s in drawing.strokes)


def test_ease_starts_and_stops_gently_and_is_monotonic() -> None:
    values = [ease(i / 100) for i in range(101)]
    assert values[0] == 0.0 and values[-1] == pytest.approx(1.0)
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert values[1] < 0.01 and values[-2] > 0.99


@settings(max_examples=40, deadline=None)
@given(pose_id=pose_ids, phase=phases)
def test_mirroring_flips_x_only(pose_id: str, phase: float) -> None:
    plain = draw(POSES[pose_id], phase)
    mirrored = draw(POSES[pose_id], phase, mirrored=True)
    assert len(plain.strokes) == len(mirrored.strokes)
    for a, b in zip(plain.strokes, mirrored.strokes, strict=True):
        assert a.role == b.role and a.width == b.width
        assert [v for x, y in a.points for v in (-x, y)] == pytest.approx([v for p in b.points for v in p])
    assert [v for x, y in plain.feel for v in (-x, y)] == pytest.approx([v for p in mirrored.feel for v in p])
    x0, y0, x1, y1 = plain.bounds
    assert mirrored.bounds == pytest.approx((-x1, y0, -x0, y1))


def _inside(bounds: tuple[float, float, float, float], x: float, y: float, pad: float = 0.0) -> bool:
    x0, y0, x1, y1 = bounds
    return x0 - 1e-6 <= x - pad and x + pad <= x1 + 1e-6 and y0 - 1e-6 <= y - pad and y + pad <= y1 + 1e-6


@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_the_picture_has_a_body_an_accent_a_feel_spot_and_holds_the_whole_motion(pose_id: str) -> None:
    pose = POSES[pose_id]
    still = draw(pose, 1.0)
    roles = {s.role for s in still.strokes}
    assert roles & {"accent", "accent_far"}
    assert "body" in roles or "far" in roles
    assert still.circles and {c.role for c in still.circles} == {"feel"}
    edges = [s for s in still.strokes if s.edge]
    assert len(edges) >= 8  # every body part is outlined
    for phase in (0.0, 0.25, 0.5, 0.75, 1.0):
        d = draw(pose, phase)
        assert d.bounds == pytest.approx(still.bounds)
        for s in d.strokes:
            for x, y in s.points:
                assert _inside(d.bounds, x, y, s.width / 2 - 0.01), (pose_id, phase, s.role)
        for c in d.circles:
            assert _inside(d.bounds, *c.center, c.radius - 0.01)


@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_no_body_part_sinks_into_the_floor(pose_id: str) -> None:
    """The review saw a figure merging into the floor line; the body's drawn outline stays above it."""
    pose = POSES[pose_id]
    if pose.view.elevation:
        return  # seen from above, the floor is an area and y = 0 is not its line
    for phase in (0.0, 0.5, 1.0):
        d = draw(pose, phase)
        lowest = min(y - s.width / 2 for s in d.strokes if s.role in BODY_ROLES and not s.edge for _, y in s.points)
        assert lowest > -0.6, (pose_id, phase, lowest)


def _hand_on(pts: dict[str, tuple[float, float, float]], hand: str, top: float) -> bool:
    return abs(pts[hand][1] - JOINT_RADII[hand] - top) < 0.8


def test_hands_hold_the_desk_where_the_text_says_so() -> None:
    for pose_id in ("leg-swings", "hip-circles", "standing-hip-flexor", "standing-quad"):
        pose = POSES[pose_id]
        assert [p.kind for p in pose.props] == ["desk"], pose_id
        first = place_on_floor(pose, pose.keyframes[0])
        desk_top = first[pose.props[0].joint][1] - JOINT_RADII["wrist_r"]
        for k in pose.keyframes:
            pts = place_on_floor(pose, k)
            assert _hand_on(pts, "wrist_r", desk_top), pose_id
    # the desk is drawn
    assert any(s.role == "prop" for s in draw(POSES["hip-circles"]).strokes)


def test_kneeling_lunge_back_shin_on_the_mat_hands_on_the_thigh_and_a_cushion() -> None:
    pose = POSES["kneeling-lunge"]
    assert [p.kind for p in pose.props] == ["cushion"]
    for k in pose.keyframes:
        pts = place_on_floor(pose, k)
        for name in ("knee_r", "ankle_r"):
            assert pts[name][1] - JOINT_RADII[name] == pytest.approx(0.0, abs=1.2)
        hip, knee = pts["hip_l"], pts["knee_l"]
        for hand in ("wrist_l", "wrist_r"):
            x = pts[hand]
            # distance from the hand to the front thigh's axis (in the side plane)
            t = ((x[0] - hip[0]) * (knee[0] - hip[0]) + (x[1] - hip[1]) * (knee[1] - hip[1])) / \
                ((knee[0] - hip[0]) ** 2 + (knee[1] - hip[1]) ** 2)
            foot = (hip[0] + t * (knee[0] - hip[0]), hip[1] + t * (knee[1] - hip[1]))
            assert 0.2 < t < 1.0 and math.dist(foot, x[:2]) < 7.5, hand  # resting on it, not hovering
        assert pts["knee_l"][0] > pts["hip_l"][0]  # front knee ahead of the hip


def test_side_lying_leg_raise_lifts_only_a_little() -> None:
    pose = POSES["side-lying-leg-raise"]
    rest, lift = (place_on_floor(pose, k) for k in pose.keyframes)
    rise = lift["ankle_l"][1] - rest["ankle_l"][1]
    assert 5.0 < rise < 16.0  # about a hand's width at the foot, not a 40-degree kick


def test_deep_squat_hands_together_in_front_and_hips_below_knees() -> None:
    pts = place_on_floor(POSES["deep-squat"], POSES["deep-squat"].keyframes[0])
    assert math.dist(pts["wrist_l"], pts["wrist_r"]) < 2 * JOINT_RADII["wrist_l"] + 1.0
    assert pts["wrist_l"][0] > pts["chest"][0] + 4.0
    assert pts["pelvis"][1] < pts["knee_l"][1]


def test_wide_child_pose_has_wide_knees_and_the_hips_slide_back_down() -> None:
    reach = place_on_floor(POSES["wide-child-reach"], POSES["wide-child-reach"].keyframes[0])
    back = place_on_floor(POSES["wide-child-pose"], POSES["wide-child-pose"].keyframes[-1])
    for pts in (reach, back):
        assert abs(pts["knee_l"][2] - pts["knee_r"][2]) > 20.0
        assert abs(pts["toe_l"][2] - pts["toe_r"][2]) < abs(pts["knee_l"][2] - pts["knee_r"][2]) / 2
        assert pts["head"][1] < 14.0  # chest and head low
    assert back["pelvis"][1] < reach["pelvis"][1] - 5.0
    assert back["pelvis"][0] < reach["pelvis"][0] - 5.0
    assert POSES["wide-child-pose"].keyframes[0] == POSES["wide-child-reach"].keyframes[0]


def _bend(pts: dict[str, tuple[float, float, float]], a: str, b: str, c: str) -> float:
    u = [pts[a][i] - pts[b][i] for i in range(3)]
    v = [pts[c][i] - pts[b][i] for i in range(3)]
    cos = sum(x * y for x, y in zip(u, v, strict=True)) / (math.dist(pts[a], pts[b]) * math.dist(pts[c], pts[b]))
    return math.degrees(math.acos(cos))


def test_ninety_ninety_both_variants_sit_with_right_angle_knees() -> None:
    forward, side = POSES["ninety-ninety"], POSES["ninety-ninety-side"]
    for pose in (forward, side):
        for k in pose.keyframes:
            pts = place_on_floor(pose, k)
            assert _bend(pts, "hip_l", "knee_l", "ankle_l") == pytest.approx(90.0, abs=12.0)
            assert _bend(pts, "hip_r", "knee_r", "ankle_r") == pytest.approx(90.0, abs=12.0)
            assert pts["wrist_l"][1] > 1.0 and pts["wrist_r"][1] > 1.0
    upright = place_on_floor(forward, forward.keyframes[0])
    lean = place_on_floor(forward, forward.keyframes[-1])
    tilt = place_on_floor(side, side.keyframes[-1])
    assert lean["chest"][0] > upright["chest"][0] + 10.0  # the chest goes forward over the shin
    assert tilt["chest"][2] > upright["chest"][2] + 8.0  # ...or sideways over the front leg
    assert abs(tilt["chest"][0] - upright["chest"][0]) < 8.0
    # the head never ends up on the hips in the picture
    for pose in (forward, side):
        d = draw(pose, 1.0)
        assert math.dist(d.joints["head"], d.joints["pelvis"]) > 14.0


def test_knee_to_chest_lies_on_the_back_with_the_knee_drawn_up() -> None:
    pose = POSES["knee-to-chest"]
    pts = place_on_floor(pose, pose.keyframes[-1])
    assert pts["knee_l"][1] > pts["chest"][1] + 10.0
    assert pts["ankle_r"][1] < 4.0 and pts["head"][1] < 8.0
    for hand in ("wrist_l", "wrist_r"):
        assert math.dist(pts[hand], pts["knee_l"]) < 10.0


def test_cat_cow_is_on_hands_and_knees_with_the_back_rounded_then_dipped() -> None:
    pose = POSES["cat-cow"]
    cat, cow = (place_on_floor(pose, k) for k in pose.keyframes)

    def above_line(pts: dict[str, tuple[float, float, float]]) -> float:
        a, w, b = pts["pelvis"], pts["waist"], pts["chest"]
        return w[1] - (a[1] + b[1]) / 2

    assert above_line(cat) > 4.0 and above_line(cow) < -2.0
    assert cat["head"][1] < cat["chest"][1] < cow["head"][1]


def test_glute_bridge_lifts_the_hips_on_planted_feet() -> None:
    pose = POSES["glute-bridge"]
    down, up = (place_on_floor(pose, k) for k in pose.keyframes)
    assert up["pelvis"][1] > down["pelvis"][1] + 8.0
    assert up["ankle_l"] == pytest.approx(down["ankle_l"], abs=0.5)
    assert up["head"][0] == pytest.approx(down["head"][0], abs=1.5)


def test_the_feel_spot_is_on_the_side_the_text_names() -> None:
    """Lunge: the front of the BACK (right) hip; quad stretch: the front of the held (left) thigh."""
    lunge = draw(POSES["kneeling-lunge"], 1.0)
    (spot,) = lunge.feel
    assert math.dist(spot, lunge.joints["hip_r"]) < math.dist(spot, lunge.joints["knee_l"])
    assert spot[0] < lunge.joints["hip_r"][0]  # in front of it: the figure faces screen-left
    quad = draw(POSES["standing-quad"], 1.0)
    (spot,) = quad.feel
    hip, knee = quad.joints["hip_l"], quad.joints["knee_l"]
    assert min(hip[1], knee[1]) - 1 < spot[1] < max(hip[1], knee[1]) + 1


def test_the_back_is_drawn_as_one_smooth_curve_through_the_spine_joints() -> None:
    pts = place_on_floor(POSES["cat-cow"], POSES["cat-cow"].keyframes[0])
    curve = figure_drawing.spine_curve(pts)
    assert any(p == pytest.approx(pts["waist"]) for p in curve)
    angles = [math.atan2(b[1] - a[1], b[0] - a[0]) for a, b in itertools.pairwise(curve)]
    assert max(abs(b - a) for a, b in itertools.pairwise(angles)) < math.radians(20)


@pytest.mark.parametrize(("pose_id", "mirrored"), [(p, m) for p in sorted(POSES) for m in (False, True)])
def test_svg_is_well_formed_and_everything_is_inside_the_picture(pose_id: str, mirrored: bool) -> None:
    text = pose_svg(POSES[pose_id], mirrored=mirrored)
    root = ET.fromstring(text.encode())
    assert root.tag == f"{SVG}svg"
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    shapes = [*root.iter(f"{SVG}polyline"), *root.iter(f"{SVG}polygon")]
    assert len(shapes) >= 16
    for shape in shapes:
        for pair in shape.attrib["points"].split():
            x, y = (float(v) for v in pair.split(","))
            assert -0.01 <= x <= width + 0.01 and -0.01 <= y <= height + 0.01
    assert any(c.attrib.get("fill") == "#ffd23f" for c in root.iter(f"{SVG}circle"))  # the feel spot


def test_all_figures_share_one_scale() -> None:
    widths = {pose_id: frame_box(draw(pose, 1.0))[2] for pose_id, pose in POSES.items()}
    assert len({round(w, 6) for w in widths.values()}) == 1, widths


@pytest.mark.parametrize("pose_id", sorted(POSES))
def test_committed_illustration_is_up_to_date_with_the_generator(pose_id: str) -> None:
    path = ROOT / "assets" / "exercises" / f"{pose_id}.svg"
    assert path.exists(), f"{path} missing: run scripts/render-illustrations"
    assert path.read_text(encoding="utf-8") == pose_svg(POSES[pose_id]), (
        f"{path.name} is out of date: run scripts/render-illustrations")


def test_render_script_check_mode_agrees() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "render-illustrations"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pose_modules_stay_pure_and_say_what_left_means() -> None:
    code = ("import sys; import desktop_app.core.poses, desktop_app.core.svg_figure; "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))]; "
            "sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert poses.__doc__ and "LEFT" in poses.__doc__
    assert skeleton.__doc__ and figure_drawing.__doc__
    assert not hasattr(poses, "rep_phase") and not hasattr(skeleton, "rep_phase")
