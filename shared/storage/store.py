"""ProfileStore: profiles on SQLite (one file, the default) or PostgreSQL (several servers).

SQLAlchemy Core gives both dialects one code path, pooled connections, transactions and portable
upserts; every change for a user is one transaction of atomic statements (a session is an INSERT,
preferences an INSERT ... ON CONFLICT DO UPDATE), so concurrent workers never lose an update. The
statements of every turn and write run compiled on the DBAPI cursor (compiled.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, Dialect, Engine, bindparam, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from shared.events import CueLevel
from shared.figures import Figures, first_levels
from shared.profile import Profile, SessionRecord
from shared.reply import DeleteProfile, Effect
from shared.storage.compiled import (
    Compiled,
    PerDialect,
    compile_for,
    cursor_for,
    transaction_for,
)
from shared.storage.engines import (
    IMMEDIATE,
    database_url,
    default_sqlite_path,
    postgres_engine,
    sqlite_engine,
)
from shared.storage.identity import FileIdentity, FileReplaced, opening
from shared.storage.schema import SchemaError, migrate, sessions, users
from shared.storage.snapshot import (
    MAX_SESSIONS_LOADED,
    NOBODY,
    Snapshot,
    figures_of,
    in_load_order,
)
from shared.storage.writes import Change, write

MIGRATION_ATTEMPTS = 5

__all__ = [
    "MAX_SESSIONS_LOADED",
    "Change",
    "FileReplaced",
    "ProfileStore",
    "SchemaError",
    "Snapshot",
    "database_url",
    "default_sqlite_path",
]

_USER: BindParameter[str] = bindparam("user_id")
_REVISION = select(users.c.revision).where(users.c.user_id == _USER)
_USER_ROW = select(
    *(users.c.revision, users.c.created_at),
    *(users.c.hold_seconds, users.c.reps, users.c.screened_on, users.c.cue_level),
    users.c.weekly_goal,
).where(users.c.user_id == _USER)
_SESSION_COLUMNS = (
    *(sessions.c.id, sessions.c.day, sessions.c.area, sessions.c.stretches),
    *(sessions.c.pain_reports, sessions.c.completed),
    *(sessions.c.pain_stretch, sessions.c.feelings, sessions.c.stopped_for),
    sessions.c.levels,
)
_LATEST_SESSIONS = (
    select(*_SESSION_COLUMNS)
    .where(sessions.c.user_id == _USER)
    .order_by(sessions.c.day.desc(), sessions.c.id.desc())
    .limit(MAX_SESSIONS_LOADED)
)
# Sessions a day over all of a user's sessions, for the figures of a long history (figures.py).
_DAY_COUNTS = (
    select(sessions.c.day, func.count()).where(sessions.c.user_id == _USER).group_by(sessions.c.day)
)
# Each different list of levels with its first session, oldest first: how a long history began
# (figures.py), a few rows however many sessions repeat the same levels.
_FIRST_LEVELS = (
    select(sessions.c.levels, func.min(sessions.c.day))
    .where(sessions.c.user_id == _USER, sessions.c.levels != "[]")
    .group_by(sessions.c.levels)
    .order_by(func.min(sessions.c.day), func.min(sessions.c.id))
)
_SESSIONS_AFTER = (
    select(*_SESSION_COLUMNS)
    .where(sessions.c.user_id == _USER, sessions.c.id > bindparam("after"))
    .order_by(sessions.c.day, sessions.c.id)
)


@dataclass(frozen=True, slots=True)
class _Reads:
    revision: Compiled
    user_row: Compiled
    latest_sessions: Compiled
    sessions_after: Compiled
    day_counts: Compiled
    first_levels: Compiled


def _compile_reads(dialect: Dialect) -> _Reads:
    return _Reads(
        revision=compile_for(_REVISION, dialect),
        user_row=compile_for(_USER_ROW, dialect),
        latest_sessions=compile_for(_LATEST_SESSIONS, dialect),
        sessions_after=compile_for(_SESSIONS_AFTER, dialect),
        day_counts=compile_for(_DAY_COUNTS, dialect),
        first_levels=compile_for(_FIRST_LEVELS, dialect),
    )


_reads = PerDialect(_compile_reads)


class ProfileStore:
    """Loads profiles and applies the engine's effects, one transaction per call."""

    def __init__(
        self, engine: Engine, *, lock_timeout: float = 2.0, identity: FileIdentity | None = None
    ) -> None:
        self.engine = engine
        self.lock_timeout = lock_timeout  # SQLite: how long a write waits for another's lock
        self.identity = identity  # SQLite: the file opened, checked before each call
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
    def open(
        cls, url: str | None = None, *, timeout: float = 2.0, make_folder: bool = True
    ) -> ProfileStore:
        """The store at `url` (see database_url), its schema brought up to date. A SQLite file's
        folder is made when missing, unless `make_folder` is False (reopening: see engines)."""
        resolved = database_url(url)
        if not resolved.startswith("sqlite"):
            return cls(postgres_engine(resolved, timeout))
        path = make_url(resolved).database
        if not path or path == ":memory:":
            return cls(sqlite_engine(resolved, timeout), lock_timeout=timeout)
        engine = sqlite_engine(resolved, timeout, make_folder=make_folder)
        with opening(path):  # one process at a time makes a missing file (identity.py)
            store = cls(engine, lock_timeout=timeout)
            store.identity = FileIdentity(path)
        return store

    def check_file(self) -> None:
        """SQLite: FileReplaced when the file at the path is no longer the one open."""
        if self.identity is not None:
            self.identity.check()

    def close_replaced(self) -> None:
        """Close a store whose file was replaced or deleted, and remove what its file left at
        the path (identity.py), so the store opened next reads the file now there, clean."""
        self.close()
        if self.identity is not None:
            self.identity.remove_leftovers()

    def load(self, user_id: str) -> Profile | None:
        return self.snapshot(user_id).profile

    def snapshot(self, user_id: str, known: Snapshot | None = None) -> Snapshot:
        """The user's profile now. Given a snapshot taken earlier, this costs one primary-key
        lookup while the user is unchanged, and reads only the sessions added since otherwise
        (see snapshot.py); the result is the same as a fresh load's. Every write gives the row
        a new random revision, so an unchanged revision means an unchanged user. The statements
        run on the DBAPI cursor (compiled.py): this is asked on every turn that uses a profile."""
        self.check_file()
        reads = _reads(self.engine.dialect)
        # The row is read before its sessions, each statement on its own. Should a write land in
        # between, the copy holds a session newer than its revision: the next turn sees the new
        # revision and reads on from the copy's last session, nothing twice.
        with cursor_for(self.engine) as cursor:
            user = reads.user_row.first(cursor, {"user_id": user_id})
            if user is None:
                return NOBODY
            revision, born, hold_seconds, reps, screened_on, cue_level, weekly_goal = user
            if known is not None and known.revision is not None and known.revision == revision:
                return known
            # The same row (same birth) as the copy's: its sessions after the copy's are all new.
            if known is not None and known.profile is not None and known.born == born:
                after = {"user_id": user_id, "after": known.last_session_id}
                added = reads.sessions_after.all(cursor, after)
                held, last_id = known.profile.sessions, known.last_session_id
                figures = known.profile.figures
                for row in added:
                    figures = figures.with_day(row[1]) if figures is not None else None
            else:
                added = reads.latest_sessions.all(cursor, {"user_id": user_id})[::-1]
                held, last_id, figures = (), 0, None
                if len(added) == MAX_SESSIONS_LOADED:  # perhaps not all: count them all
                    figures = _figures_over_all(reads, cursor, user_id)
        every = (*held, *(_record(row) for row in added))
        if figures is None and len(every) > MAX_SESSIONS_LOADED:  # held all, some left out now
            figures = figures_of(every)
        profile = Profile(
            sessions=in_load_order(every),
            figures=figures,
            hold_seconds=hold_seconds,
            reps=reps,
            screened_on=screened_on,
            cue_level=_cue_level(cue_level),
            weekly_goal=weekly_goal,
        )
        last_id = max((last_id, *(row[0] for row in added)))
        return Snapshot(profile, revision, born, last_id)

    def count_sessions(self, user_id: str) -> int:
        """Every stored session of the user (load() returns only the latest)."""
        with self.engine.connect() as connection:
            count = select(func.count()).select_from(sessions).where(sessions.c.user_id == user_id)
            return connection.execute(count).scalar_one()

    def revision(self, user_id: str) -> str | None:
        """The token of the user's last change (None: no such user); one primary-key lookup, so
        a server can check a profile it holds before trusting it."""
        self.check_file()
        with cursor_for(self.engine) as cursor:
            row = _reads(self.engine.dialect).revision.first(cursor, {"user_id": user_id})
        return None if row is None else row[0]

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> str | None:
        """All of one reply's effects for a user, atomically. Returns the user's new revision
        (None when the profile was deleted, or unchanged for no effects)."""
        return self.change(user_id, effects, today).after

    def change(
        self,
        user_id: str,
        effects: Iterable[Effect],
        today: date,
        *,
        change_id: str | None = None,
    ) -> Change:
        """apply(), telling also the revision the user's row had just before (see writes.py).
        A session written with a `change_id` is written once, however often it is retried."""
        effects = list(effects)
        if not effects:  # nothing to write: no transaction, no bare user row
            revision = self.revision(user_id)
            return Change(revision, revision)
        self.check_file()
        with transaction_for(self.engine, self.lock_timeout) as cursor:
            return write(cursor, self.engine.dialect, user_id, effects, today, change_id)

    def delete(self, user_id: str) -> None:
        """Forget the user and every session of theirs (the day is irrelevant to a deletion)."""
        self.apply(user_id, [DeleteProfile()], date.today())

    def prune(self, unused_since: datetime) -> int:
        """Delete every profile not changed since `unused_since` (naive UTC, as stored): a
        session, a screening answer or a preference each change it. Their sessions go with
        them (ON DELETE CASCADE). One statement per row set, so it is safe while servers are
        answering: a user who comes back in the meantime is no longer unused, and is kept."""
        stale = users.delete().where(users.c.updated_at < unused_since)
        with self.engine.begin() as connection:
            return int(connection.execute(stale).rowcount or 0)

    def count_unused(self, unused_since: datetime) -> int:
        """How many profiles `prune(unused_since)` would delete now."""
        query = select(func.count()).select_from(users).where(users.c.updated_at < unused_since)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _cue_level(stored: str | None) -> CueLevel | None:
    """The stored cue level; NULL (never chosen) and a level this release does not know (one a
    newer release saved) both read as None, so the engine's default applies."""
    if stored is None:
        return None
    try:
        return CueLevel(stored)
    except ValueError:
        return None


