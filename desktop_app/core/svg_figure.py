"""Render a pose to a standalone SVG document (pure string building, no Qt).

Why SVG files at all when the widget can paint poses itself: routine files
name an ``illustration`` file, user routines may reuse ours, and a file can be
opened in any viewer. The SVG and the widget paint the same display list
(:func:`desktop_app.core.figure_drawing.draw`), so they always agree.

Every picture uses the same scale (figure units per pixel) and puts the floor
at the same height, so a contact sheet of all exercises looks like one set.
Colours are mid-tones that read on light and on dark backgrounds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from desktop_app.core.figure_drawing import Drawing, Pose, Stroke, draw

ACCENT = "#e8743b"
FILL = {"body": "#7b8794", "far": "#b5bec8", "accent": ACCENT, "accent_far": "#f0b08e"}
"""Fill colour of each body role: mid-tones that read on light and on dark backgrounds."""
EDGE_COLOR = {"body": "#3b444e", "far": "#76808b", "accent": "#8f3f17", "accent_far": "#b0704f"}
"""Outline colour of each body role, darker than the fill so overlapping parts stay apart."""
FLOOR = "#8a939e"
MAT = "#7fa3b8"
PROP = "#a0764f"
FEEL = "#ffd23f"
FEEL_EDGE = "#b8860b"
SCENERY: dict[str, tuple[str, str, float]] = {
    # role: (stroke colour, fill colour or "none", opacity)
    "floor": (FLOOR, "none", 1.0),
    "mat": (MAT, MAT, 0.45),
    "ground": (FLOOR, FLOOR, 0.3),
    "prop": (PROP, PROP, 0.55),
    "ghost": (ACCENT, "none", 0.25),
    "path": (ACCENT, "none", 0.85),
}

CANVAS_UNITS = (138.0, 114.0)
"""The default picture area in figure units (width, height): fits a standing or a lying figure."""
FLOOR_MARGIN = 6.0
"""Figure units from the floor line to the bottom of the picture."""


def stroke_color(stroke: Stroke) -> str:
    """The colour a renderer paints ``stroke`` with (body parts: fill or outline colour)."""
    if stroke.role in FILL:
        return EDGE_COLOR[stroke.role] if stroke.edge else FILL[stroke.role]
    return SCENERY[stroke.role][0]


def is_dot(stroke: Stroke) -> bool:
    """A zero-length stroke stands for a disc as wide as the stroke (a head or a hand)."""
    return len(stroke.points) == 2 and stroke.points[0] == stroke.points[1]


def frame_box(drawing: Drawing) -> tuple[float, float, float, float]:
    """(x, y_top, width, height) in figure units (y up) of the picture around ``drawing``.

    The box has a fixed size and aspect so all figures share one scale; it is
    centred on the figure horizontally and keeps the floor near the bottom. A
    pose too big for it gets a proportionally larger box rather than being cut.
    """
    x0, y0, x1, y1 = drawing.bounds
    width, height = CANVAS_UNITS
    aspect = width / height
    needed_w = x1 - x0
    needed_h = (y1 - y0) + FLOOR_MARGIN
    scale = max(1.0, needed_w / width, needed_h / height)
    width, height = width * scale, height * scale
    width = max(width, height * aspect)
    cx = (x0 + x1) / 2
    bottom = y0 - FLOOR_MARGIN
    return (cx - width / 2, bottom + height, width, height)


def _num(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def drawing_to_svg(drawing: Drawing, title: str = "", pixel_width: int = 220) -> str:
    """SVG text for a display list. y is flipped here (SVG y points down)."""
    bx, btop, bw, bh = frame_box(drawing)
    pixel_height = round(pixel_width * bh / bw)

    def pt(p: tuple[float, float]) -> str:
        return f"{_num(p[0] - bx)},{_num(btop - p[1])}"

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixel_width}" height="{pixel_height}" '
        f'viewBox="0 0 {_num(bw)} {_num(bh)}">',
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append('<g stroke-linecap="round" stroke-linejoin="round">')
    for stroke in drawing.strokes:
        color = stroke_color(stroke)
        if is_dot(stroke):
            cx, cy = pt(stroke.points[0]).split(",")
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{_num(stroke.width / 2)}" fill="{color}"/>')
            continue
        points = " ".join(pt(p) for p in stroke.points)
        style = f'stroke="{color}" stroke-width="{_num(stroke.width)}"'
        fill = color
        if stroke.role not in FILL:
            _, fill, opacity = SCENERY[stroke.role]
            style += f' stroke-opacity="{_num(opacity)}"' if opacity < 1 else ""
            if fill != "none":
                style += f' fill-opacity="{_num(opacity * 0.6)}"'
            if stroke.role == "path":
                style += f' stroke-dasharray="{_num(stroke.width * 1.5)} {_num(stroke.width * 2.5)}"'
        tag = "polygon" if stroke.closed else "polyline"
        shown_fill = fill if stroke.closed else "none"
        out.append(f'<{tag} points={quoteattr(points)} {style} fill="{shown_fill}"/>')
    for circle in drawing.circles:
        cx, cy = pt(circle.center).split(",")
        out.append(f'<circle cx="{cx}" cy="{cy}" r="{_num(circle.radius)}" fill="{FEEL}" fill-opacity="0.55" '
                   f'stroke="{FEEL_EDGE}" stroke-width="0.7" stroke-dasharray="1.5 1.2"/>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def pose_svg(pose: Pose, phase: float | None = None, mirrored: bool = False,
             pixel_width: int = 220) -> str:
    """Standalone SVG of ``pose``.

    ``phase=None`` gives the static illustration: the end keyframe (for a loop,
    the start), with the start position of the moving parts as a faint ghost
    and the moving joint's path dotted, so a still picture still shows the
    movement. A number draws that single moment.
    """
    if phase is None:
        end = 0.0 if pose.loop else 1.0
        drawing = draw(pose, end, mirrored=mirrored, ghost=pose.moves and pose.ghost)
    else:
        drawing = draw(pose, phase, mirrored=mirrored)
    return drawing_to_svg(drawing, title=pose.name, pixel_width=pixel_width)
