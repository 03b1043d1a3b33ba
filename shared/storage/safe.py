"""SafeStore: a store that never fails a conversation.

A database that is down, slow or broken costs the user their saved progress for this session, not
their session: every failure becomes one log line and a harmless answer.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from shared.profile import Profile
from shared.reply import Effect
from shared.storage.snapshot import Snapshot
from shared.storage.store import ProfileStore, SchemaError
from shared.storage.writes import Change

log = logging.getLogger(__name__)


# What a database can throw at us: driver and pool errors (wrapped by SQLAlchemy), a file system
# that refuses the SQLite file, a schema from the future, a missing driver, bad data.
FAILURES = (SQLAlchemyError, OSError, SchemaError, ImportError, ValueError)


def is_database_failure(error: Exception) -> bool:
    """FAILURES, or a driver's own error: SQLAlchemy wraps those, except when raised in an event
    hook, and they must not fail a conversation either. psycopg is looked up, not imported: if
    it was never loaded, it cannot have failed (and SQLite-only users do not pay its import)."""
    psycopg = sys.modules.get("psycopg")
    drivers = (sqlite3.Error, psycopg.Error) if psycopg is not None else (sqlite3.Error,)
    return isinstance(error, FAILURES + drivers)


T = TypeVar("T")

# Told of each failure the store absorbed: the operation ("open", "load" or "save") and the
# error. The skill counts them for its metrics, the tutor names the file; shared/ knows nothing
# of how they are kept.
FailureHook = Callable[[str, BaseException], object]
_OPERATIONS = {"loaded": "load", "saved": "save", "checked": "check"}


class SafeStore:
    """Wraps a ProfileStore (None when it could not be opened); `healthy` tells the last outcome."""

    def __init__(
        self,
        store: ProfileStore | None,
        logger: logging.Logger = log,
        on_failure: FailureHook | None = None,
    ) -> None:
        self.store = store
        self.log = logger
        self.healthy = store is not None
        self.on_failure = on_failure

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        timeout: float = 2.0,
        logger: logging.Logger = log,
        on_failure: FailureHook | None = None,
    ) -> SafeStore:
        """Open the store, or a SafeStore that saves nothing (and says so once) when it cannot."""
        try:
            return cls(ProfileStore.open(url, timeout=timeout), logger, on_failure)
        except Exception as error:
            if not is_database_failure(error):
                raise
            reason = brief(error)
            logger.warning("progress will not be saved: cannot open the database (%s)", reason)
            safe = cls(None, logger, on_failure)
            safe._failed("open", error)
            return safe

    def _run(self, action: str, call: Callable[[ProfileStore], T]) -> tuple[bool, T | None]:
        """(True, result) when the database answered; (False, None), logged, when it failed."""
        if self.store is None:
            return False, None
        try:
            result = call(self.store)
        except Exception as error:
            if not is_database_failure(error):
                raise  # a bug of ours: let the front end's own last resort deal with it
            self.healthy = False
            self.log.warning("progress not %s: database error (%s)", action, brief(error))
            self._failed(_OPERATIONS[action], error)
            return False, None
        self.healthy = True
        return True, result

    def _failed(self, operation: str, error: BaseException) -> None:
        """Tell the failure hook, if any; a hook that fails costs a log line, not the answer."""
        if self.on_failure is None:
            return
        try:
            self.on_failure(operation, error)
        except Exception:
            self.log.exception("the storage failure hook failed")

    def load(self, user_id: str) -> Profile | None:
        return self._run("loaded", lambda store: store.load(user_id))[1]

    def snapshot(self, user_id: str, known: Snapshot | None = None) -> Snapshot | None:
        """The user's profile now (see ProfileStore.snapshot); None when the database failed."""
        return self._run("loaded", lambda store: store.snapshot(user_id, known))[1]

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> bool:
        """True when saved; False (logged) when the database failed or none is configured."""
        return self.change(user_id, effects, today) is not None

    def change(self, user_id: str, effects: Iterable[Effect], today: date) -> Change | None:
        """The user's revisions around the write (see ProfileStore.change); None when not saved."""
        return self._run("saved", lambda store: store.change(user_id, effects, today))[1]

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def brief(error: BaseException) -> str:
    """The first line of an error: enough for a log line, without a driver's whole dump."""
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
