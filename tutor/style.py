"""Colours for the tutor, and none at all when NO_COLOR is set (https://no-color.org)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style

STYLE_RULES = {
    "title": "bold",
    "digits": "fg:ansicyan bold",
    "digits.paused": "fg:ansiyellow",
    "bar.done": "fg:ansigreen",
    "bar.todo": "fg:ansibrightblack",
    "cue": "italic",
    "toolbar": "reverse",
    "toolbar.paused": "fg:ansiyellow reverse",
}


def no_color(environ: Mapping[str, str] | None = None) -> bool:
    """NO_COLOR set to any non-empty value turns colour off."""
    return bool((os.environ if environ is None else environ).get("NO_COLOR"))


def build_style(plain: bool) -> Style:
    return Style([]) if plain else Style.from_dict(STYLE_RULES)


def color_depth(plain: bool) -> ColorDepth | None:
    return ColorDepth.DEPTH_1_BIT if plain else None
