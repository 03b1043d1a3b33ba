"""One figure per stretch, as data: loaded from `illustrations.toml` and validated against the
exercise catalog.

A figure is a stick figure on a 100 x 100 canvas: named joints, limbs through them, a head, the
floor and an arrow for the movement. The skill draws it as Alexa Vector Graphics, the tutor as
Unicode dots and the packaging command as the store icons, all from the same few numbers, so the
position shown is the same everywhere. Like the catalog, a bad entry fails at load, by name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shared.exercise_catalog import ExerciseCatalog, load_exercise_catalog

ILLUSTRATIONS_PATH = Path(__file__).with_name("illustrations.toml")
CANVAS = 100.0
HEAD_RADIUS = (3.0, 20.0)
FIGURE_KEYS = ("exercise", "alt", "head", "floor", "limbs", "motion", "joints", "mirror_left")
ARROW_HEAD = 5.0  # length of the arrow head's two strokes, in canvas units
CURVE_STEPS = 16  # straight pieces a raster renderer draws a motion curve with

Point = tuple[float, float]


class IllustrationError(ValueError):
    """The illustrations file is malformed; the message names the figure and the problem."""


@dataclass(frozen=True, slots=True)
class Motion:
    """The arrow: a quadratic curve from `start` to `end` bending toward `via`."""

    start: Point
    via: Point
    end: Point


@dataclass(frozen=True, slots=True)
class Figure:
    exercise_id: str
    alt: str
    head: Point
    head_radius: float
    limbs: tuple[tuple[Point, ...], ...]
    floor: float | None
    motion: Motion | None
    mirror_left: bool = False

    def for_side(self, side: str | None) -> Figure:
        """The figure as seen for `side`: flipped left to right for the left side if asked."""
        if side != "left" or not self.mirror_left:
            return self
        return mirrored(self)

    @property
    def floor_line(self) -> tuple[Point, ...] | None:
        """The ground, across the canvas but for a margin."""
        if self.floor is None:
            return None
        return ((4.0, self.floor), (CANVAS - 4.0, self.floor))

    def motion_lines(self) -> tuple[tuple[Point, ...], ...]:
        """The arrow as polylines: the curve in straight pieces, then its head's two strokes."""
        if self.motion is None:
            return ()
        return (curve_points(self.motion), *arrow_head(self.motion))

    def strokes(self) -> tuple[tuple[Point, ...], ...]:
        """Every line to draw, as polylines: limbs, floor, the motion curve and its arrow head.
        Raster renderers draw these; the vector renderer draws the curve exactly instead."""
        floor = (self.floor_line,) if self.floor_line else ()
        return (*self.limbs, *floor, *self.motion_lines())


def mirrored(figure: Figure) -> Figure:
    def flip(point: Point) -> Point:
        return (CANVAS - point[0], point[1])

    motion = figure.motion
    return Figure(
        exercise_id=figure.exercise_id,
        alt=figure.alt,
        head=flip(figure.head),
        head_radius=figure.head_radius,
        limbs=tuple(tuple(flip(p) for p in limb) for limb in figure.limbs),
        floor=figure.floor,
        motion=Motion(flip(motion.start), flip(motion.via), flip(motion.end)) if motion else None,
        mirror_left=figure.mirror_left,
    )


def curve_points(motion: Motion, steps: int = CURVE_STEPS) -> tuple[Point, ...]:
    """The motion curve as `steps` straight pieces."""
    (x0, y0), (x1, y1), (x2, y2) = motion.start, motion.via, motion.end
    points = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        points.append((a * x0 + b * x1 + c * x2, a * y0 + b * y1 + c * y2))
    return tuple(points)


def arrow_head(motion: Motion) -> tuple[tuple[Point, ...], ...]:
    """Two short strokes at the curve's end, pointing the way it goes (its tangent there)."""
    (vx, vy), (ex, ey) = motion.via, motion.end
    dx, dy = ex - vx, ey - vy
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    heads = []
    for sign in (1, -1):  # 30 degrees either side of the way back
        cos, sin = 0.866, 0.5 * sign
        bx, by = -ux * cos + uy * sin, -uy * cos - ux * sin
        heads.append(((ex + bx * ARROW_HEAD, ey + by * ARROW_HEAD), (ex, ey)))
    return tuple(heads)


# -- loading and validating -----------------------------------------------------------------------


def _point(value: Any, where: str) -> Point:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise IllustrationError(f"{where}: a point must be [x, y]")
    x, y = float(value[0]), float(value[1])
    if not (0 <= x <= CANVAS and 0 <= y <= CANVAS):
        raise IllustrationError(f"{where}: [{x:g}, {y:g}] is outside the 100 x 100 canvas")
    return (x, y)


def _joints(entry: dict[str, Any], where: str) -> dict[str, Point]:
    joints = entry.get("joints")
    if not isinstance(joints, dict) or not joints:
        raise IllustrationError(f"{where}: 'joints' must name at least one point")
    return {str(name): _point(value, f"{where} joint '{name}'") for name, value in joints.items()}


