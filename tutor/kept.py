"""The tutor's store: what the progress file does not take waits in a small journal beside it, and
is saved the next time the file takes changes (the next session, as a rule).

A session done while the file is read-only, locked past its wait, or on a full disk is not lost:
its effects are written to `<file>.unsaved.jsonl` (or, when the file's folder is read-only, to
the data directory; shared/storage/pending.py) with the day they
were made and an id, and written to the file before anything else once it can be, each counted
once. Until then a profile read from the file has them applied in memory, so `history` and the
next greeting already count them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from shared.effects import apply_effects
from shared.profile import Profile
from shared.reply import Effect
from shared.storage import SafeStore, default_sqlite_path
from shared.storage.pending import Journal, PendingChange


def journals_for(database: Path) -> tuple[Journal, Journal]:
    """Beside the file, and in the data directory (named after the file's path) for when the
    file's folder cannot be written (a read-only volume). Both are read; one is written."""
    named = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:16]
    return (
        Journal(database.with_name(database.name + ".unsaved.jsonl")),
        Journal(default_sqlite_path().parent / "unsaved" / f"{named}.jsonl"),
    )


class KeptStore:
    """A SessionStore (tutor/store.py) over a SafeStore and its journal. `kept` is True once a
    change went to the journal: the session is not lost, only not saved yet."""

    def __init__(self, store: SafeStore, journals: tuple[Journal, Journal]) -> None:
        self.store = store
        self.journals = journals
        self.kept = False

    @property
    def journal(self) -> Journal:
        """Where a change goes now: beside the file, unless its folder cannot be written."""
        beside, elsewhere = self.journals
        folder = beside.path.parent
        return beside if not folder.exists() or os.access(folder, os.W_OK) else elsewhere

    def pending(self) -> int:
        return sum(journal.count() for journal in self.journals)

    def load(self, user_id: str) -> Profile | None:
        self.save_kept()
        profile = self.store.load(user_id)
        waiting = [entry for journal in self.journals for entry in journal.entries()]
        for user, change in waiting:
            if user == user_id:  # not saved yet: shown all the same
                profile = apply_effects(profile, change.effects, change.day)
        return profile

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> bool:
        """True when saved; False when kept in the journal (or, should that fail too, in
        memory until the tutor exits)."""
        change = PendingChange.new(list(effects), today)
        if not change.effects:
            return True
        self.save_kept()
        saved = self.store.change(user_id, change.effects, today, change.change_id)
        if saved is not None:
            return True
        self.journal.add(user_id, change)
        self.kept = True
        return False

    def save_kept(self) -> int:
        """Write what the journals hold, in order, while the file takes it."""
        saved = 0
        for journal in self.journals:
            if journal.pending():
                saved += journal.replay(self._save)
        return saved

    def _save(self, user: str, change: PendingChange) -> bool:
        return self.store.change(user, change.effects, change.day, change.change_id) is not None

    def close(self) -> None:
        self.store.close()
