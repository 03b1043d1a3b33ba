"""Stores that heal (#17 point 1): a store that could not be opened, or whose database failed,
is tried again lazily with backoff, one caller at a time, and works again as soon as its database
does; its state says which it is, and every change of state is told."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from storage_helpers import TODAY, record, wait_out_the_pause

from shared.reply import MarkScreened, RecordSession
from shared.storage import SafeStore
from shared.storage.healing import FIRST_PAUSE, MAX_PAUSE, Backoff, database_answered


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pause_doubles_up_to_its_longest_and_ends_with_an_answer() -> None:
    clock = Clock()
    backoff = Backoff(clock)
    assert backoff.may_try() and backoff.retry_in() == 0
    pauses = []
    for _ in range(8):
        pauses.append(backoff.failed())
        assert not backoff.may_try()  # nobody tries during the pause
        clock.now += pauses[-1]
        assert backoff.may_try()  # one caller after it ...
        assert not backoff.may_try()  # ... and only one
    assert pauses[:3] == [FIRST_PAUSE, 2 * FIRST_PAUSE, 4 * FIRST_PAUSE]
    assert pauses[-1] == MAX_PAUSE
    assert backoff.succeeded() is True  # the end of a run of failures
    assert backoff.may_try() and backoff.may_try() and backoff.succeeded() is False


def test_calls_under_way_when_the_first_fails_do_not_lengthen_the_pause() -> None:
    backoff = Backoff(Clock())
    assert [backoff.failed() for _ in range(5)] == [FIRST_PAUSE] * 5


def test_only_errors_of_a_database_that_is_away_start_a_pause() -> None:
    import psycopg

    def sqlite_error(code: int) -> sqlite3.Error:
        error = sqlite3.OperationalError("x")
        error.sqlite_errorcode = code
        return error

    assert database_answered(sqlite3.IntegrityError("NOT NULL constraint failed"))
    assert database_answered(sqlite_error(sqlite3.SQLITE_ERROR))  # no such table
    assert not database_answered(sqlite_error(sqlite3.SQLITE_BUSY))
    assert not database_answered(sqlite_error(sqlite3.SQLITE_READONLY))
    assert not database_answered(sqlite_error(sqlite3.SQLITE_FULL))
    assert not database_answered(sqlite_error(sqlite3.SQLITE_IOERR_SHORT_READ))
    assert database_answered(psycopg.errors.UniqueViolation("duplicate"))
    assert not database_answered(psycopg.errors.QueryCanceled("statement timeout"))
    assert not database_answered(psycopg.errors.AdminShutdown("terminating"))
    assert not database_answered(psycopg.OperationalError("connection refused"))  # no SQLSTATE
    assert not database_answered(TimeoutError("the database call ran out of time"))
    assert database_answered(ValueError("bad data"))


def test_a_store_that_could_not_open_opens_once_its_file_can_be_made(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the database folder should be")
    states: list[str] = []
    with caplog.at_level(logging.WARNING):
        safe = SafeStore.open(str(blocker / "progress.sqlite3"))
        safe.on_state = states.append
        assert safe.store is None and safe.state == "unavailable"
        assert safe.apply("u", [MarkScreened()], TODAY) is False  # during the pause: not tried
        blocker.unlink()  # the problem is fixed ...
        wait_out_the_pause(safe)
        assert safe.apply("u", [RecordSession(record())], TODAY) is True  # ... so it heals
    try:
        assert safe.state == "ready" and safe.healthy and states == ["ready"]
        assert safe.store is not None and safe.store.count_sessions("u") == 1
        assert "the database can be opened again" in caplog.text
    finally:
        safe.close()


def test_a_store_that_stays_away_is_tried_after_each_pause_and_said_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    opened: list[int] = []
    url = str(blocker / "p.sqlite3")

    def reopen() -> object:
        opened.append(1)
        from shared.storage import ProfileStore

        return ProfileStore.open(url)

    with caplog.at_level(logging.WARNING):
        safe = SafeStore(None, reopen=reopen, clock=clock)  # type: ignore[arg-type]
        for _ in range(20):  # many turns during one pause: one attempt
            safe.load("u")
        assert len(opened) == 1
        for _ in range(6):
            clock.now += MAX_PAUSE
            safe.load("u")
        assert len(opened) == 7
    lines = [r.getMessage() for r in caplog.records]
    assert sum("cannot open the database" in line for line in lines) == 1  # said once ...
    clock.now += 60
    with caplog.at_level(logging.WARNING):
        safe.load("u")
    assert "the database still fails after 8 attempts" in caplog.text  # ... and each minute


def test_one_caller_opens_while_the_others_go_on_without_waiting(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()
    answers: list[bool] = []

    def slow_open() -> object:
        started.set()
        release.wait(5)
        from shared.storage import ProfileStore

        return ProfileStore.open(str(tmp_path / "p.sqlite3"))

    safe = SafeStore(None, reopen=slow_open)  # type: ignore[arg-type]
    opener = threading.Thread(target=lambda: answers.append(safe.load("u") is None))
    opener.start()
    assert started.wait(5)
    assert safe.apply("v", [MarkScreened()], TODAY) is False  # not held up by the opening
    release.set()
    opener.join(5)
    try:
        assert answers == [True] and safe.state == "ready"
        assert safe.apply("v", [MarkScreened()], TODAY) is True
    finally:
        safe.close()


def test_a_closed_store_is_not_opened_again(tmp_path: Path) -> None:
    safe = SafeStore.open(str(tmp_path / "p.sqlite3"))
    safe.close()
    safe.store = None
    assert safe.load("u") is None and safe.store is None


def test_a_failure_that_cost_its_deadline_pauses_at_least_twice_as_long() -> None:
    """Requests queued behind a call that waited 1.5 s must find the pause still on."""
    backoff = Backoff(Clock())
    assert backoff.failed(cost=1.5) == 3.0
    assert backoff.failed(cost=0.001) == FIRST_PAUSE  # a refused connection: no longer
    assert Backoff(Clock()).failed(cost=60) == MAX_PAUSE