def _figures_over_all(reads: _Reads, cursor: Any, user_id: str) -> Figures | None:
    """A long history's figures, from SQL over every session of the user (figures.py)."""
    rows = reads.first_levels.all(cursor, {"user_id": user_id})
    levels = ((day, _levels(stored)) for stored, day in rows)
    days = reads.day_counts.all(cursor, {"user_id": user_id})
    return Figures.of_days(days, first_levels(levels))


def _record(row: tuple[Any, ...]) -> SessionRecord:
    _id, day, area, stretches, pain_reports, completed = row[:6]
    pain_stretch, feelings, stopped_for, levels = row[6:]
    return SessionRecord(
        day=day,
        area=area,
        stretches=tuple(json.loads(stretches)),
        pain_reports=pain_reports,
        completed=bool(completed),
        pain_stretch=pain_stretch,
        feelings=_feelings(feelings),
        stopped_for=stopped_for,
        levels=_levels(levels),
    )


def _levels(stored: str) -> tuple[tuple[str, int, int], ...]:
    """The JSON list of [stretch, hold, reps] as the record's levels ("[]": not parsed)."""
    if stored == "[]":
        return ()
    return tuple((str(stretch), int(hold), int(reps)) for stretch, hold, reps in json.loads(stored))


def _feelings(stored: str) -> tuple[tuple[str, str], ...]:
    """The JSON list of [stretch, feeling] pairs as the record's tuple of pairs. Most sessions
    (all those from before version 4) have none: a load builds up to 400 records, so the empty
    list is not parsed."""
    if stored == "[]":
        return ()
    return tuple((str(stretch), str(feeling)) for stretch, feeling in json.loads(stored))
