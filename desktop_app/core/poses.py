"""The catalogue: one :class:`Pose` per exercise figure, built on the skeleton.

The engine lives elsewhere (``skeleton.py``: segments, kinematics, motion;
``figure_drawing.py``: the picture). This module only says, per exercise,
where the limbs go, what the figure holds or lies on, which side is worked
and where the stretch is felt.

Why the catalogue is code and not a data file: most positions are *reached*,
not listed. A hand is put on the desk, the front foot on the floor one step
ahead of the kneeling knee, the knee on a circle around the hip; the angles
follow by inverse kinematics (:func:`skeleton.reach`). As data this would
need a small language of targets and constraints; as code each pose reads
as a short recipe and the tests check the outcome (feet on the floor, hands
on the desk, the knee's path a circle).

"Left" in the picture: every pose is drawn once, for the routine's FIRST side,
which the built-in routines label with the figure's LEFT limb ("Left leg
forward", "Left knee in"). The accent colour marks the limbs that label names,
so the words and the picture agree. The default camera looks at the figure's
left side, so in side views the figure faces screen-left and its left limbs
are the near ones. The second side is the same picture mirrored.
"""

from __future__ import annotations

import math

from desktop_app.core.figure_drawing import FeelSpot, Pose, Prop, View
from desktop_app.core.skeleton import (
    HAND_RADIUS,
    HEAD_RADIUS,
    JOINT_RADII,
    LIMBS,
    SEGMENT_LENGTHS,
    Keyframe,
    Vec3,
    angle_of,
    direction,
    frame,
    joint,
    reach,
    with_angles,
)

LEG_L = frozenset(LIMBS["leg_l"])
KNEE = JOINT_RADII["knee_l"]
ANKLE = JOINT_RADII["ankle_l"]
DESK_IN_FRONT = (-1.5, 26.0, -14.0, 14.0)
"""A desk whose near edge is under the hand, reaching forward (x) away from the figure."""
DESK_AT_RIGHT = (-14.0, 14.0, 2.0, -22.0)
"""A desk beside the figure's right side, its edge under the hand."""


def _lerp(a: Vec3, b: Vec3, t: float) -> Vec3:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


# ------------------------------------------------------------------ floor poses


def kneeling_lunge() -> Pose:
    """Side view. Left foot forward (accent, as the label says), right knee down on a cushion:
    the front of the right hip is where the stretch is felt. Hands rest on the front thigh."""

    def at(lean: float, tuck: float) -> Keyframe:
        k = frame(spine_low=90 + tuck, spine_up=90, neck=90, thigh_r=-90 - lean, shin_r=182.9, foot_r=178)
        knee = joint(k, "knee_r")
        ankle = (knee[0] + 25.0 + lean * 0.45, knee[1] - (KNEE - ANKLE), 4.0)
        k = reach(k, "leg_l", ankle, pole=(1.0, 0.6, 0.0))
        k = with_angles(k, foot_l=-4)
        hip, front_knee = joint(k, "hip_l"), joint(k, "knee_l")
        rest = _lerp(hip, front_knee, 0.7)
        k = reach(k, "arm_l", (rest[0], rest[1] + 6.0, 6.5), pole=(-1.0, 0.0, 0.4))
        return reach(k, "arm_r", (rest[0] - 1.0, rest[1] + 6.0, 1.5), pole=(-1.0, 0.0, -0.6))

    return Pose("kneeling-lunge", "Kneeling lunge", keyframes=(at(4, 0), at(20, 4)),
                accent=LEG_L, anchor="knee_r", contacts=("knee_r", "ankle_l"), mat=True,
                props=(Prop("cushion", "knee_r", (-9.0, 8.0, -7.0, 7.0)),),
                feel=(FeelSpot("hip_r", "knee_r", 0.12, 5.5, forward=3.0),), ghost=False)


NINETY_VIEW = View(azimuth=-30, elevation=30)


