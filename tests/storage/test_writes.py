"""What a write reports about the revision it replaced, and writes racing with a deletion."""

from __future__ import annotations

import threading

from sqlalchemy import text
from storage_helpers import TODAY, CheckedSafeStore, record, run_threads

from shared.reply import DeleteProfile, MarkScreened, RecordSession, SavePreferences
from shared.storage import Change, ProfileStore


def test_a_change_tells_the_revision_before_and_after(store: ProfileStore) -> None:
    first = store.change("u1", [RecordSession(record())], TODAY)
    assert first.before is None and first.after is not None
    second = store.change("u1", [SavePreferences(25, 6), MarkScreened()], TODAY)
    assert second.before == first.after and second.after not in (None, first.after)
    assert store.revision("u1") == second.after
    gone = store.change("u1", [DeleteProfile()], TODAY)
    assert gone == Change(second.after, None)
    assert store.change("u1", [], TODAY) == Change(None, None)


def test_a_change_tells_the_ids_of_the_sessions_it_inserted(store: ProfileStore) -> None:
    first = store.change("u1", [RecordSession(record(1)), MarkScreened()], TODAY)
    second = store.change("u1", [RecordSession(record(0)), RecordSession(record(2))], TODAY)
    assert store.change("u1", [SavePreferences(25, 6)], TODAY).session_ids == ()
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT id, day FROM sessions ORDER BY id")).all()
    assert [row.id for row in stored] == [*first.session_ids, *second.session_ids]
    assert len(first.session_ids) == 1 and len(second.session_ids) == 2
    assert second.session_ids[0] < second.session_ids[1]  # in the order written


def test_no_effects_write_nothing_not_even_a_user_row(store: ProfileStore) -> None:
    assert store.change("nobody", [], TODAY) == Change(None, None)
    assert store.change("nobody", [DeleteProfile()], TODAY) == Change(None, None)
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0


def test_first_writes_of_a_new_user_from_two_servers_see_each_other(database_url: str) -> None:
    """Exactly one of the racing first writes finds no user; the other sees the first's token."""
    stores = [ProfileStore.open(database_url) for _ in range(8)]
    changes: list[Change] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        change = stores[number].change("new", [RecordSession(record())], TODAY)
        with lock:
            changes.append(change)

    try:
        run_threads(8, worker)
    finally:
        for opened in stores:
            opened.close()
    befores = [change.before for change in changes]
    afters = {change.after for change in changes}
    assert befores.count(None) == 1 and len(afters) == 8
    assert {b for b in befores if b is not None} <= afters  # a chain: each saw an earlier one


def test_deletions_racing_with_writes_never_deadlock_or_orphan_sessions(database_url: str) -> None:
    common = ProfileStore.open(database_url)

    def worker(number: int) -> None:
        for i in range(15):
            if number < 2 and i % 3 == 0:
                common.apply("busy", [DeleteProfile()], TODAY)
            else:
                common.apply("busy", [RecordSession(record(i % 4)), MarkScreened()], TODAY)

    try:
        run_threads(8, worker)
        with common.engine.connect() as connection:
            orphans = connection.execute(
                text(
                    "SELECT COUNT(*) FROM sessions WHERE user_id NOT IN (SELECT user_id FROM users)"
                )
            ).scalar()
        assert orphans == 0
        profile = common.load("busy")
        count = common.count_sessions("busy")
        assert (profile is None and count == 0) or (profile is not None and count >= 1)
    finally:
        common.close()


def test_safe_store_reports_changes_and_failures(database_url: str) -> None:
    safe = CheckedSafeStore.open(database_url)
    try:
        change = safe.change("u1", [MarkScreened()], TODAY)
        assert change is not None and change.before is None and safe.healthy
        assert safe.apply_tracked("u1", [SavePreferences(20, 5)], TODAY)[0] is True
    finally:
        safe.close()
    broken = CheckedSafeStore(None)
    assert broken.change("u1", [MarkScreened()], TODAY) is None
