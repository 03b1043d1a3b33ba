"""Benchmark 5: in-process replay of the dialog library, in dialogs per second. Target: at least
100 a second.

The figure is `backstretch-skill replay tests/dialogs` without the process start: every library
dialog in turn, through the app's whole web path, each as a user of its own in the run's one app
and store (skill/dialogs/sandbox.py). The baselines, measured in the same run: building one app
and its SQLite store, and the old way, which built them for every dialog.
Run: python -m bench.bench_dialogs  (--quick: short batches, for a smoke test)
"""

from __future__ import annotations

import argparse
import itertools
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common import machine_line, per_call_seconds, table, verdict
from shared.storage import ProfileStore
from skill.app import create_app
from skill.config import SkillConfig
from skill.dialogs.model import Dialog, load_dialog
from skill.dialogs.replay import FlaskTransport
from skill.dialogs.requests import USER_ID, RequestFactory
from skill.dialogs.runner import DialogResult, dialog_clock, run_dialog
from skill.dialogs.sandbox import InProcessSkill
from skill.dialogs.seed import seed_profile, starting_profile

LIBRARY = Path(__file__).resolve().parent.parent / "tests" / "dialogs"
TARGET_PER_SECOND = 100.0


@dataclass(frozen=True, slots=True)
class Figures:
    dialogs: int
    build: float  # seconds to build one app and its store
    old: float  # seconds per dialog, an app and a store built for each
    new: float  # seconds per dialog, one app and store for the run

    @property
    def per_second(self) -> float:
        return 1 / self.new


def library(folder: Path = LIBRARY) -> list[Dialog]:
    return [load_dialog(path) for path in sorted(folder.glob("*.yaml"))]


def _app_builder(folder: str) -> Callable[[], object]:
    """What replay used to do before every dialog: a new SQLite file, migrated, and an app."""
    numbers = itertools.count()

    def build() -> object:
        url = f"sqlite:///{folder}/dialog-{next(numbers)}.sqlite3"
        return create_app(SkillConfig(verify=False, database_url=url))

    return build


def _old_way(dialog: Dialog) -> DialogResult:
    """A dialog replayed as before one app served the whole run: its own store and app."""
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/dialog.sqlite3"
        if dialog.profile:
            store = ProfileStore.open(database_url)
            try:
                seed_profile(store, USER_ID, starting_profile(dialog.profile), dialog.today)
            finally:
                store.close()
        app = create_app(SkillConfig(verify=False, database_url=database_url))
        factory = RequestFactory(dialog.locale, clock=dialog_clock(dialog))
        return run_dialog(dialog, FlaskTransport(app), factory)


def _cycling(
    dialogs: Sequence[Dialog], run: Callable[[Dialog], DialogResult]
) -> Callable[[], object]:
    turns = itertools.cycle(dialogs)
    return lambda: run(next(turns))


def measure(dialogs: Sequence[Dialog], *, repeat: int = 5, min_time: float = 1.0) -> Figures:
    """Every figure, each the best of `repeat` batches of about `min_time` seconds."""
    skill = InProcessSkill()
    try:
        failed = [d.name for d in dialogs if not skill.run(d).ok]
        if failed:
            raise SystemExit(f"the library does not pass, nothing to measure: {failed}")
        with tempfile.TemporaryDirectory() as folder:
            build = per_call_seconds(_app_builder(folder), repeat=repeat, min_time=min_time)
        old = per_call_seconds(_cycling(dialogs, _old_way), repeat=repeat, min_time=min_time)
        new = per_call_seconds(_cycling(dialogs, skill.run), repeat=repeat, min_time=min_time)
    finally:
        skill.close()
    return Figures(len(dialogs), build, old, new)


def report(figures: Figures) -> str:
    rows = [
        ["build one app and its SQLite store", f"{figures.build * 1e3:.2f} ms", "", ""],
        [
            "a dialog, app and store built for each",
            f"{figures.old * 1e3:.2f} ms",
            f"{1 / figures.old:.0f}/s",
            "1.00x",
        ],
        [
            "a dialog, one app and store for the run",
            f"{figures.new * 1e3:.2f} ms",
            f"{figures.per_second:.0f}/s",
            f"{figures.old / figures.new:.2f}x",
        ],
    ]
    return "\n".join(
        [
            f"Benchmark 5: {figures.dialogs} library dialogs, in-process ({machine_line()})",
            table(["path", "per dialog", "dialogs", "speed-up"], rows),
            f"target: at least {TARGET_PER_SECOND:.0f} dialogs/s -> "
            + verdict(figures.per_second >= TARGET_PER_SECOND),
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short batches (a smoke test)")
    args = parser.parse_args(argv)
    logging.getLogger("skill.app").setLevel(logging.ERROR)  # one warning per app built: noise
    timing = {"repeat": 1, "min_time": 0.05} if args.quick else {}
    print(report(measure(library(), **timing)))


if __name__ == "__main__":
    main()
