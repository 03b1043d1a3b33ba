"""SafeStore: a store that never fails a conversation, and heals by itself.

A database that is down, slow or broken costs the user the saving of this turn, not their answer:
a failure becomes a log line and a harmless answer, and each call ends within its deadline
(deadline.py). The database is tried again lazily, with backoff (healing.py): a store that could
not be opened at start-up is opened on a later call once the database is back, so a worker
restarted during an outage does not go without a store for the rest of its life.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from shared.profile import Profile
from shared.reply import Effect
from shared.storage import deadline
from shared.storage.healing import FAILING, READY, UNAVAILABLE, Backoff, database_answered
from shared.storage.snapshot import Snapshot
from shared.storage.store import FileReplaced, ProfileStore, SchemaError
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
# Told of each change of SafeStore.state ("ready", "failing", "unavailable"): the skill shows it.
StateHook = Callable[[str], object]
_OPERATIONS = {"loaded": "load", "saved": "save", "checked": "check"}
MIN_CALL_SECONDS = 0.05  # less left of a turn's budget than this: the call is not started
STILL_FAILING_EVERY = 60.0  # seconds between log lines while the database stays away


class SafeStore:
    """Wraps a ProfileStore (None while it could not be opened); `healthy` tells the last
    outcome, `state` what a probe should report. `reopen` makes the store again (SafeStore.open
    passes one): without it, a store that is None stays so."""

    def __init__(
        self,
        store: ProfileStore | None,
        logger: logging.Logger = log,
        on_failure: FailureHook | None = None,
        *,
        reopen: Callable[[], ProfileStore] | None = None,
        timeout: float = 2.0,
        on_state: StateHook | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.log = logger
        self.healthy = store is not None
        self.on_failure = on_failure
        self.on_state = on_state
        self.reopen = reopen
        self.timeout = timeout  # the longest any one call may take (a turn's budget may cut it)
        self.backoff = Backoff(clock)
        self.clock = clock
        self._opening = threading.Lock()
        self._said_at: float | None = None  # when "still failing" was last logged
        self._state = READY if store is not None else UNAVAILABLE

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        timeout: float = 2.0,
        logger: logging.Logger = log,
        on_failure: FailureHook | None = None,
        on_state: StateHook | None = None,
    ) -> SafeStore:
        """Open the store within `timeout`; when it cannot be (said in the log), a SafeStore
        that saves nothing for now and opens it on a later call, once the database is back."""
        opened_before: list[bool] = []

        def reopen() -> ProfileStore:
            # Only the first opening makes a SQLite file's folder: one gone later (a volume
            # unmounted) is waited for, not made again empty where the volume was.
            store = ProfileStore.open(url, timeout=timeout, make_folder=not opened_before)
            opened_before.append(True)
            return store

        safe = cls(None, logger, on_failure, reopen=reopen, timeout=timeout, on_state=on_state)
        safe._state = ""  # not known yet: the hook hears the first state, whichever it is
        safe._open()
        return safe

    @property
    def state(self) -> str:
        """READY (the last call answered), FAILING (it did not; tried again after a pause) or
        UNAVAILABLE (no store: it could not be opened yet, or there is none to open)."""
        return self._state

    def retry_in(self) -> float:
        """Seconds until the database is tried again (0 while all is well)."""
        return self.backoff.retry_in()

    def _open(self) -> ProfileStore | None:
        """One attempt at opening the store, by one caller at a time; None when it failed."""
        if self.reopen is None or not self._opening.acquire(blocking=False):
            return None
        try:
            seconds = deadline.remaining(self.timeout)
            if seconds < MIN_CALL_SECONDS:
                self.backoff.reset()  # not tried: the next caller may
                return None
            started = self.clock()
            try:
                with deadline.call(seconds):
                    opened = self.reopen()
            except Exception as error:
                if not is_database_failure(error):
                    raise
                self._open_failed(error, self.clock() - started)
                return None
            self.store = opened
            if self.backoff.succeeded():
                self.log.warning("the database can be opened again: progress is saved again")
            self._said_at = None
            self._set_state(READY)
            self.healthy = True
            return opened
        finally:
            self._opening.release()

    def _open_failed(self, error: Exception, cost: float = 0.0) -> None:
        first = self.backoff.failures == 0
        pause = self.backoff.failed(cost)
        if first:
            self.log.warning(
                "progress not saved for now: cannot open the database (%s); trying again in "
                "%.2g s, and after longer pauses while it fails",
                brief(error),
                pause,
            )
            self._said_at = self.clock()
        else:
            self._say_still_failing(error)
        self.healthy = False
        self._set_state(UNAVAILABLE)
        self._failed("open", error)

    def _say_still_failing(self, error: BaseException) -> None:
        """A line a minute while the database stays away: a worker is never silently without."""
        now = self.clock()
        if self._said_at is None or now - self._said_at >= STILL_FAILING_EVERY:
            self._said_at = now
            self.log.warning(
                "the database still fails after %d attempts (%s); trying again in %.2g s",
                self.backoff.failures,
                brief(error),
                self.backoff.retry_in(),
            )

    def heal(self) -> ProfileStore | None:
        """The store, opened now if it is not and may be tried (the pause after the last
        attempt is over): for a probe that must not wait for traffic to heal the store."""
        if self.store is not None:
            return self.store
        return self._usable()

    def _usable(self) -> ProfileStore | None:
        """The store to call now: None while pausing after a failure, or when it cannot open."""
        if not self.backoff.may_try():
            return None
        if self.store is None:
            return self._open()
        return self.store

    def _run(self, action: str, call: Callable[[ProfileStore], T]) -> tuple[bool, T | None]:
        """(True, result) when the database answered; (False, None), logged, when it failed or
        is being left alone for a while after failing (see healing.py)."""
        for attempt in range(2):
            store = self._usable()
            if store is None:
                return False, None
            seconds = deadline.remaining(self.timeout)
            if seconds < MIN_CALL_SECONDS:
                self.backoff.reset()  # the turn's budget is spent, not the database
                return False, None
            started = self.clock()
            try:
                with deadline.call(seconds):
                    result = call(store)
            except FileReplaced as error:  # SQLite: the file was replaced or deleted
                self.log.error("%s: reopening it", error)
                self._drop(store)
                if attempt == 0:
                    continue  # once, on the file now at that path
                self._call_failed(action, error, self.clock() - started)
                return False, None
            except Exception as error:
                if not is_database_failure(error):
                    raise  # a bug of ours: let the front end's own last resort deal with it
                self._call_failed(action, error, self.clock() - started)
                return False, None
            self._call_succeeded()
            return True, result
        return False, None  # not reached: the second attempt returns

    def _drop(self, store: ProfileStore) -> None:
        """Close `store` and open anew at once (its file is no longer the one at its path)."""
        if self.store is store:
            self.store = None
        store.close_replaced()
        self.backoff.reset()

    def _call_failed(self, action: str, error: Exception, cost: float = 0.0) -> None:
        self.healthy = False
        if database_answered(error):  # a lock not taken in time: this call, not the store
            self.log.warning("progress not %s: database error (%s)", action, brief(error))
            self.backoff.succeeded()  # the database is there: no pause for the others
        else:
            first = self.backoff.failures == 0
            self.backoff.failed(cost)
            if first:
                self.log.warning("progress not %s: database error (%s)", action, brief(error))
                self._said_at = self.clock()
            else:
                self._say_still_failing(error)
            self._set_state(FAILING)
        self._failed(_OPERATIONS[action], error)

    def _call_succeeded(self) -> None:
        self.healthy = True
        if self.backoff.succeeded():
            self.log.warning("the database answers again: progress is saved again")
        self._said_at = None
        self._set_state(READY)

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:
                self.log.exception("the storage state hook failed")

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

    def change(
        self,
        user_id: str,
        effects: Iterable[Effect],
        today: date,
        change_id: str | None = None,
    ) -> Change | None:
        """The user's revisions around the write (see ProfileStore.change); None when not saved.
        A `change_id` makes the write idempotent: written again, it counts nothing twice."""
        effects = list(effects)
        return self._run(
            "saved", lambda store: store.change(user_id, effects, today, change_id=change_id)
        )[1]

    def close(self) -> None:
        self.reopen = None  # closed for good: nothing to heal
        if self.store is not None:
            self.store.close()


def brief(error: BaseException) -> str:
    """The first line of an error: enough for a log line, without a driver's whole dump."""
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
