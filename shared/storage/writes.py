"""Writing one reply's effects for a user: the statements, and the user's revision around them.

Every write first locks the user's row (creating a bare one if needed) and reads its revision, so
a caller holding a copy of the profile learns whether anyone changed it since that copy was made.
Sessions are plain INSERTs and preferences atomic upserts: concurrent writers never lose anything.

Statements are built and compiled once per dialect and run on the transaction's DBAPI cursor
(compiled.py), so a write costs little more than its round trips.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BindParameter, Dialect, bindparam, delete, select

from shared.profile import SessionRecord
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
    SaveWeeklyGoal,
)
from shared.storage.compiled import Compiled, PerDialect, compile_for
from shared.storage.schema import sessions, users

LOCK_ATTEMPTS = 5
UNKNOWN = "unknown"  # a revision no write ever produces (they are uuid4 hex strings)


@dataclass(frozen=True, slots=True)
class Change:
    """The user's revision just before one apply() and just after it (None: no such user), and
    the ids of the sessions it inserted. `repeated`: a session of the change was written before
    (the change was retried after an answer that was lost), so it was not inserted again."""

    before: str | None
    after: str | None
    session_ids: tuple[int, ...] = ()
    repeated: bool = False


def write(
    cursor: Any,
    dialect: Dialect,
    user_id: str,
    effects: Sequence[Effect],
    today: date,
    change_id: str | None = None,
) -> Change:
    """Apply `effects` inside the cursor's transaction (on SQLite: begun IMMEDIATE). Each session
    of a change with an id is stored with it (`session_change_id`), once: a retry inserts none."""
    statements = _statements(dialect)
    before = _lock_user(cursor, statements, user_id)
    after, inserted, repeated, sessions_seen = before, [], False, 0
    for effect in effects:
        session_key = None
        if change_id is not None and isinstance(effect, RecordSession):
            session_key = session_change_id(change_id, sessions_seen)
            sessions_seen += 1
        after, session_id = _write_one(cursor, statements, user_id, effect, today, session_key)
        if session_id is not None:
            inserted.append(session_id)
        elif isinstance(effect, RecordSession):
            repeated = True
    return Change(before, after, tuple(inserted), repeated)


def session_change_id(change_id: str, number: int) -> str:
    """What the `number`th session of a change is stored with (0: the change's id itself)."""
    return change_id if number == 0 else f"{change_id}.{number}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # naive UTC: portable DateTime columns


@dataclass(frozen=True, slots=True)
class _Statements:
    lock: Compiled
    create_bare: Compiled
    upserts: dict[type, Compiled]
    insert_session: Compiled
    delete_user: Compiled
    delete_sessions: Compiled


_SESSION_COLUMNS = (
    *("day", "area", "stretches", "pain_reports", "completed"),
    *("pain_stretch", "feelings", "stopped_for", "levels"),
)
# The user's columns each effect sets. ClearScreening sets screened_on to NULL through the same
# upsert as MarkScreened, so it too bumps the revision and other servers' copies refresh. The cue
# level and the pacing are separate columns set by separate effects: saving one keeps the other.
_CHANGED_COLUMNS: dict[type, tuple[str, ...]] = {
    RecordSession: (),
    SavePreferences: ("hold_seconds", "reps"),
    SaveCueLevel: ("cue_level",),
    SaveWeeklyGoal: ("weekly_goal",),
    MarkScreened: ("screened_on",),
    ClearScreening: ("screened_on",),
}


def _dialect_insert(dialect: Dialect) -> Any:
    """The dialect's own insert(), which knows its ON CONFLICT syntax."""
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _build_statements(dialect: Dialect) -> _Statements:
    """Every statement a write uses, compiled for one dialect (its own INSERT ... ON CONFLICT).
    A session's insert returns its id (SQLite has RETURNING since 3.35). The dialect's module
    is imported here, for the dialect in use only: PostgreSQL's costs a SQLite server (and a
    cold start) about 27 ms of CPU in imports, psycopg's driver module included."""
    insert = _dialect_insert(dialect)
    user: BindParameter[str] = bindparam("user_id")
    bare = insert(users).values(
        user_id=user, created_at=bindparam("now"), updated_at=bindparam("now")
    )

    def upsert(columns: tuple[str, ...]) -> Any:
        changed: dict[str, BindParameter[Any]] = {
            "updated_at": bindparam("now"),
            "revision": bindparam("revision"),
        }
        changed |= {column: bindparam(column) for column in columns}
        values = insert(users).values(user_id=user, created_at=bindparam("now"), **changed)
        return values.on_conflict_do_update(index_elements=[users.c.user_id], set_=changed)

    def compiled(statement: Any) -> Compiled:
        return compile_for(statement, dialect)

    return _Statements(
        lock=compiled(select(users.c.revision).where(users.c.user_id == user).with_for_update()),
        create_bare=compiled(bare.on_conflict_do_nothing(index_elements=[users.c.user_id])),
        upserts={kind: compiled(upsert(columns)) for kind, columns in _CHANGED_COLUMNS.items()},
        insert_session=compiled(
            insert(sessions)
            .values(
                user_id=user,
                change_id=bindparam("change_id"),
                **{column: bindparam(column) for column in _SESSION_COLUMNS},
            )
            .on_conflict_do_nothing(index_elements=[sessions.c.user_id, sessions.c.change_id])
            .returning(sessions.c.id)
        ),
        delete_user=compiled(delete(users).where(users.c.user_id == user)),
        delete_sessions=compiled(delete(sessions).where(sessions.c.user_id == user)),
    )


_statements = PerDialect(_build_statements)


def _lock_user(cursor: Any, statements: _Statements, user_id: str) -> str | None:
    """The user's revision, with their row locked until commit (PostgreSQL: FOR UPDATE; SQLite:
    the whole database is, since BEGIN IMMEDIATE). A missing row is created bare and locked, so
    even two servers writing a new user's first change learn of each other. Should other servers
    keep creating and deleting the row under us, the answer is UNKNOWN, which matches no copy."""
    for _ in range(LOCK_ATTEMPTS):
        found = statements.lock.run(cursor, {"user_id": user_id}).fetchone()
        if found is not None:
            revision: str | None = found[0]
            return revision
        created = statements.create_bare.run(cursor, {"user_id": user_id, "now": _now()})
        if created.rowcount == 1:
            return None
    return UNKNOWN


def _write_one(
    cursor: Any,
    statements: _Statements,
    user_id: str,
    effect: Effect,
    today: date,
    change_id: str | None = None,
) -> tuple[str | None, int | None]:
    """The user's revision after `effect`, and the id of the session it inserted (if any: a
    session whose `change_id` is stored already is not inserted again)."""
    if isinstance(effect, DeleteProfile):
        statements.delete_user.run(cursor, {"user_id": user_id})
        statements.delete_sessions.run(cursor, {"user_id": user_id})
        return None, None
    upsert = statements.upserts.get(type(effect))
    if upsert is None:
        raise TypeError(f"the store cannot apply {effect!r}")
    revision = uuid.uuid4().hex
    values: dict[str, Any] = {"user_id": user_id, "now": _now(), "revision": revision}
    if isinstance(effect, SavePreferences):
        values |= {"hold_seconds": effect.hold_seconds, "reps": effect.reps}
    elif isinstance(effect, SaveCueLevel):
        values |= {"cue_level": effect.cue_level.value}
    elif isinstance(effect, SaveWeeklyGoal):
        values |= {"weekly_goal": effect.weekly_goal}
    elif isinstance(effect, MarkScreened):
        values |= {"screened_on": today}
    elif isinstance(effect, ClearScreening):
        values |= {"screened_on": None}
    upsert.run(cursor, values)
    if not isinstance(effect, RecordSession):
        return revision, None
    row = {"user_id": user_id, "change_id": change_id, **_row(effect.record)}
    found = statements.insert_session.run(cursor, row).fetchone()
    return revision, None if found is None else int(found[0])


def _row(record: SessionRecord) -> dict[str, Any]:
    return {
        "day": record.day,
        "area": record.area,
        "stretches": json.dumps(list(record.stretches)),
        "pain_reports": record.pain_reports,
        "completed": record.completed,
        "pain_stretch": record.pain_stretch,
        "feelings": json.dumps([list(pair) for pair in record.feelings]),
        "stopped_for": record.stopped_for,
        "levels": json.dumps([list(level) for level in record.levels]),
    }
