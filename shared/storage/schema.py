"""Tables and versioned migrations.

Each migration is applied once, in order, in the same transaction that records the new version, so
a server never sees half a schema; a database newer than this code is refused instead of misread.
Migrations spell out the schema of their own version (never today's `users`/`sessions` tables),
so a database created long ago and one created today end up identical.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
)

MIGRATION_LOCK_ID = 72010301  # a PostgreSQL advisory lock: one migrating server at a time

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("user_id", String(128), primary_key=True),
    Column("hold_seconds", Integer, nullable=True),
    Column("reps", Integer, nullable=True),
    Column("screened_on", Date, nullable=True),
    Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    Column("updated_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    Column("revision", String(32), nullable=True),  # new random token on every change (v3)
    Column("cue_level", String(16), nullable=True),  # a CueLevel value, NULL: never chosen (v5)
    Column("weekly_goal", Integer, nullable=True),  # sessions a week aimed for, NULL: none (v6)
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(128), ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("area", String(16), nullable=False),
    Column("stretches", Text, nullable=False),  # a JSON list of exercise ids
    Column("pain_reports", Integer, nullable=False, default=0),
    Column("completed", Boolean, nullable=False, default=False),
    Column("pain_stretch", String(64), nullable=True),  # the stretch that hurt last (v4)
    Column("feelings", Text, nullable=False, server_default="[]"),  # JSON [[stretch, feeling]]
    Column("stopped_for", String(16), nullable=True),  # "pain", "symptom" or NULL (v4)
    # JSON [[stretch, hold, reps]]: the level each stretch was done at (v6)
    Column("levels", Text, nullable=False, server_default="[]"),
    # The id of the change that wrote the session, so a retried write adds it only once (v7)
    Column("change_id", String(64), nullable=True),
)

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

SESSIONS_BY_USER_DAY = Index("sessions_user_day", sessions.c.user_id, sessions.c.day, sessions.c.id)
SESSIONS_BY_CHANGE = Index(
    "sessions_user_change", sessions.c.user_id, sessions.c.change_id, unique=True
)


def _v1_tables(connection: Connection) -> None:
    """Version 1 as it was first released: users and their sessions."""
    v1 = MetaData()
    Table(
        "users",
        v1,
        Column("user_id", String(128), primary_key=True),
        Column("hold_seconds", Integer, nullable=True),
        Column("reps", Integer, nullable=True),
        Column("screened_on", Date, nullable=True),
        Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp()),
        Column("updated_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    )
    Table(
        "sessions",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "user_id", String(128), ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False
        ),
        Column("day", Date, nullable=False),
        Column("area", String(16), nullable=False),
        Column("stretches", Text, nullable=False),
        Column("pain_reports", Integer, nullable=False),
        Column("completed", Boolean, nullable=False),
    )
    v1.create_all(connection, checkfirst=True)


def _v2_session_index(connection: Connection) -> None:
    """Loading a profile reads one user's latest sessions: index them by user and day."""
    SESSIONS_BY_USER_DAY.create(connection, checkfirst=True)


def _v3_user_revision(connection: Connection) -> None:
    """A token that changes with every write, so a server can tell in one primary-key lookup
    whether the profile it holds is still current (another server may have changed it).
    Safe to run again on a table that has the column (a schema_version rolled back by hand)."""
    if "revision" not in {column["name"] for column in inspect(connection).get_columns("users")}:
        connection.execute(text("ALTER TABLE users ADD COLUMN revision VARCHAR(32)"))
    connection.execute(text("UPDATE users SET revision = 'v3'"))  # differs from "no user"


# The columns version 4 adds to sessions, as that version defines them: what a session remembers
# so the next visit can mention the pain and screen again (issue 13).
_V4_SESSION_COLUMNS = (
    ("pain_stretch", "VARCHAR(64)"),
    ("feelings", "TEXT NOT NULL DEFAULT '[]'"),
    ("stopped_for", "VARCHAR(16)"),
)


