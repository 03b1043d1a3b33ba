"""The stretch figures as Alexa Vector Graphics: paths drawn from the illustration data."""

from __future__ import annotations

import re

from shared.illustration import CANVAS, load_illustrations
from skill.apl.avg import all_graphics, circle, figure_graphic, graphic_name, polyline

_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def test_a_polyline_and_a_circle_as_path_data() -> None:
    assert polyline(((1.0, 2.0), (3.25, 4.0), (5.0, 6.5))) == "M1,2 L3.2,4 L5,6.5"
    assert circle((50.0, 20.0), 8.0) == "M42,20 A8,8 0 1,0 58,20 A8,8 0 1,0 42,20"


def test_each_figure_is_an_avg_graphic_of_its_data() -> None:
    for figure in load_illustrations().values():
        graphic = figure_graphic(figure)
        assert graphic["type"] == "AVG" and graphic["version"] == "1.1"
        assert (graphic["width"], graphic["height"]) == (CANVAS, CANVAS)
        assert graphic["description"] == figure.alt
        body, floor, motion = graphic["items"]
        assert body["stroke"] == "${ink}" and motion["stroke"] == "${accent}"
        # every limb's joints, then the head's arcs, are in the body's path
        moves = body["pathData"].count("M")
        assert moves == len(figure.limbs) + 1 and body["pathData"].count(" A") == 2
        first_joint = figure.limbs[0][0]
        assert body["pathData"].startswith(f"M{first_joint[0]:g},{first_joint[1]:g}")
        assert figure.motion is not None and " Q" in motion["pathData"]
        paths = " ".join(item["pathData"] for item in graphic["items"])
        numbers = [float(n) for n in _NUMBERS.findall(paths)]
        assert all(-1 <= n <= CANVAS + 1 for n in numbers)
        assert floor["pathData"] == f"M4,{figure.floor:g} L96,{figure.floor:g}"


def test_mirrored_sides_are_graphics_of_their_own() -> None:
    graphics = all_graphics()
    assert set(graphics) == {
        "neck_flexion",
        "lateral_flexion",
        "lateral_flexion_left",
        "knee_to_chest",
        "back_flexion",
    }
    assert graphic_name("lateral_flexion", "left") == "lateral_flexion_left"
    assert graphic_name("knee_to_chest", "left") == "knee_to_chest"
    right, left = graphics["lateral_flexion"], graphics["lateral_flexion_left"]
    assert right["items"][0]["pathData"] != left["items"][0]["pathData"]