def _ninety_ninety_frame(lean: float, side: float) -> Keyframe:
    """Sitting on the floor, left leg bent 90 degrees in front (shin across in front of the body),
    right leg bent 90 degrees out to the side with its shin pointing back. ``lean`` tips the chest
    forward over the front shin, ``side`` tips the upper body sideways over the front leg."""
    turn = 40.0  # how far the front thigh points out to the left of straight ahead
    k = frame(spine_low=(90 - lean, side * 0.6), spine_up=(90 - lean * 0.9, side), neck=(90 - lean * 0.6, side * 0.8),
              thigh_l=(-6, turn), shin_l=(-2, turn - 90), foot_l=(0, turn - 90),
              thigh_r=(-6, 90 - turn), shin_r=(178, turn), foot_r=(180, turn))
    knee_l, ankle_l, knee_r = joint(k, "knee_l"), joint(k, "ankle_l"), joint(k, "knee_r")
    floor = knee_l[1] - KNEE
    if side > 0:
        # leaning over the front leg: the left hand slides out on the floor, the right rests on its knee
        left = (knee_l[0] - 2.0, floor + HAND_RADIUS, knee_l[2] + 9.0)
        right = (knee_r[0], knee_r[1] + 5.0, knee_r[2])
    elif lean > 10:
        left = (knee_l[0] + 8.0, floor + HAND_RADIUS, knee_l[2] - 2.0)
        right = (ankle_l[0] + 9.0, floor + HAND_RADIUS, ankle_l[2] - 3.0)
    else:
        # sitting tall: hands resting on the knees
        left = (knee_l[0], knee_l[1] + 5.0, knee_l[2])
        right = (knee_r[0], knee_r[1] + 5.0, knee_r[2])
    k = reach(k, "arm_l", left, pole=(-0.3, -0.2, 1.0))
    return reach(k, "arm_r", right, pole=(-0.3, -0.2, -1.0))


def ninety_ninety() -> Pose:
    """Seen from behind the left shoulder and a little above, so the front leg's right angle shows
    on the mat and the chest visibly tips forward over it (from the front, the head fell onto the
    hips; from the side, the legs hid each other)."""
    return Pose("ninety-ninety", "90/90 sit, lean forward",
                keyframes=(_ninety_ninety_frame(0, 0), _ninety_ninety_frame(34, 0)),
                accent=LEG_L, anchor="pelvis", contacts=("pelvis", "knee_l", "knee_r"),
                view=NINETY_VIEW, mat=True, feel=(FeelSpot("hip_l", "knee_l", 0.05, 6.0),), ghost=False)


def ninety_ninety_side() -> Pose:
    """The variant: from sitting tall, the upper body tips sideways over the front leg. Seen from the
    front, where a sideways lean is plainest."""
    return Pose("ninety-ninety-side", "90/90 sit, lean to the side",
                keyframes=(_ninety_ninety_frame(0, 0), _ninety_ninety_frame(8, 30)),
                accent=LEG_L, anchor="pelvis", contacts=("pelvis", "knee_l", "knee_r"),
                view=View(azimuth=90, elevation=25), mat=True, feel=(FeelSpot("hip_l", "knee_l", 0.05, 6.0),),
                ghost=False)


def deep_squat() -> Pose:
    """Side view: feet flat and turned a little out, hips below the knees, hands together
    in front of the chest, elbows inside the knees."""
    k = frame(spine_low=66, spine_up=76, neck=82, thigh=(12, 22), shin=(-112, 12), foot=(0, 14))
    chest = joint(k, "chest")
    hands = (chest[0] + 10.0, chest[1] - 7.0, 0.0)
    k = reach(k, "arm_l", (hands[0], hands[1], 1.2), pole=(0.0, -1.0, 0.6))
    k = reach(k, "arm_r", (hands[0], hands[1], -1.2), pole=(0.0, -1.0, -0.6))
    return Pose("deep-squat", "Deep squat", keyframes=(k,),
                accent=frozenset({"thigh_l", "shin_l", "thigh_r", "shin_r"}), anchor="toe_l",
                contacts=("ankle_l", "ankle_r"), view=View(azimuth=8, elevation=0),
                feel=(FeelSpot("hip_l", "knee_l", 0.22, 5.5), FeelSpot("hip_r", "knee_r", 0.22, 5.5)))


CHILD_VIEW = View(azimuth=22, elevation=14)


