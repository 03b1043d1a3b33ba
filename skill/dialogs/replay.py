"""`backstretch-skill replay`: run dialog files against the skill and report per turn.

In-process by default (the Flask app with verification off, a throw-away SQLite store seeded with
the dialog's profile, and a clock fixed on the dialog's day), or against a running endpoint with
`--url`. `--update` rewrites only the expectations that failed (update.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared import messages
from skill.config import VOICE_CHUNK_SECONDS
from skill.dialogs.model import Dialog, DialogError, load_dialogs, with_nlu
from skill.dialogs.nlu import NLU_MODES
from skill.dialogs.outcome import RunOutcome
from skill.dialogs.runner import DialogResult, dialog_clock, run_over_http
from skill.dialogs.text_channel import run_text_dialog
from skill.dialogs.update import format_update, update_dialog


class FlaskTransport:
    """Posts through a Flask test client: the whole web path, no sockets."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def send(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = self.client.post("/alexa", json=envelope)
        return response.status_code, response.get_json(silent=True) or {}


def run_in_process(dialog: Dialog) -> DialogResult:
    """Replay through the real app in this process: one app and store per run, in which the
    dialog is a user of its own (sandbox.py), so dialogs never see each other's progress."""
    from skill.dialogs.sandbox import shared_skill

    return shared_skill().run(dialog)


def run_on_channel(dialog: Dialog, channel: str, url: str | None = None) -> DialogResult:
    """Run one dialog on the voice channel (in-process or at `url`) or the tutor's text channel."""
    if channel == "text":
        return run_text_dialog(dialog, VOICE_CHUNK_SECONDS)
    if url:  # as a user of its own, its starting profile set through the server's test hook
        return run_over_http(dialog, url)
    return run_in_process(dialog)


def _dialog_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        files += sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
    return files


def _load_all(
    files: Sequence[Path], nlu: str | None, outcome: RunOutcome | None = None
) -> tuple[list[Dialog], int]:
    """Every file's dialogs (one per locale it runs in), `--nlu` applied; a file that does not
    load is reported on stderr and makes the status 2."""
    loaded: list[Dialog] = []
    status = 0
    for path in files:
        try:
            dialogs = load_dialogs(path)
        except DialogError as error:
            print(f"ERROR {error}", file=sys.stderr)
            status = 2
            if outcome is not None:
                outcome.did_not_run(path, str(error))
            continue
        loaded += [with_nlu(d, nlu) if nlu else d for d in dialogs]
    return loaded, status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    def say(key: str) -> str:
        return messages.text(f"cli.replay_{key}")

    parser.add_argument("files", nargs="+", help=say("files"))
    parser.add_argument("--url", help=say("url"))
    parser.add_argument("--update", action="store_true", help=say("update"))
    parser.add_argument(
        "--channel", choices=("voice", "text"), default="voice", help=say("channel")
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=say("verbose"))
    parser.add_argument("--html", metavar="FILE", type=Path, help=say("html"))
    parser.add_argument("--coverage", action="store_true", help=say("coverage"))
    parser.add_argument("--nlu", choices=NLU_MODES, help=say("nlu"))


def run(args: argparse.Namespace) -> int:
    """Replay every file; exit status 1 when any dialog failed, 2 when a file could not be read."""
    files = _dialog_files(args.files)
    if not files:
        print(messages.text("cli.no_dialogs"), file=sys.stderr)
        return 2
    in_process = args.channel == "text" or not args.url
    outcome = RunOutcome(
        verbose=args.verbose, html=args.html, coverage=args.coverage, in_process=in_process
    )
    loaded, status = _load_all(files, args.nlu, outcome)
    touched = False  # touched: --update found something failed
    with outcome.running():
        for dialog in loaded:
            try:
                result = run_on_channel(dialog, args.channel, args.url)
            except DialogError as error:
                print(f"ERROR {error}", file=sys.stderr)
                status = 2
                outcome.did_not_run(dialog.path, str(error))
                continue
            outcome.dialog(result)
            if args.update:
                update = update_dialog(result)
                for line in format_update(update):
                    print(line)
                touched = touched or not update.untouched
                status = max(status, 0 if update.complete else 1)
            elif not result.ok:
                status = max(status, 1)
    if args.update and not touched:
        print(messages.text("cli.nothing_to_update"))
    outcome.finish()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backstretch-skill replay", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


__all__ = ["FlaskTransport", "add_arguments", "dialog_clock", "main", "run", "run_on_channel"]
