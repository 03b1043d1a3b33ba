"""`backstretch-skill prune`: profiles unused for 18 months are deleted with their sessions,
on SQLite and PostgreSQL, and a dry run only counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from shared.profile import SessionRecord
from shared.reply import MarkScreened, RecordSession
from shared.storage import ProfileStore
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
    assert "Would delete 1 profiles unused for 18 months" in capsys.readouterr().out
    assert store.load("old") is not None  # a dry run deletes nothing
    assert main(["prune", "--database-url", database_url]) == 0
    assert "Deleted 1 profiles" in capsys.readouterr().out
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