def _child_frame(thigh: float, spine_low: float, spine_up: float, neck: float) -> Keyframe:
    """Kneeling with the knees wide and the big toes together, chest low, arms long in front."""
    k = frame(thigh=(thigh, 32), shin=(181, -28), foot=(180, -10), spine_low=spine_low, spine_up=spine_up,
              neck=neck)
    floor = joint(k, "knee_l")[1] - KNEE
    out = []
    for side, z in (("l", 7.0), ("r", -7.0)):
        shoulder = joint(k, f"shoulder_{side}")
        arm = SEGMENT_LENGTHS["upper_arm_l"] + SEGMENT_LENGTHS["forearm_l"]
        height = shoulder[1] - (floor + HAND_RADIUS)
        ahead = math.sqrt(max(0.0, (arm - 0.3) ** 2 - height ** 2 - (z - shoulder[2]) ** 2))
        out.append((side, (shoulder[0] + ahead, floor + HAND_RADIUS, z)))
    for side, target in out:
        k = reach(k, f"arm_{side}", target, pole=(0.0, 1.0, 0.0))
    return k


CHILD_REACH = _child_frame(-74, 8, -30, -24)
CHILD_BACK = _child_frame(-14, 40, -22, -18)
CHILD_FEEL = (FeelSpot("hip_l", "knee_l", 0.4, 5.0), FeelSpot("hip_r", "knee_r", 0.4, 5.0))


def wide_child_reach() -> Pose:
    """The first part: kneeling with knees wide, hands walked forward, chest lowering."""
    return Pose("wide-child-reach", "Wide child's pose, reach forward", keyframes=(CHILD_REACH,),
                accent=frozenset({"thigh_l", "thigh_r"}), anchor="knee_l", contacts=("knee_l", "knee_r"),
                view=CHILD_VIEW, mat=True, feel=CHILD_FEEL)


def wide_child_pose() -> Pose:
    """The second part: the hips slide back toward the heels while the chest stays low."""
    return Pose("wide-child-pose", "Wide child's pose, hips back", keyframes=(CHILD_REACH, CHILD_BACK),
                accent=frozenset({"thigh_l", "thigh_r"}), anchor="knee_l", contacts=("knee_l", "knee_r"),
                view=CHILD_VIEW, mat=True, feel=CHILD_FEEL, ghost=False)


def knee_to_chest() -> Pose:
    """Side view, lying on the back, head resting: the left knee drawn in by both hands, the right
    leg long on the mat. Felt in the left buttock and at the front of the right hip."""

    def at(pull: float) -> Keyframe:
        k = frame(spine_low=180, spine_up=180, neck=180, thigh_r=-4, shin_r=-4, foot_r=80,
                  thigh_l=90 + pull, shin_l=-10 + pull * 0.8, foot_l=20)
        knee, ankle = joint(k, "knee_l"), joint(k, "ankle_l")
        grip = _lerp(knee, ankle, 0.18)
        k = reach(k, "arm_l", (grip[0], grip[1], 6.0), pole=(0.2, -0.4, 1.0))
        return reach(k, "arm_r", (grip[0], grip[1], 1.0), pole=(0.2, -0.4, -1.0))

    return Pose("knee-to-chest", "Knee to chest", keyframes=(at(20), at(45)),
                accent=LEG_L, anchor="pelvis", contacts=("head", "ankle_r"), mat=True, ghost=False,
                feel=(FeelSpot("hip_r", "knee_r", 0.15, 5.0, forward=3.0), FeelSpot("hip_l", "pelvis", 0.0, 5.0)))


# ------------------------------------------------------------------ standing poses


