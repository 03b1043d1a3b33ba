"""The tutor keeps a session its progress file could not take (#17 point 3): in a journal beside
the file, shown by the next read, written to the file the next time it can be, counted once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from shared.profile import SessionRecord
from shared.reply import MarkScreened, RecordSession
from shared.storage import SafeStore
from tutor.database import open_database
from tutor.kept import KeptStore, journals_for

DAY = date(2026, 1, 15)


def _session() -> RecordSession:
    return RecordSession(SessionRecord(DAY, "neck", ("neck_flexion",), 0, True))


def test_a_session_the_file_cannot_take_is_kept_and_saved_next_time(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    unusable = KeptStore(SafeStore(None), journals_for(path))  # the file cannot be written
    assert unusable.apply("local:me", [_session(), MarkScreened()], DAY) is False
    assert unusable.kept and unusable.pending() == 1
    shown = unusable.load("local:me")  # not saved, but not forgotten either
    assert shown is not None and len(shown.sessions) == 1 and shown.screened_on == DAY

    later = open_database(path)  # the next run, the file usable again
    try:
        profile = later.kept.load("local:me")
        assert profile is not None and len(profile.sessions) == 1
        assert later.kept.pending() == 0 and not later.kept.kept
        assert later.store.store is not None
        assert later.store.store.count_sessions("local:me") == 1
        assert later.kept.load("local:me") == profile  # once, however often it is read
    finally:
        later.close()


def test_nothing_to_save_is_no_failure(tmp_path: Path) -> None:
    kept = KeptStore(SafeStore(None), journals_for(tmp_path / "p.sqlite3"))
    assert kept.apply("local:me", [], DAY) is True and kept.pending() == 0
