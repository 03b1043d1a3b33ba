"""Deadlines on database calls: a turn's time budget, and a watchdog that ends a call past it.

A database that accepts connections and never answers is worse than one that is down: nothing in
the driver times out (PostgreSQL's statement_timeout never reaches a server that does not read,
and the pool's ping waits for ever), so every worker freezes and Alexa gives up after 8 s. Here
each store call runs inside `call(seconds)`: the pool attaches the connection in use (see
engines.py), and once the deadline passes the watchdog shuts that connection's socket, so the
blocked call fails at once with the driver's own error and the connection is dropped. A turn's
calls share one budget (`turn`), so a stalled database costs a turn at most TURN_BUDGET seconds.

Standard library only, and cheap: arming a call is a dict insert under a lock; the watchdog is one
daemon thread per process, started on first use, waking every TICK seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import TypeVar

TURN_BUDGET = 1.5  # seconds of database time a turn may spend, well under Alexa's 8 s
TICK = 0.05  # how late past its deadline a call may be ended
Kill = Callable[[], object]
T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    """A database call ran out of its time (raised where no driver error could say so)."""


class Call:
    """One armed call: its deadline and the connections it is using right now."""

    __slots__ = ("_lock", "_using", "deadline", "expired")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self._using: dict[int, Kill] = {}
        self._lock = threading.Lock()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def attach(self, key: int, kill: Kill) -> None:
        """The call now uses the connection `key`; `kill` ends whatever it is waiting for. Past
        the deadline already (a slow pool checkout), the call fails here instead."""
        with self._lock:
            if not self.expired:
                self._using[key] = kill
                return
        raise DeadlineExceeded("the database call ran out of time")

    def detach(self, key: int) -> None:
        with self._lock:
            self._using.pop(key, None)

    def expire(self) -> None:
        """Called by the watchdog: end every wait of the call (a kill that fails is ignored)."""
        with self._lock:
            self.expired = True
            kills, self._using = list(self._using.values()), {}
        for kill in kills:
            with suppress(Exception):  # the socket is already gone: nothing left to end
                kill()


_TURN: ContextVar[float | None] = ContextVar("backstretch_turn_deadline", default=None)
_CALL: ContextVar[Call | None] = ContextVar("backstretch_db_call", default=None)


@contextmanager
def turn(seconds: float = TURN_BUDGET) -> Iterator[None]:
    """Every store call inside shares `seconds` (an enclosing turn's earlier deadline wins)."""
    deadline = time.monotonic() + seconds
    outer = _TURN.get()
    token = _TURN.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _TURN.reset(token)


def remaining(default: float) -> float:
    """Seconds a call may take now: what is left of the turn, else `default` outside a turn."""
    deadline = _TURN.get()
    if deadline is None:
        return default
    return min(default, deadline - time.monotonic())


def current() -> Call | None:
    """The call under way in this thread (None outside one)."""
    return _CALL.get()


def time_left() -> float | None:
    """Seconds left to the current call (None outside one): for waits that take a timeout."""
    found = _CALL.get()
    return None if found is None else found.left()


@contextmanager
def call(seconds: float) -> Iterator[Call]:
    """Run a database call that must end within `seconds`."""
    armed = Call(time.monotonic() + seconds)
    _WATCHDOG.watch(armed)
    token = _CALL.set(armed)
    try:
        yield armed
    finally:
        _CALL.reset(token)
        _WATCHDOG.forget(armed)


def bounded(work: Callable[[], T], seconds: float, discard: Callable[[T], object]) -> T:
    """work() within `seconds`, run in a thread of its own; a result that comes too late is
    handed to `discard` (a connection closed). For waits the watchdog cannot reach, such as
    psycopg's connect, whose own timeout is whole seconds and at least 2."""
    if seconds <= 0:
        raise DeadlineExceeded("the database did not answer in time")
    done = threading.Event()
    lock = threading.Lock()
    outcome: list[T] = []
    failure: list[BaseException] = []
    gave_up: list[bool] = []

    def run() -> None:
        try:
            result = work()
        except BaseException as error:
            with lock:
                failure.append(error)
            done.set()
            return
        with lock:
            kept = not gave_up
            if kept:
                outcome.append(result)
        done.set()
        if not kept:
            discard(result)

    threading.Thread(target=run, name="db-connect", daemon=True).start()
    done.wait(seconds)
    with lock:
        if not outcome and not failure:
            gave_up.append(True)
            raise DeadlineExceeded(f"no connection within {seconds:.2f} s")
    if failure:
        raise failure[0]
    return outcome[0]


class _Watchdog:
    """Ends calls past their deadline; one daemon thread, (re)started on first use in a process
    (a thread does not survive a fork: a gunicorn worker started from a preloaded app)."""

    def __init__(self) -> None:
        self._calls: dict[int, Call] = {}
        self._lock = threading.Lock()
        self._pid = 0

    def watch(self, armed: Call) -> None:
        with self._lock:
            self._calls[id(armed)] = armed
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="db-watchdog", daemon=True).start()

    def forget(self, armed: Call) -> None:
        with self._lock:
            self._calls.pop(id(armed), None)

    def _run(self) -> None:
        while True:
            time.sleep(TICK)
            now = time.monotonic()
            with self._lock:
                due = [armed for armed in self._calls.values() if armed.deadline <= now]
                for armed in due:
                    del self._calls[id(armed)]
            for armed in due:
                armed.expire()


_WATCHDOG = _Watchdog()
