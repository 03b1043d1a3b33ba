"""A stretch's figure as Alexa Vector Graphics (AVG), for the Echo Show screens.

The figure's data (shared/illustration.py) becomes three paths: the body (limbs and head, in the
ink colour), the floor (thinner) and the movement's arrow (the accent colour, drawn as the exact
curve). Colours are AVG parameters, so one graphic serves a light and a dark screen. AVG 1.1 is
what every APL 1.4 device draws.
"""

from __future__ import annotations

from typing import Any

from shared.illustration import CANVAS, Figure, Point, arrow_head, load_illustrations

AVG_VERSION = "1.1"
LIMB_WIDTH = 4.2
DETAIL_WIDTH = 2.5  # the floor and the arrow
INK, ACCENT = "#FFFFFF", "#FFC454"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _p(point: Point) -> str:
    return f"{_n(point[0])},{_n(point[1])}"


def polyline(points: tuple[Point, ...]) -> str:
    return "M" + " L".join(_p(p) for p in points)


def circle(centre: Point, radius: float) -> str:
    """A circle as two arcs (AVG paths have no circle of their own)."""
    x, y = centre
    r = _n(radius)
    return (
        f"M{_n(x - radius)},{_n(y)} A{r},{r} 0 1,0 {_n(x + radius)},{_n(y)}"
        f" A{r},{r} 0 1,0 {_n(x - radius)},{_n(y)}"
    )


def _path(data: str, colour: str, width: float) -> dict[str, Any]:
    return {
        "type": "path",
        "pathData": data,
        "stroke": colour,
        "strokeWidth": width,
        "strokeLineCap": "round",
        "strokeLineJoin": "round",
    }


def figure_graphic(figure: Figure) -> dict[str, Any]:
    """The figure as an AVG graphic with `ink` and `accent` colour parameters."""
    body = " ".join(
        [*(polyline(limb) for limb in figure.limbs), circle(figure.head, figure.head_radius)]
    )
    items = [_path(body, "${ink}", LIMB_WIDTH)]
    if figure.floor is not None:
        floor = polyline(((4.0, figure.floor), (CANVAS - 4.0, figure.floor)))
        items.append(_path(floor, "${ink}", DETAIL_WIDTH))
    if figure.motion is not None:
        motion = figure.motion
        curve = f"M{_p(motion.start)} Q{_p(motion.via)} {_p(motion.end)}"
        heads = " ".join(polyline(head) for head in arrow_head(motion))
        items.append(_path(f"{curve} {heads}", "${accent}", DETAIL_WIDTH))
    return {
        "type": "AVG",
        "version": AVG_VERSION,
        "description": figure.alt,
        "width": int(CANVAS),
        "height": int(CANVAS),
        "parameters": [
            {"name": "ink", "type": "color", "default": INK},
            {"name": "accent", "type": "color", "default": ACCENT},
        ],
        "items": items,
    }


def graphic_name(exercise_id: str, side: str | None = None) -> str:
    """The name of a figure among a document's graphics: one per stretch, and per side when the
    figure is mirrored for the left."""
    figure = load_illustrations()[exercise_id]
    return f"{exercise_id}_left" if side == "left" and figure.mirror_left else exercise_id


def all_graphics() -> dict[str, dict[str, Any]]:
    """Every figure a screen may show, by graphic name: each stretch, and its mirrored side."""
    graphics = {}
    for exercise_id, figure in load_illustrations().items():
        graphics[exercise_id] = figure_graphic(figure)
        if figure.mirror_left:
            graphics[graphic_name(exercise_id, "left")] = figure_graphic(figure.for_side("left"))
    return graphics
