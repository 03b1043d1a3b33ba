"""`backstretch-skill prune`: delete the profiles nobody has used for a while (privacy by default).

Safe to run from cron against SQLite or PostgreSQL while servers answer: one DELETE of the rows
not changed since the cut-off, their sessions going with them. `--dry-run` only counts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime

from shared import messages
from shared.storage import ProfileStore
from skill.builder import shown_url
from skill.config import SkillConfig

DEFAULT_MONTHS = 18


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
    cutoff = months_before(today(), args.months)
    store = ProfileStore.open(url)
    try:
        if args.dry_run:
            count = store.count_unused(cutoff)
            key = "cli.prune_would_delete"
        else:
            count = store.prune(cutoff)
            key = "cli.prune_deleted"
    finally:
        store.close()
    print(messages.text(key, count=count, months=args.months, where=shown_url(url or "")))
    return 0
