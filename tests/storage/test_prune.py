"""`backstretch-skill prune`: profiles unused for 18 months are deleted with their sessions,
on SQLite and PostgreSQL, and a dry run only counts."""

from __future__ import annotations

import socket
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_helpers import postgres_server_url

from bench.fault_proxy import FaultProxy
from shared.profile import SessionRecord
from shared.reply import MarkScreened, RecordSession
from shared.storage import ProfileStore
from skill import prune
from skill.cli import main
from skill.prune import months_before

TODAY = date(2026, 12, 2)


def _age(store: ProfileStore, user: str, days: int) -> None:
    """Make `user`'s last change `days` old, as if nobody had used it since."""
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE users SET updated_at = :when WHERE user_id = :user"),
            {"when": datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days), "user": user},
        )


def test_unused_profiles_are_deleted_with_their_sessions(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ProfileStore.open(database_url)
    for user in ("old", "recent", "old-but-screened"):
        record = SessionRecord(TODAY - timedelta(days=700), "neck", ("neck_flexion",))
        store.apply(user, [RecordSession(record)], TODAY)
    _age(store, "old", 600)
    _age(store, "recent", 30)
    _age(store, "old-but-screened", 600)
    store.apply("old-but-screened", [MarkScreened()], TODAY)  # used again today: kept
    assert main(["prune", "--database-url", database_url, "--dry-run"]) == 0
    assert "Would delete 1 profile unused for 18 months" in capsys.readouterr().out
    assert store.load("old") is not None  # a dry run deletes nothing
    assert main(["prune", "--database-url", database_url]) == 0
    assert "Deleted 1 profile unused" in capsys.readouterr().out
    assert store.load("old") is None and store.count_sessions("old") == 0
    assert store.load("recent") is not None and store.load("old-but-screened") is not None
    store.close()


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (date(2026, 12, 2), 18, datetime(2025, 6, 2)),
        (date(2026, 8, 31), 6, datetime(2026, 2, 28)),
        (date(2028, 8, 31), 6, datetime(2028, 2, 29)),
        (date(2026, 1, 15), 1, datetime(2025, 12, 15)),
    ],
)
def test_months_are_calendar_months(today: date, months: int, expected: datetime) -> None:
    assert months_before(today, months) == expected


def test_bad_months_is_a_friendly_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prune", "--months", "0"]) == 2
    assert "--months must be 1 or more." in capsys.readouterr().err


def test_a_missing_sqlite_file_is_said_and_not_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong path in cron's command line must not leave a new empty database behind."""
    wrong = tmp_path / "no-such-folder" / "progress.sqlite3"
    assert main(["prune", "--database-url", str(wrong)]) == 1
    said = capsys.readouterr()
    assert f"No database file at {wrong}: nothing pruned." in said.err and not said.out
    assert not wrong.parent.exists()


def test_a_database_that_refuses_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    url = f"postgresql://postgres:secret@127.0.0.1:{port}/test"
    assert main(["prune", "--database-url", url]) == 1
    said = capsys.readouterr().err
    assert said.startswith(f"Could not prune postgresql://postgres:***@127.0.0.1:{port}/test: ")
    assert "Nothing was deleted" in said and "Traceback" not in said and "secret" not in said


@pytest.mark.postgres
def test_a_stalled_server_is_given_up_at_the_prunes_deadline(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that accepts and never answers: cron's prune ends at its deadline (here 1 s),
    not when TCP gives up minutes later."""
    store = ProfileStore.open(postgres_url)
    store.apply("u", [MarkScreened()], TODAY)  # the schema exists: the stall hits the prune
    store.close()
    monkeypatch.setattr(prune, "PRUNE_SECONDS", 1.0)
    with FaultProxy.to(postgres_server_url()) as proxy:
        proxy.stall()
        started = time.monotonic()
        assert main(["prune", "--database-url", proxy.url(postgres_url)]) == 1
        took = time.monotonic() - started
    assert "Could not prune" in capsys.readouterr().err
    assert took < 1.0 + 1.0  # the deadline, with room for a loaded machine; far below TCP's
