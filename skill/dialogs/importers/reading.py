"""Which importer reads a file, and the whole run: read every source, then write the dialogs.

JSON is an ASK CLI file, YAML a Bespoken one; a folder stands for the files in it. A file that
cannot be read, or is neither, is an error for that file only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skill.dialogs.importers.ask import NotAskFile, convert_ask
from skill.dialogs.importers.bespoken import NotBespokenFile, convert_bespoken
from skill.dialogs.importers.draft import Draft, Problem
from skill.dialogs.importers.writer import Written, write_drafts

SOURCE_SUFFIXES = (".json", ".yml", ".yaml")


@dataclass
class ImportResult:
    """A run's outcome: files written, items not converted as they were, unreadable files."""

    sources: int = 0
    written: Written = field(default_factory=Written)
    problems: list[Problem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def source_files(names: Sequence[str]) -> list[Path]:
    """The files named, with a folder standing for the test files in it."""
    files: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in SOURCE_SUFFIXES)
        else:
            files.append(path)
    return files


def read_source(path: Path) -> tuple[list[Draft], list[Problem]]:
    """One file's drafts and problems; ValueError or OSError when it cannot be converted."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError as error:
            if path.suffix == ".json":
                raise ValueError(f"not JSON: {error}") from None
        else:
            return convert_ask(path, data)
    return convert_bespoken(path, text)


def import_files(names: Sequence[str], out: Path) -> ImportResult:
    """Convert every source file named into dialog files under `out`."""
    result = ImportResult()
    drafts: list[Draft] = []
    for path in source_files(names):
        result.sources += 1
        try:
            found, problems = read_source(path)
        except OSError as error:
            result.errors.append(f"{path}: cannot read it: {error.strerror or error}")
            continue
        except (UnicodeDecodeError, NotAskFile, NotBespokenFile, ValueError) as error:
            result.errors.append(f"{path}: {error}")
            continue
        drafts += found
        result.problems += problems
    if drafts:
        result.written = write_drafts(drafts, out)
        result.problems += result.written.problems
    return result
