"""`backstretch-skill dialogs import FILE... --out DIR`: convert, then say what was written and
what was not converted as it stood, so nothing is lost without a word.

Exit status: 0 when everything converted (notes are only worth a look), 1 when some items were
left out, 2 when a file could not be read or nothing was written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shared import messages
from skill.dialogs.importers.draft import SKIPPED

if TYPE_CHECKING:
    from skill.dialogs.importers.reading import ImportResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    def say(key: str) -> str:
        return messages.text(f"cli.import.{key}")

    parser.add_argument("files", nargs="+", metavar="FILE", help=say("files"))
    parser.add_argument("--out", required=True, metavar="DIR", help=say("out"))


def report(result: ImportResult, out: Path) -> int:
    """Print the outcome; the exit status."""
    for error in result.errors:
        print(messages.text("cli.import.error", error=error), file=sys.stderr)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    for path in result.written.paths:
        print(messages.text("cli.import.wrote", path=path))
    skipped = sum(problem.level == SKIPPED for problem in result.problems)
    print(
        messages.text(
            "cli.import.summary",
            dialogs=len(result.written.paths),
            turns=result.written.turns,
            sources=result.sources,
            out=out,
            skipped=skipped,
            notes=len(result.problems) - skipped,
        )
    )
    if result.written.paths:
        print(messages.text("cli.import.next", out=out))
    if result.errors or not result.written.paths:
        return 2
    return 1 if skipped else 0


def run(args: argparse.Namespace) -> int:
    from skill.dialogs.importers.reading import import_files  # the importers load the models

    out = Path(args.out)
    return report(import_files(args.files, out), out)