def _limbs(
    entry: dict[str, Any], joints: dict[str, Point], where: str
) -> tuple[tuple[Point, ...], ...]:
    limbs = entry.get("limbs")
    if not isinstance(limbs, list) or not limbs:
        raise IllustrationError(f"{where}: 'limbs' must list at least one line of joints")
    drawn: list[tuple[Point, ...]] = []
    for index, limb in enumerate(limbs):
        place = f"{where} limb #{index + 1}"
        if not isinstance(limb, list) or len(limb) < 2:
            raise IllustrationError(f"{place}: a limb goes through at least two joints")
        unknown = [str(name) for name in limb if name not in joints]
        if unknown:
            raise IllustrationError(f"{place}: no joint named {', '.join(unknown)}")
        drawn.append(tuple(joints[name] for name in limb))
    unused = sorted(set(joints) - {name for limb in limbs for name in limb})
    if unused:
        raise IllustrationError(f"{where}: joint {', '.join(unused)} is in no limb")
    return tuple(drawn)


def _head(entry: dict[str, Any], where: str) -> tuple[Point, float]:
    head = entry.get("head")
    if not isinstance(head, dict) or set(head) != {"at", "r"}:
        raise IllustrationError(f"{where}: 'head' must be {{ at = [x, y], r = radius }}")
    radius = head["r"]
    low, high = HEAD_RADIUS
    if not isinstance(radius, int | float) or not low <= radius <= high:
        raise IllustrationError(f"{where}: the head's radius must be from {low:g} to {high:g}")
    return _point(head["at"], f"{where} head"), float(radius)


def _motion(entry: dict[str, Any], where: str) -> Motion | None:
    motion = entry.get("motion")
    if motion is None:
        return None
    if not isinstance(motion, dict) or set(motion) != {"from", "via", "to"}:
        raise IllustrationError(f"{where}: 'motion' must be {{ from = .., via = .., to = .. }}")
    place = f"{where} motion"
    return Motion(
        _point(motion["from"], place), _point(motion["via"], place), _point(motion["to"], place)
    )


def _floor(entry: dict[str, Any], where: str) -> float | None:
    floor = entry.get("floor")
    if floor is None:
        return None
    if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 <= floor <= CANVAS:
        raise IllustrationError(f"{where}: 'floor' must be a y from 0 to 100")
    return float(floor)


def _figure(entry: Any, index: int) -> Figure:
    if not isinstance(entry, dict):
        raise IllustrationError(f"figure #{index + 1}: must be a [[figure]] table")
    where = f"figure #{index + 1} ({entry.get('exercise', 'no exercise')})"
    unknown = sorted(set(entry) - set(FIGURE_KEYS))
    if unknown:
        raise IllustrationError(f"{where}: unknown key {', '.join(unknown)}")
    for key in ("exercise", "alt"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise IllustrationError(f"{where}: '{key}' must be non-empty text")
    mirror = entry.get("mirror_left", False)
    if not isinstance(mirror, bool):
        raise IllustrationError(f"{where}: 'mirror_left' must be true or false")
    head, radius = _head(entry, where)
    return Figure(
        exercise_id=entry["exercise"].strip(),
        alt=entry["alt"].strip(),
        head=head,
        head_radius=radius,
        limbs=_limbs(entry, _joints(entry, where), where),
        floor=_floor(entry, where),
        motion=_motion(entry, where),
        mirror_left=mirror,
    )


def parse_illustrations(data: dict[str, Any], catalog: ExerciseCatalog) -> dict[str, Figure]:
    """Validate parsed TOML: exactly one figure for each stretch of the catalog."""
    entries = data.get("figure")
    if not isinstance(entries, list) or not entries:
        raise IllustrationError("the illustrations must define at least one [[figure]]")
    figures: dict[str, Figure] = {}
    for index, entry in enumerate(entries):
        figure = _figure(entry, index)
        if figure.exercise_id in figures:
            raise IllustrationError(f"two figures for '{figure.exercise_id}'")
        figures[figure.exercise_id] = figure
    stretches = [e.id for e in catalog.exercises]
    unknown = sorted(set(figures) - set(stretches))
    if unknown:
        raise IllustrationError(f"a figure for no stretch of the catalog: {', '.join(unknown)}")
    missing = [s for s in stretches if s not in figures]
    if missing:
        raise IllustrationError(f"no figure for {', '.join(missing)}")
    return {s: figures[s] for s in stretches}


def load_illustrations_file(path: Path, catalog: ExerciseCatalog) -> dict[str, Figure]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise IllustrationError(f"{path.name}: {error}") from error
    return parse_illustrations(data, catalog)


@cache
def load_illustrations() -> dict[str, Figure]:
    """The product's figures by stretch id, in catalog order, loaded once."""
    return load_illustrations_file(ILLUSTRATIONS_PATH, load_exercise_catalog())


def figure_for(exercise_id: str, side: str | None = None) -> Figure:
    """The figure of a stretch, as seen for `side`."""
    return load_illustrations()[exercise_id].for_side(side)