def standing_hip_flexor() -> Pose:
    """Side view: split stance, left leg forward (accent, as the label says), right leg back and
    straight with the heel up (the hip being stretched), right hand on a desk."""

    def at(lean: float, desk: Vec3 | None) -> Keyframe:
        k = frame(spine_low=93, spine_up=90, neck=90, thigh_r=-118 - lean, shin_r=-118 - lean, foot_r=-38,
                  upper_arm_l=-100, forearm_l=-60)
        toe = joint(k, "toe_r")
        floor = toe[1] - JOINT_RADII["toe_r"]
        k = reach(k, "leg_l", (12.0 + lean * 0.6, floor + ANKLE, 4.0), pole=(1.0, 0.3, 0.0))
        k = with_angles(k, foot_l=-4)
        if desk is None:  # the hand's place on the desk, measured from the planted back foot
            chest = joint(k, "chest")
            desk = (chest[0] + 24.0 - toe[0], chest[1] - 19.0 - toe[1], -7.0)
        return reach(k, "arm_r", (toe[0] + desk[0], toe[1] + desk[1], desk[2]), pole=(-1.0, -0.5, -0.3))

    def desk_offset() -> Vec3:
        k = at(0, None)
        toe, hand = joint(k, "toe_r"), joint(k, "wrist_r")
        return (hand[0] - toe[0], hand[1] - toe[1], hand[2])

    return Pose("standing-hip-flexor", "Standing hip flexor stretch",
                keyframes=(at(0, desk_offset()), at(8, desk_offset())),
                accent=LEG_L, anchor="toe_r", contacts=("toe_l", "toe_r"),
                props=(Prop("desk", "wrist_r", DESK_IN_FRONT),),
                feel=(FeelSpot("hip_r", "knee_r", 0.12, 5.5, forward=3.0),), ghost=False)


def standing_quad() -> Pose:
    """Side view: standing on the right leg, the left hand holds the left ankle behind, the right
    hand on a desk in front. Felt along the front of the left thigh."""
    k = frame(spine_low=92, spine_up=90, neck=90, thigh_l=-94, shin_l=102, foot_l=170)
    k = reach(k, "arm_l", "ankle_l", pole=(-0.2, 0.0, 1.0))
    chest = joint(k, "chest")
    k = reach(k, "arm_r", (chest[0] + 22.0, chest[1] - 21.0, -7.0), pole=(-1.0, -0.5, -0.3))
    return Pose("standing-quad", "Standing quad stretch", keyframes=(k,),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), props=(Prop("desk", "wrist_r", DESK_IN_FRONT),),
                feel=(FeelSpot("hip_l", "knee_l", 0.45, 5.5, forward=2.5),))


def standing_march() -> Pose:
    """Side view: standing tall, the left knee rises to hip height while the arms swing opposite."""
    down = frame(upper_arm_l=-95, forearm_l=-80, upper_arm_r=-85, forearm_r=-70)
    up = frame(thigh_l=0, shin_l=-92, foot_l=-30,
               upper_arm_l=-120, forearm_l=-100, upper_arm_r=-50, forearm_r=10)
    return Pose("standing-march", "Standing march", keyframes=(down, up),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), trace="knee_l",
                feel=(FeelSpot("hip_l", "knee_l", 0.1, 5.0, forward=3.0),))


def _holding_desk_at_right(k: Keyframe) -> Keyframe:
    """The right hand rests on a desk beside the figure; the left hand on the left hip."""
    k = reach(k, "arm_r", (3.0, 3.0, -17.0), pole=(-1.0, 0.0, -0.2))
    return reach(k, "arm_l", (3.0, 2.0, 8.0), pole=(-1.0, 0.0, 1.0))


def leg_swings() -> Pose:
    """Slightly turned side view: standing side-on to a desk, the right hand on it, the left leg
    swings back and forward from the hip."""
    back = _holding_desk_at_right(frame(thigh_l=-122, shin_l=-130, foot_l=-60))
    front = _holding_desk_at_right(frame(thigh_l=-48, shin_l=-58, foot_l=-5))
    return Pose("leg-swings", "Leg swings", keyframes=(back, front),
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), view=View(azimuth=18, elevation=8),
                props=(Prop("desk", "wrist_r", DESK_AT_RIGHT),), trace="ankle_l",
                feel=(FeelSpot("hip_l", "hip_l", 0.0, 5.0),))


