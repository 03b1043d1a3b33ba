"""When to try a failing database again: backoff, one attempt at a time, and whether an error
says the database is away at all.

A store whose database is down is tried again lazily, on a later call, never in a loop of its
own: after a failure the next attempt waits FIRST_PAUSE, doubling up to MAX_PAUSE, and while it
waits every call gives up at once (the turn answers without saving, quickly). When the wait is
over one caller, and only one, tries; the others go on giving up until it has an answer. So a
worker whose database is away spends at most one call's budget per pause on it, and is never
left without a store for good: the first attempt after the database is back succeeds.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from collections.abc import Callable

FIRST_PAUSE = 0.25  # seconds
MAX_PAUSE = 5.0
COST_SHARE = 2.0  # a pause lasts at least this many times what the failed attempt took
READY, FAILING, UNAVAILABLE = "ready", "failing", "unavailable"  # SafeStore.state


class Backoff:
    """Tells callers whether they may try the database now; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures = 0  # consecutive failed attempts
        self.next_try = 0.0
        self._probing = False
        self._lock = threading.Lock()

    def may_try(self) -> bool:
        """True when all is well, or when the pause is over and nobody else is trying."""
        with self._lock:
            if self.failures == 0:
                return True
            if self._probing or self.clock() < self.next_try:
                return False
            self._probing = True
            return True

    def succeeded(self) -> bool:
        """Record an answer; True when it ends a run of failures (the database is back)."""
        with self._lock:
            was_failing = self.failures > 0
            self.failures, self._probing = 0, False
            return was_failing

    def failed(self, cost: float = 0.0) -> float:
        """Record a failure that took `cost` seconds; the pause before the next attempt. Calls
        that were already under way when the first one failed do not lengthen the pause: only
        attempts made after it. The pause is at least twice what the failure cost: a sync worker
        queues requests behind a call that waits for its deadline, and those must not find the
        pause over and pay a deadline of their own on top of their wait."""
        with self._lock:
            now = self.clock()
            if self.failures == 0 or self._probing or now >= self.next_try:
                self.failures += 1
            self._probing = False
            doubling = FIRST_PAUSE * 2.0 ** (self.failures - 1)
            pause = min(MAX_PAUSE, max(doubling, COST_SHARE * cost))
            self.next_try = now + pause
            return pause

    def retry_in(self) -> float:
        """Seconds until the next attempt is allowed (0: now)."""
        with self._lock:
            return 0.0 if self.failures == 0 else max(0.0, self.next_try - self.clock())

    def reset(self) -> None:
        """Allow an attempt at once (the store was just replaced)."""
        with self._lock:
            self.next_try, self._probing = 0.0, False


def database_answered(error: BaseException) -> bool:
    """The database is there and refused this one call: a constraint, bad data, a statement it
    does not know. Such a failure starts no backoff. Anything else says the database cannot
    serve now and is best left alone for a while: refused, reset or silent connections, a
    timeout (a lock not taken in time, a statement too slow), a file that cannot be opened or
    written, a full disk, a server shutting down."""
    found = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    if isinstance(found, sqlite3.Error):
        return getattr(found, "sqlite_errorcode", sqlite3.SQLITE_ERROR) & 0xFF not in FILE_AWAY
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(found, psycopg.Error):
        state = found.sqlstate  # set only for what the server itself answered
        return state is not None and state[:2] not in SERVER_AWAY
    return isinstance(found, ValueError | TypeError)


# SQLite's primary result codes that mean the file cannot be used now: busy or locked past the
# lock wait, I/O, cannot open, read-only, full, corrupt, not a database, refused by the OS, a
# call interrupted at its deadline.
FILE_AWAY = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_INTERRUPT,
    }
)
# SQLSTATE classes that mean the server cannot serve now: connection exceptions, insufficient
# resources (a full disk), operator intervention (a statement timeout, a shutdown), system and
# internal errors.
SERVER_AWAY = frozenset({"08", "53", "57", "58", "XX"})
