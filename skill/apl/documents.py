"""The APL documents the skill sends, read from the JSON files beside this module.

Each screen is a JSON file of its own (intro, hold, message, wrapup); what they share (colours and
sizes per viewport, the buttons, the figure) is in common.json and merged in here, with every
stretch's figure as a named vector graphic (skill/apl/avg.py). What a screen shows on a turn
comes through its datasource, never by editing the document.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from skill.apl.avg import all_graphics

DOCUMENTS_DIR = Path(__file__).with_name("documents")
DOCUMENT_NAMES = ("intro", "hold", "message", "wrapup")


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DOCUMENTS_DIR / f"{name}.json").read_text("utf-8"))
    return data


@cache
def _document(name: str) -> dict[str, Any]:
    if name not in DOCUMENT_NAMES:
        raise KeyError(f"no APL document named {name!r}")
    document, common = _read(name), _read("common")
    document["resources"] = [*common["resources"], *document.get("resources", [])]
    document["layouts"] = {**common["layouts"], **document.get("layouts", {})}
    document["graphics"] = all_graphics()
    return document


def document(name: str) -> dict[str, Any]:
    """The whole document `name`, as sent (a copy: the SDK's models may hold on to it)."""
    return copy.deepcopy(_document(name))
