"""Render a pose to a standalone SVG document (pure string building, no Qt).

Why SVG files at all when the widget can paint poses itself: routine files
name an ``illustration`` file, user routines may reuse ours, and a file can be
opened in any viewer. The SVG and the widget paint the same display list
(:func:`desktop_app.core.poses.draw`), so they always agree.

Every picture uses the same scale (figure units per pixel) and puts the floor
at the same height, so a contact sheet of all exercises looks like one set.
Colours are mid-tones that read on light and on dark backgrounds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from desktop_app.core.poses import Drawing, Pose, draw

NEUTRAL = "#66707c"
ACCENT = "#e8743b"
FLOOR = "#8a939e"
MAT = "#8a939e"

CANVAS_UNITS = (132.0, 108.0)
"""The default picture area in figure units (width, height): fits a standing or a lying figure."""
FLOOR_MARGIN = 6.0
"""Figure units from the floor line to the bottom of the picture."""


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


def drawing_to_svg(drawing: Drawing, title: str = "", pixel_width: int = 220,
                   neutral: str = NEUTRAL, accent: str = ACCENT) -> str:
    """SVG text for a display list. y is flipped here (SVG y points down)."""
    bx, btop, bw, bh = frame_box(drawing)
    pixel_height = round(pixel_width * bh / bw)
    lw = drawing.line_width

    def pt(p: tuple[float, float]) -> str:
        return f"{_num(p[0] - bx)},{_num(btop - p[1])}"

    styles = {
        "floor": f'stroke="{FLOOR}" stroke-width="{_num(lw * 0.6)}" fill="none"',
        "mat": f'stroke="{MAT}" stroke-width="{_num(lw * 0.4)}" fill="{MAT}" fill-opacity="0.3"',
        "prop": f'stroke="{FLOOR}" stroke-width="{_num(lw * 0.7)}" fill="{FLOOR}" fill-opacity="0.25"',
        "ghost": f'stroke="{accent}" stroke-width="{_num(lw * 0.8)}" fill="none" stroke-opacity="0.35" '
        f'stroke-dasharray="{_num(lw * 1.2)} {_num(lw * 1.2)}"',
        "far": f'stroke="{neutral}" stroke-width="{_num(lw)}" fill="none" stroke-opacity="0.5"',
        "body": f'stroke="{neutral}" stroke-width="{_num(lw)}" fill="none"',
        "accent_far": f'stroke="{accent}" stroke-width="{_num(lw)}" fill="none" stroke-opacity="0.75"',
        "accent": f'stroke="{accent}" stroke-width="{_num(lw)}" fill="none"',
    }
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixel_width}" height="{pixel_height}" '
        f'viewBox="0 0 {_num(bw)} {_num(bh)}">',
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append('<g stroke-linecap="round" stroke-linejoin="round">')
    for stroke in drawing.strokes:
        points = " ".join(pt(p) for p in stroke.points)
        tag = "polygon" if stroke.closed else "polyline"
        out.append(f"<{tag} points={quoteattr(points)} {styles[stroke.role]}/>")
    for circle in drawing.circles:
        cx, cy = pt(circle.center).split(",")
        out.append(f'<circle cx="{cx}" cy="{cy}" r="{_num(circle.radius)}" fill="{neutral}"/>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def pose_svg(pose: Pose, phase: float | None = None, mirrored: bool = False,
             pixel_width: int = 220) -> str:
    """Standalone SVG of ``pose``.

    ``phase=None`` gives the static illustration: the end keyframe, with the
    start position of the moving parts as a faint dashed ghost, so a still
    picture still shows the movement. A number draws that single moment.
    """
    if phase is None:
        drawing = draw(pose, 1.0, mirrored=mirrored, ghost=pose.moves and pose.ghost)
    else:
        drawing = draw(pose, phase, mirrored=mirrored)
    return drawing_to_svg(drawing, title=pose.name, pixel_width=pixel_width)
