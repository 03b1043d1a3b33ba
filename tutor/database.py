"""Opening the tutor's progress file, and saying plainly what to do when it cannot be used.

A file that is damaged, read-only or not a database must not end in "No sessions yet." or in a
silent session that saves nothing: the user is told which file, why, and the fix (move it aside
and a new one is made).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from shared import messages
from shared.locales import DEFAULT_LOCALE
from shared.storage import SafeStore, default_sqlite_path
from shared.storage.safe import brief
from tutor.kept import KeptStore, journals_for

# SafeStore logs each failure for servers; the tutor tells its user itself, once, in words.
_QUIET = logging.getLogger("tutor.database")
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())


@dataclass
class TutorDatabase:
    """The store, where it lives, and the first failure it met (None while all is well)."""

    path: Path
    store: SafeStore = field(init=False)
    problem: str | None = None
    kept: KeptStore = field(init=False)  # the store sessions use: unsaved work is journaled

    def __post_init__(self) -> None:
        self.store = SafeStore.open(
            str(self.path), logger=_QUIET, on_failure=lambda _op, error: self._note(error)
        )
        self.kept = KeptStore(self.store, journals_for(self.path))

    def _note(self, error: BaseException) -> None:
        if self.problem is None:
            self.problem = brief(error) if isinstance(error, Exception) else str(error)

    @property
    def usable(self) -> bool:
        return self.problem is None and self.store.store is not None

    def explain(self, key: str = "tutor.database_problem", locale: str = DEFAULT_LOCALE) -> str:
        """Which file, why, and what to do about it."""
        return messages.text(key, locale, path=self.path, reason=self.problem or "unknown")

    def close(self) -> None:
        self.store.close()


def open_database(db: str | Path | None) -> TutorDatabase:
    return TutorDatabase(Path(db).expanduser() if db else default_sqlite_path())
