"""Lasting progress: the one part of `shared/` that does I/O (SQLite or PostgreSQL via SQLAlchemy).

Kept apart from the engine, which only describes effects; the skill and the tutor apply them here.
"""

from shared.storage.safe import SafeStore
from shared.storage.snapshot import Snapshot
from shared.storage.store import ProfileStore, SchemaError, default_sqlite_path
from shared.storage.writes import Change

__all__ = ["Change", "ProfileStore", "SafeStore", "SchemaError", "Snapshot", "default_sqlite_path"]
