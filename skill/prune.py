"""`backstretch-skill prune`: delete the profiles nobody has used for a while (privacy by default).

Safe to run from cron against SQLite or PostgreSQL while servers answer: one DELETE of the rows
not changed since the cut-off, their sessions going with them. `--dry-run` only counts. A database
that is not there or does not answer is said in one line with exit status 1, for cron's mail:
never a traceback, and never a new empty SQLite file where a wrong path pointed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from shared import messages
from shared.storage import ProfileStore, deadline
from shared.storage.engines import database_url
from shared.storage.safe import brief, is_database_failure
from skill.builder import shown_url
from skill.config import SkillConfig

DEFAULT_MONTHS = 18
# Seconds the whole prune may take: a DELETE of many rows is slow (the statement limit follows),
# while a server that accepts and never answers is given up at this deadline (deadline.py).
PRUNE_SECONDS = 120.0


def months_before(today: date, months: int) -> datetime:
    """The same day `months` calendar months earlier (the month's last day if it is shorter),
    at midnight, naive UTC as the store keeps its times."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, _days_in(year, month + 1))
    return datetime(year, month + 1, day)


def _days_in(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def add_arguments(parser: argparse.ArgumentParser) -> None:
    def say(key: str) -> str:
        return messages.text(f"cli.prune_{key}")

    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS, help=say("months"))
    parser.add_argument("--database-url", help=say("database_url"))
    parser.add_argument("--dry-run", action="store_true", help=say("dry_run"))


def run(
    args: argparse.Namespace, today: Callable[[], date] = lambda: datetime.now(UTC).date()
) -> int:
    if args.months < 1:
        print(messages.text("cli.prune_bad_months"), file=sys.stderr)
        return 2
    url = args.database_url or SkillConfig.from_env().database_url
    where = shown_url(url or database_url(None))
    if _missing_sqlite_file(url):
        print(messages.text("cli.prune_no_database", where=where), file=sys.stderr)
        return 1
    cutoff = months_before(today(), args.months)
    try:
        count = _prune(url, cutoff, dry_run=args.dry_run)
    except Exception as error:
        if not is_database_failure(error):
            raise
        print(messages.text("cli.prune_failed", where=where, error=brief(error)), file=sys.stderr)
        return 1
    key = "would_delete" if args.dry_run else "deleted"
    number = "one" if count == 1 else "many"
    print(messages.text(f"cli.prune_{key}.{number}", count=count, months=args.months, where=where))
    return 0


def _prune(url: str | None, cutoff: datetime, *, dry_run: bool) -> int:
    """Count or delete the profiles unused since `cutoff`, within PRUNE_SECONDS."""
    with deadline.call(PRUNE_SECONDS):
        store = ProfileStore.open(url, timeout=PRUNE_SECONDS, make_folder=False)
        try:
            return store.count_unused(cutoff) if dry_run else store.prune(cutoff)
        finally:
            store.close()


def _missing_sqlite_file(url: str | None) -> bool:
    """A SQLite URL whose file does not exist: a wrong path, or a skill never run there."""
    resolved = make_url(database_url(url))
    path = resolved.database
    return (
        resolved.get_backend_name() == "sqlite"
        and bool(path)
        and path != ":memory:"
        and (not Path(path or "").exists())
    )
