"""ProfileStore: profiles on SQLite (one file, the default) or PostgreSQL (several servers).

SQLAlchemy Core gives both dialects one code path, pooled connections, transactions and portable
upserts; every change for a user is one transaction of atomic statements (a session is an INSERT,
preferences an INSERT ... ON CONFLICT DO UPDATE), so concurrent workers never lose an update.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from shared.profile import Profile, SessionRecord
from shared.reply import DeleteProfile, Effect, MarkScreened, RecordSession, SavePreferences
from shared.storage.schema import SchemaError, migrate, sessions, users

MAX_SESSIONS_LOADED = 400
MIGRATION_ATTEMPTS = 5
SQLITE_BEGIN = "backstretch_sqlite_begin"  # execution option: how a SQLite transaction begins

__all__ = ["ProfileStore", "SchemaError", "database_url", "default_sqlite_path"]


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir("backstretch")) / "progress.sqlite3"


def database_url(url: str | None) -> str:
    """Explicit url, else DATABASE_URL, else the SQLite file; plain paths become sqlite URLs and
    postgresql:// uses psycopg 3."""
    chosen = url or os.environ.get("DATABASE_URL") or str(default_sqlite_path())
    if chosen.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + chosen.split("://", 1)[1]
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def _sqlite_engine(url: str, timeout: float) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": timeout, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode but for a power cut
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        # pysqlite opens transactions only before INSERT/UPDATE/DELETE, so a migration's
        # CREATE/ALTER would commit on its own; SQLAlchemy's begin event emits BEGIN instead.
        connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))

    return engine


def _postgres_engine(url: str, timeout: float) -> Engine:
    parsed = make_url(url)
    options = " ".join(
        o for o in (parsed.query.get("options"), f"-c statement_timeout={int(timeout * 1000)}") if o
    )
    parsed = parsed.difference_update_query(["options"])
    connect_args = {"connect_timeout": max(1, round(timeout)), "options": options}
    return create_engine(
        parsed,
        connect_args=connect_args,
        pool_pre_ping=True,  # a server restarted since the last request costs no failed answer
        pool_size=5,
        pool_timeout=timeout,  # all connections busy: give up like a slow statement would
    )


def _insert(connection: Connection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


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
        options = {SQLITE_BEGIN: "BEGIN IMMEDIATE"}
        with self.engine.connect().execution_options(**options) as connection:
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
            return cls(_sqlite_engine(resolved, timeout))
        return cls(_postgres_engine(resolved, timeout))

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
        (None when nothing changed or the profile was deleted)."""
        effects = list(effects)
        if not effects:
            return None
        revision: str | None = None
        with self.engine.begin() as connection:
            for effect in effects:
                revision = self._apply_one(connection, user_id, effect, today)
        return revision

    def _apply_one(
        self, connection: Connection, user_id: str, effect: Effect, today: date
    ) -> str | None:
        if isinstance(effect, DeleteProfile):
            # The user's row first, as every other change locks it first: no lock-order deadlock.
            connection.execute(delete(users).where(users.c.user_id == user_id))
            connection.execute(delete(sessions).where(sessions.c.user_id == user_id))
            return None
        now = datetime.now(UTC).replace(tzinfo=None)  # naive UTC: portable DateTime columns
        changes: dict[str, Any] = {"updated_at": now, "revision": uuid.uuid4().hex}
        if isinstance(effect, SavePreferences):
            changes |= {"hold_seconds": effect.hold_seconds, "reps": effect.reps}
        elif isinstance(effect, MarkScreened):
            changes |= {"screened_on": today}
        upsert = _insert(connection, users).values(user_id=user_id, created_at=now, **changes)
        connection.execute(
            upsert.on_conflict_do_update(index_elements=[users.c.user_id], set_=changes)
        )
        if isinstance(effect, RecordSession):
            connection.execute(sessions.insert().values(user_id=user_id, **_row(effect.record)))
        return str(changes["revision"])

    def delete(self, user_id: str) -> None:
        """Forget the user and every session of theirs (the day is irrelevant to a deletion)."""
        self.apply(user_id, [DeleteProfile()], date.today())

    def close(self) -> None:
        self.engine.dispose()


def _row(record: SessionRecord) -> dict[str, Any]:
    return {
        "day": record.day,
        "area": record.area,
        "stretches": json.dumps(list(record.stretches)),
        "pain_reports": record.pain_reports,
        "completed": record.completed,
    }


def _record(row: Any) -> SessionRecord:
    return SessionRecord(
        day=row.day,
        area=row.area,
        stretches=tuple(json.loads(row.stretches)),
        pain_reports=row.pain_reports,
        completed=bool(row.completed),
    )
