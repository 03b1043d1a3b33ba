"""Many workers writing for one user at once lose nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from storage_helpers import TODAY, record, run_threads

from shared.reply import MarkScreened, RecordSession, SavePreferences
from shared.storage import ProfileStore

THREADS, PER_THREAD = 16, 25
USER = "alexa:busy"


@pytest.mark.parametrize("shared_store", [True, False], ids=["one-store", "store-per-worker"])
def test_every_session_from_many_workers_is_counted(database_url: str, shared_store: bool) -> None:
    """16 threads x 25 sessions for ONE user: exactly 400 stored, each exactly once."""
    common = ProfileStore.open(database_url)
    started = time.monotonic()

    def worker(number: int) -> None:
        own = common if shared_store else ProfileStore.open(database_url)
        try:
            for i in range(PER_THREAD):
                tag = record(i % 5, stretches=(f"worker{number}", f"turn{i}"))
                own.apply(USER, [RecordSession(tag)], TODAY)
        finally:
            if own is not common:
                own.close()

    try:
        run_threads(THREADS, worker)
        elapsed = time.monotonic() - started
        assert common.count_sessions(USER) == THREADS * PER_THREAD == 400
        profile = common.load(USER)  # 400 is also the load limit: every session comes back
        assert profile is not None
        written = {(f"worker{n}", f"turn{i}") for n in range(THREADS) for i in range(PER_THREAD)}
        assert sorted(s.stretches for s in profile.sessions) == sorted(written)
        assert [s.day for s in profile.sessions] == sorted(s.day for s in profile.sessions)
        assert common.revision(USER) is not None
        print(f"400 concurrent sessions stored in {elapsed:.2f} s")
    finally:
        common.close()


@pytest.mark.parametrize("shared_store", [True, False], ids=["one-store", "store-per-worker"])
def test_concurrent_preferences_and_screening_never_raise(
    database_url: str, shared_store: bool
) -> None:
    """Upserts racing on one row: no error, and the row ends with one writer's whole values."""
    common = ProfileStore.open(database_url)
    written_days = {TODAY - timedelta(days=n) for n in range(THREADS)}

    def worker(number: int) -> None:
        own = common if shared_store else ProfileStore.open(database_url)
        try:
            for i in range(10):
                # hold and reps of one write belong together: reps = hold + 100
                hold = 10 + number * 10 + i
                own.apply(USER, [SavePreferences(hold, hold + 100)], TODAY)
                own.apply(USER, [MarkScreened()], TODAY - timedelta(days=number))
                if i % 3 == 0:  # both in one call as well
                    both = [MarkScreened(), SavePreferences(hold, hold + 100)]
                    own.apply(USER, both, TODAY - timedelta(days=number))
        finally:
            if own is not common:
                own.close()

    try:
        run_threads(THREADS, worker)
        profile = common.load(USER)
        assert profile is not None and profile.sessions == ()
        assert profile.hold_seconds is not None and profile.reps == profile.hold_seconds + 100
        assert 10 <= profile.hold_seconds < 10 + THREADS * 10
        assert profile.screened_on in written_days
    finally:
        common.close()


def test_many_users_written_together_stay_apart(database_url: str) -> None:
    common = ProfileStore.open(database_url)

    def worker(number: int) -> None:
        for _ in range(5):
            common.apply(f"user{number}", [RecordSession(record()), MarkScreened()], TODAY)
        common.apply(f"user{number}", [SavePreferences(number + 10, number + 1)], TODAY)

    try:
        run_threads(8, worker)
        for number in range(8):
            profile = common.load(f"user{number}")
            assert profile is not None and len(profile.sessions) == 5
            assert (profile.hold_seconds, profile.reps) == (number + 10, number + 1)
    finally:
        common.close()
