"""Writing one reply's effects for a user: the statements, and the user's revision around them.

Every write first locks the user's row (creating a bare one if needed) and reads its revision, so
a caller holding a copy of the profile learns whether anyone changed it since that copy was made.
Sessions are plain INSERTs and preferences atomic upserts: concurrent writers never lose anything.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from shared.profile import SessionRecord
from shared.reply import DeleteProfile, Effect, MarkScreened, RecordSession, SavePreferences
from shared.storage.schema import sessions, users

LOCK_ATTEMPTS = 5
UNKNOWN = "unknown"  # a revision no write ever produces (they are uuid4 hex strings)


@dataclass(frozen=True, slots=True)
class Change:
    """The user's revision just before one apply() and just after it (None: no such user)."""

    before: str | None
    after: str | None


def write(connection: Connection, user_id: str, effects: Sequence[Effect], today: date) -> Change:
    """Apply `effects` inside the caller's transaction (on SQLite: begun IMMEDIATE)."""
    before = _lock_user(connection, user_id)
    after = before
    for effect in effects:
        after = _write_one(connection, user_id, effect, today)
    return Change(before, after)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # naive UTC: portable DateTime columns


def _insert(connection: Connection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _lock_user(connection: Connection, user_id: str) -> str | None:
    """The user's revision, with their row locked until commit (PostgreSQL: FOR UPDATE; SQLite:
    the whole database is, since BEGIN IMMEDIATE). A missing row is created bare and locked, so
    even two servers writing a new user's first change learn of each other. Should other servers
    keep creating and deleting the row under us, the answer is UNKNOWN, which matches no copy."""
    query = select(users.c.revision).where(users.c.user_id == user_id).with_for_update()
    bare = _insert(connection, users).values(user_id=user_id, created_at=_now(), updated_at=_now())
    for _ in range(LOCK_ATTEMPTS):
        found = connection.execute(query).first()
        if found is not None:
            return found.revision
        created = connection.execute(bare.on_conflict_do_nothing(index_elements=[users.c.user_id]))
        if created.rowcount == 1:
            return None
    return UNKNOWN


def _write_one(connection: Connection, user_id: str, effect: Effect, today: date) -> str | None:
    if isinstance(effect, DeleteProfile):
        connection.execute(delete(users).where(users.c.user_id == user_id))
        connection.execute(delete(sessions).where(sessions.c.user_id == user_id))
        return None
    if not isinstance(effect, RecordSession | SavePreferences | MarkScreened):
        raise TypeError(f"the store cannot apply {effect!r}")
    now = _now()
    changes: dict[str, Any] = {"updated_at": now, "revision": uuid.uuid4().hex}
    if isinstance(effect, SavePreferences):
        changes |= {"hold_seconds": effect.hold_seconds, "reps": effect.reps}
    elif isinstance(effect, MarkScreened):
        changes |= {"screened_on": today}
    upsert = _insert(connection, users).values(user_id=user_id, created_at=now, **changes)
    connection.execute(upsert.on_conflict_do_update(index_elements=[users.c.user_id], set_=changes))
    if isinstance(effect, RecordSession):
        connection.execute(sessions.insert().values(user_id=user_id, **_row(effect.record)))
    return str(changes["revision"])


def _row(record: SessionRecord) -> dict[str, Any]:
    return {
        "day": record.day,
        "area": record.area,
        "stretches": json.dumps(list(record.stretches)),
        "pain_reports": record.pain_reports,
        "completed": record.completed,
    }