def hip_circles(samples: int = 16) -> Pose:
    """Three-quarter front view: standing on the right leg, the right hand on a desk, the raised
    left knee draws a circle: forward, out to the side, back and down, and round again.

    The thigh turns on a cone around one direction, so the knee travels a true circle in space;
    the keyframes are points on that circle and the motion loops through them at an even pace.
    """
    centre = direction(angle_of((0.62, -0.2, 0.5), 1.0), 1.0)
    up = (0.0, 1.0, 0.0)
    u = _unit(_cross(centre, up))
    v = _cross(u, centre)
    cone = math.radians(26.0)
    frames = []
    for i in range(samples):
        theta = 2.0 * math.pi * i / samples
        d = tuple(math.cos(cone) * c + math.sin(cone) * (math.cos(theta) * a + math.sin(theta) * b)
                  for c, a, b in zip(centre, u, v, strict=True))
        thigh = angle_of((d[0], d[1], d[2]), 1.0)
        k = frame(thigh_l=(thigh.angle, thigh.out), shin_l=(-98, thigh.out * 0.3), foot_l=(-25, thigh.out * 0.3))
        frames.append(_holding_desk_at_right(k))
    return Pose("hip-circles", "Hip circles", keyframes=tuple(frames), loop=True,
                accent=LEG_L, anchor="toe_r", contacts=("toe_r",), view=View(azimuth=80, elevation=30),
                props=(Prop("desk", "wrist_r", DESK_AT_RIGHT),), trace="knee_l", ghost=False,
                feel=(FeelSpot("hip_l", "hip_l", 0.0, 5.0),))


def _cross(a: Vec3, b: Vec3) -> Vec3:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(a: Vec3) -> Vec3:
    n = math.sqrt(sum(c * c for c in a)) or 1.0
    return (a[0] / n, a[1] / n, a[2] / n)


# ------------------------------------------------------------------ warm-up and strength


def _quadruped(spine_low: float, spine_up: float, neck: float) -> Keyframe:
    """Hands and knees: thighs vertical (knees under the hips), shins and feet flat behind, arms
    straight down so the hands are under the shoulders. The spine angles shape the back."""
    arm = SEGMENT_LENGTHS["upper_arm_l"] + SEGMENT_LENGTHS["forearm_l"] - 0.3

    def shaped(thigh: float) -> tuple[Keyframe, float]:
        k = frame(spine_low=spine_low, spine_up=spine_up, neck=neck, thigh=thigh, shin=181, foot=180)
        floor = joint(k, "knee_r")[1] - KNEE
        return k, joint(k, "shoulder_l")[1] - (floor + HAND_RADIUS)

    # A rounded back lifts the shoulders out of the arms' reach: let the hips sit back a little
    # (thighs off vertical) until straight arms put the hands on the floor.
    low, high = -90.0, -55.0
    for _ in range(40):
        middle = (low + high) / 2
        if shaped(middle)[1] > arm:
            low = middle
        else:
            high = middle
    k = shaped(low if shaped(-90.0)[1] > arm else -90.0)[0]
    floor = joint(k, "knee_r")[1] - KNEE
    for side in ("l", "r"):
        shoulder = joint(k, f"shoulder_{side}")
        k = reach(k, f"arm_{side}", (shoulder[0], floor + HAND_RADIUS, shoulder[2]), pole=(-1.0, 0.0, 0.0))
    return k


def cat_cow() -> Pose:
    """Side view on hands and knees: back rounded up, head down (cat), then back gently dipped,
    chest and head up (cow). Knees and hands stay planted; only the spine and head move."""
    return Pose("cat-cow", "Cat-cow", keyframes=(_quadruped(50, -12, -55), _quadruped(-8, 40, 35)),
                accent=frozenset({"spine_low", "spine_up"}), anchor="knee_r",
                contacts=("knee_r", "wrist_l"), mat=True,
                feel=(FeelSpot("pelvis", "chest", 0.5, 6.0, forward=-3.0),))