def _v4_session_outcome(connection: Connection) -> None:
    """Sessions keep the stretch that hurt, how each stretch felt and why they were stopped.
    Existing sessions get NULL and no feelings, which read back as SessionRecord's defaults; the
    DEFAULT also serves servers of the previous release, still inserting sessions without the
    column during a rolling upgrade. Safe to run again on a table that has the columns."""
    present = {column["name"] for column in inspect(connection).get_columns("sessions")}
    for name, definition in _V4_SESSION_COLUMNS:
        if name not in present:
            connection.execute(text(f"ALTER TABLE sessions ADD COLUMN {name} {definition}"))


def _v5_user_cue_level(connection: Connection) -> None:
    """How much the coach says during a hold ("fewer cues", "more cues"), kept across sessions:
    a shared.events.CueLevel value, NULL for a user who never chose one (as every existing user
    reads back). Servers of the previous release neither read nor write it during a rolling
    upgrade: their upserts set only their own columns. Safe to run again on a table that has the
    column (a schema_version rolled back by hand)."""
    if "cue_level" not in {column["name"] for column in inspect(connection).get_columns("users")}:
        connection.execute(text("ALTER TABLE users ADD COLUMN cue_level VARCHAR(16)"))


def _v6_coaching_across_weeks(connection: Connection) -> None:
    """Coaching across weeks (issue 18): each session keeps the level (hold, repetitions) every
    stretch was done at, which progression reads back, and the user a weekly goal. Existing
    sessions get no levels (progression then takes them as done at the level it expects) and
    users no goal; the DEFAULT serves servers of the previous release, still inserting sessions
    without the column during a rolling upgrade. Safe to run again on tables that have them."""
    inspector = inspect(connection)
    if "levels" not in {column["name"] for column in inspector.get_columns("sessions")}:
        connection.execute(
            text("ALTER TABLE sessions ADD COLUMN levels TEXT NOT NULL DEFAULT '[]'")
        )
    if "weekly_goal" not in {column["name"] for column in inspector.get_columns("users")}:
        connection.execute(text("ALTER TABLE users ADD COLUMN weekly_goal INTEGER"))


def _v7_session_change_id(connection: Connection) -> None:
    """Writes that can be retried (issue 17): a session saved on a later turn, or once the
    database is back, carries the id of the change that made it, unique per user, so a retry
    after an answer that was lost never counts it twice. Existing sessions get NULL, which
    the unique index does not compare (NULLs are distinct in SQLite and PostgreSQL alike);
    servers of the previous release insert sessions without it. Safe to run again."""
    present = {column["name"] for column in inspect(connection).get_columns("sessions")}
    if "change_id" not in present:
        connection.execute(text("ALTER TABLE sessions ADD COLUMN change_id VARCHAR(64)"))
    connection.execute(
        text(
            "CREATE UNIQUE INDEX IF NOT EXISTS sessions_user_change "
            "ON sessions (user_id, change_id)"
        )
    )


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_tables,
    _v2_session_index,
    _v3_user_revision,
    _v4_session_outcome,
    _v5_user_cue_level,
    _v6_coaching_across_weeks,
    _v7_session_change_id,
)
LATEST_VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The database's schema is newer than this code understands."""


def current_version(connection: Connection) -> int:
    schema_version.create(connection, checkfirst=True)
    return connection.execute(select(func.max(schema_version.c.version))).scalar() or 0


def migrate(connection: Connection, target: int = LATEST_VERSION) -> int:
    """Bring the schema to `target` inside the caller's transaction; returns the version reached."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
    version = current_version(connection)
    if version > LATEST_VERSION:
        raise SchemaError(
            f"the database schema is version {version}, newer than this program knows "
            f"({LATEST_VERSION}); upgrade Back Stretch Coach"
        )
    for number in range(version + 1, target + 1):
        MIGRATIONS[number - 1](connection)
        connection.execute(schema_version.delete())
        connection.execute(schema_version.insert().values(version=number))
    return max(version, target)
