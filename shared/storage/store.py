"""ProfileStore: profiles on SQLite (one file, the default) or PostgreSQL (several servers).

SQLAlchemy Core gives both dialects one code path, pooled connections, transactions and portable
upserts; every change for a user is one transaction of atomic statements (a session is an INSERT,
preferences an INSERT ... ON CONFLICT DO UPDATE), so concurrent workers never lose an update.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from shared.profile import Profile, SessionRecord
from shared.reply import DeleteProfile, Effect
from shared.storage.engines import (
    IMMEDIATE,
    database_url,
    default_sqlite_path,
    postgres_engine,
    sqlite_engine,
)
from shared.storage.schema import SchemaError, migrate, sessions, users
from shared.storage.writes import Change, write

MAX_SESSIONS_LOADED = 400
MIGRATION_ATTEMPTS = 5
_postgres_engine = postgres_engine  # the name tests and tools knew it by

__all__ = ["Change", "ProfileStore", "SchemaError", "database_url", "default_sqlite_path"]


class ProfileStore:
    """Loads profiles and applies the engine's effects, one transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            self._migrate()
        except BaseException:
            engine.dispose()  # a store that cannot open must not leave connections behind
            raise

    def _migrate(self) -> None:
        """Bring the schema up to date. Migrations are serialised (PostgreSQL: an advisory lock;
        SQLite: BEGIN IMMEDIATE waits up to busy_timeout for the write lock); a worker that still
        collides with another one retries. A server that is down or silent fails once, at
        connecting, within the timeout: it is never retried here."""
        with self.engine.connect().execution_options(**IMMEDIATE) as connection:
            for attempt in range(MIGRATION_ATTEMPTS):
                try:
                    with connection.begin():
                        migrate(connection)
                    return
                except (OperationalError, ProgrammingError, IntegrityError):
                    if attempt == MIGRATION_ATTEMPTS - 1 or connection.invalidated:
                        raise
                    time.sleep(0.05 * (attempt + 1))

    @classmethod
    def open(cls, url: str | None = None, *, timeout: float = 2.0) -> ProfileStore:
        resolved = database_url(url)
        if resolved.startswith("sqlite"):
            return cls(sqlite_engine(resolved, timeout))
        return cls(postgres_engine(resolved, timeout))

    def load(self, user_id: str) -> Profile | None:
        with self.engine.connect() as connection:
            user = connection.execute(select(users).where(users.c.user_id == user_id)).first()
            latest = (
                select(sessions)
                .where(sessions.c.user_id == user_id)
                .order_by(sessions.c.day.desc(), sessions.c.id.desc())
                .limit(MAX_SESSIONS_LOADED)
            )
            rows = list(reversed(connection.execute(latest).all()))
        if user is None and not rows:
            return None
        return Profile(
            sessions=tuple(_record(row) for row in rows),
            hold_seconds=user.hold_seconds if user else None,
            reps=user.reps if user else None,
            screened_on=user.screened_on if user else None,
        )

    def count_sessions(self, user_id: str) -> int:
        """Every stored session of the user (load() returns only the latest)."""
        with self.engine.connect() as connection:
            count = select(func.count()).select_from(sessions).where(sessions.c.user_id == user_id)
            return connection.execute(count).scalar_one()

    def revision(self, user_id: str) -> str | None:
        """The token of the user's last change (None: no such user); one primary-key lookup, so a
        server can check a profile it holds before trusting it."""
        with self.engine.connect() as connection:
            query = select(users.c.revision).where(users.c.user_id == user_id)
            return connection.execute(query).scalar_one_or_none()

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> str | None:
        """All of one reply's effects for a user, atomically. Returns the user's new revision
        (None when the profile was deleted, or unchanged for no effects)."""
        return self.change(user_id, effects, today).after

    def change(self, user_id: str, effects: Iterable[Effect], today: date) -> Change:
        """apply(), telling also the revision the user's row had just before (see writes.py)."""
        effects = list(effects)
        if not effects:  # nothing to write: no transaction, no bare user row
            revision = self.revision(user_id)
            return Change(revision, revision)
        with (
            self.engine.connect().execution_options(**IMMEDIATE) as connection,
            connection.begin(),
        ):
            return write(connection, user_id, effects, today)

    def delete(self, user_id: str) -> None:
        """Forget the user and every session of theirs (the day is irrelevant to a deletion)."""
        self.apply(user_id, [DeleteProfile()], date.today())

    def close(self) -> None:
        self.engine.dispose()


def _record(row: Any) -> SessionRecord:
    return SessionRecord(
        day=row.day,
        area=row.area,
        stretches=tuple(json.loads(row.stretches)),
        pain_reports=row.pain_reports,
        completed=bool(row.completed),
    )
