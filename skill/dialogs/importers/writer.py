"""Writing drafts as dialog files, each checked by loading it as `replay` would.

A dialog goes to OUT/<stem>.yaml and its kept requests to OUT/requests/, where its `request:`
turns find them. Two drafts with the same stem (two files with the same name, two tests with
the same title) get numbered files rather than overwrite each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from skill.dialogs.importers.draft import Draft, Problem
from skill.dialogs.model import DialogError, load_dialog


@dataclass
class Written:
    """What a run wrote, and what did not load after writing (which should never happen)."""

    paths: list[Path] = field(default_factory=list)
    turns: int = 0
    problems: list[Problem] = field(default_factory=list)


def _free_stem(stem: str, taken: set[str]) -> str:
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def dialog_text(draft: Draft) -> str:
    """The dialog as YAML a person reads: its source named on top, keys in reading order."""
    body = yaml.safe_dump(
        draft.document(), sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return f"# Converted by `backstretch-skill dialogs import` from {draft.source.name}\n{body}"


def write_drafts(drafts: list[Draft], out: Path) -> Written:
    """Write every draft under `out`; each written file is loaded to make sure it replays."""
    written, taken = Written(), set[str]()
    out.mkdir(parents=True, exist_ok=True)
    for draft in drafts:
        wanted = _free_stem(draft.stem, taken)
        if wanted != draft.stem:  # the requests' names follow the dialog's
            draft = _renamed(draft, wanted)
        for name, envelope in draft.requests.items():
            folder = out / "requests"
            folder.mkdir(exist_ok=True)
            (folder / name).write_text(json.dumps(envelope, indent=2) + "\n", encoding="utf-8")
        path = out / f"{draft.stem}.yaml"
        path.write_text(dialog_text(draft), encoding="utf-8")
        written.paths.append(path)
        written.turns += len(draft.turns)
        try:
            load_dialog(path)
        except DialogError as error:
            message = f"written to {path}, but it does not load: {error}"
            written.problems.append(Problem(draft.source, f"dialog {draft.name!r}", message))
    return written


def _renamed(draft: Draft, stem: str) -> Draft:
    """The draft under another stem, its kept requests and the turns naming them renamed."""
    renames = {name: name.replace(draft.stem, stem, 1) for name in draft.requests}
    turns = []
    for turn in draft.turns:
        if "request" in turn:
            old = str(turn["request"]).removeprefix("requests/")
            turn = {**turn, "request": f"requests/{renames.get(old, old)}"}
        turns.append(turn)
    requests = {renames[name]: envelope for name, envelope in draft.requests.items()}
    return replace(draft, stem=stem, turns=turns, requests=requests)