def glute_bridge() -> Pose:
    """Side view, lying on the back, knees bent, feet flat, arms long on the floor.

    Up: the hips lift until shoulders, hips and knees form one straight ramp, while the head,
    shoulders, arms and feet stay where they were. Both keyframes use the same
    shoulder-to-ankle distance, so nothing on the floor slides as the figure moves.
    """
    ramp = 22.0

    def floor_below(k: Keyframe) -> float:
        return joint(k, "head")[1] - HEAD_RADIUS

    def feet_and_arms(k: Keyframe, ankle_x: float) -> Keyframe:
        floor = floor_below(k)
        k = reach(k, "leg_l", (ankle_x, floor + ANKLE, 4.0), pole=(0.0, 1.0, 0.0))
        k = reach(k, "leg_r", (ankle_x, floor + ANKLE, -4.0), pole=(0.0, 1.0, 0.0))
        k = with_angles(k, foot=0)
        chest = joint(k, "chest")
        for side, z in (("l", 9.0), ("r", -9.0)):
            k = reach(k, f"arm_{side}", (chest[0] + 27.0, floor + HAND_RADIUS, z), pole=(0.0, 1.0, 0.0))
        return k

    up = frame(spine_low=180 + ramp, spine_up=180 + ramp, neck=180, thigh=ramp)
    floor = floor_below(up)
    knee = joint(up, "knee_l")
    drop = knee[1] - (floor + ANKLE)
    shin = SEGMENT_LENGTHS["shin_l"]
    ankle_x = knee[0] + math.sqrt(max(0.0, shin * shin - drop * drop))
    distance = ankle_x - joint(up, "chest")[0]
    up = feet_and_arms(up, ankle_x)
    down = frame(spine_low=180, spine_up=180, neck=180)
    down = feet_and_arms(down, joint(down, "chest")[0] + distance)
    return Pose("glute-bridge", "Glute bridge", keyframes=(down, up),
                accent=frozenset({"spine_low", "thigh_l", "thigh_r"}), anchor="ankle_l",
                contacts=("head", "ankle_l"), mat=True, trace="pelvis",
                feel=(FeelSpot("hip_l", "knee_l", 0.0, 6.0),))


def dead_bug() -> Pose:
    """Side view, lying on the back: arms up, knees over hips; the left leg and right arm reach long."""
    tuck = frame(spine_low=180, spine_up=180, neck=180, upper_arm=92, forearm=92, thigh=90, shin=0, foot=60)
    long = with_angles(tuck, upper_arm_r=160, forearm_r=163, thigh_l=14, shin_l=10, foot_l=60)
    return Pose("dead-bug", "Dead bug", keyframes=(tuck, long),
                accent=frozenset({"upper_arm_r", "forearm_r", "thigh_l", "shin_l", "foot_l"}),
                anchor="pelvis", contacts=("head",), mat=True, trace="ankle_l",
                feel=(FeelSpot("pelvis", "chest", 0.45, 6.0, forward=3.0),))


def side_lying_leg_raise() -> Pose:
    """Front view, lying on the right side, head on the lower arm: the top (left) leg lifts a
    little, about a hand's width at the foot, and lowers again."""
    base = {"upper_arm_r": (90, 0), "forearm_r": (100, -70), "upper_arm_l": (-88, -4),
            "forearm_l": (-85, -6), "thigh_r": (-90, 5.0), "shin_r": (-90, 5.0), "foot_r": (-90, 0),
            "foot_l": (-90, 0)}
    rest = Keyframe(frame(**base, thigh_l=(-90, -6), shin_l=(-90, 0)).angles, roll=90.0)
    lift = Keyframe(frame(**base, thigh_l=(-90, 16), shin_l=(-90, 16)).angles, roll=90.0)
    return Pose("side-lying-leg-raise", "Side-lying leg raise", keyframes=(rest, lift),
                accent=LEG_L, anchor="hip_r", contacts=("ankle_r",), trace="ankle_l",
                view=View(azimuth=90, elevation=0), mat=True,
                feel=(FeelSpot("hip_l", "knee_l", 0.05, 5.0),))


POSES: dict[str, Pose] = {
    pose.id: pose
    for pose in (
        kneeling_lunge(), ninety_ninety(), ninety_ninety_side(), deep_squat(), wide_child_reach(),
        wide_child_pose(), knee_to_chest(), standing_hip_flexor(), standing_quad(), standing_march(),
        leg_swings(), cat_cow(), hip_circles(), glute_bridge(), dead_bug(), side_lying_leg_raise(),
    )
}


def get_pose(pose_id: str | None) -> Pose | None:
    """The pose with that id, or None (the caller then shows the illustration file instead)."""
    return POSES.get(pose_id) if pose_id else None
