"""SafeStore: a store that never fails a conversation.

A database that is down, slow or broken costs the user their saved progress for this session, not
their session: every failure becomes one log line and a harmless answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from shared.profile import Profile
from shared.reply import Effect
from shared.storage.store import ProfileStore, SchemaError

log = logging.getLogger(__name__)
FAILURES = (SQLAlchemyError, OSError, SchemaError, ValueError)


class SafeStore:
    """Wraps a ProfileStore (None when it could not be opened); `healthy` tells the last outcome."""

    def __init__(self, store: ProfileStore | None, logger: logging.Logger = log) -> None:
        self.store = store
        self.log = logger
        self.healthy = store is not None

    @classmethod
    def open(cls, url: str | None = None, *, timeout: float = 2.0) -> SafeStore:
        try:
            return cls(ProfileStore.open(url, timeout=timeout))
        except FAILURES as error:
            log.warning("progress will not be saved: cannot open the database (%s)", _brief(error))
            return cls(None)

    def _failed(self, action: str, error: Exception) -> None:
        self.healthy = False
        self.log.warning("progress not %s: database error (%s)", action, _brief(error))

    def load(self, user_id: str) -> Profile | None:
        if self.store is None:
            return None
        try:
            profile = self.store.load(user_id)
        except FAILURES as error:
            self._failed("loaded", error)
            return None
        self.healthy = True
        return profile

    def apply(self, user_id: str, effects: Iterable[Effect], today: date) -> bool:
        """True when saved; False (logged) when the database failed or none is configured."""
        if self.store is None:
            return False
        try:
            self.store.apply(user_id, effects, today)
        except FAILURES as error:
            self._failed("saved", error)
            return False
        self.healthy = True
        return True

    def delete(self, user_id: str) -> bool:
        if self.store is None:
            return False
        try:
            self.store.delete(user_id)
        except FAILURES as error:
            self._failed("deleted", error)
            return False
        return True

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _brief(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
