"""GET /readyz: whether this instance should be sent traffic, which means its store answers.

/healthz says the process is alive; /readyz asks the store a trivial query (the schema version)
within a short deadline, so a load balancer or Kubernetes can route around an instance whose
database is away while it keeps answering what it can. The caller learns a short, stable reason;
the detail goes to the log, once per change between ready and not ready.

The query runs in a thread of its own: a database that hangs past the deadline makes /readyz
answer 503 in time, and later checks wait for that same query instead of piling up new ones; the
query itself ends at twice the deadline (shared/storage/deadline.py). A store that could not be
opened is tried again by the probe too (within SafeStore's backoff): an instance taken out of
traffic for it still heals, and comes back, once its database does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from shared.storage import ProfileStore, SafeStore, deadline
from shared.storage.safe import brief
from shared.storage.schema import schema_version

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 1.0
NO_STORE = "none"
# What a caller is told: one short phrase per case, stable across versions.
STORE_NOT_OPENED = "store could not be opened"
STORE_FAILED = "store query failed"
STORE_TOO_SLOW = "store did not answer in time"

Readiness = tuple[int, dict[str, Any]]


def query_schema_version(store: ProfileStore) -> None:
    """The trivial query: it reads the database file or server (SELECT 1 would not, on SQLite)."""
    with store.engine.connect() as connection:
        connection.execute(select(schema_version.c.version)).first()


class _Attempt:
    """One check running in a daemon thread (a hung one must not keep the process alive)."""

    def __init__(self, check: Callable[[], None]) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None
        threading.Thread(target=self._run, args=(check,), name="readyz", daemon=True).start()

    def _run(self, check: Callable[[], None]) -> None:
        try:
            check()
        except BaseException as error:
            self.error = error
        finally:
            self.done.set()


class ReadinessProbe:
    """Answers /readyz for one endpoint's store (`None`: the app was configured without one)."""

    def __init__(
        self,
        store: SafeStore | None,
        *,
        deadline: float = DEADLINE_SECONDS,
        check: Callable[[ProfileStore], None] = query_schema_version,
    ) -> None:
        self.store = store
        self.deadline = deadline
        self.check = check
        self._lock = threading.Lock()
        self._attempt: _Attempt | None = None
        self._was_ready = True

    def probe(self) -> Readiness:
        if self.store is None:  # configured so: the skill answers, remembering nothing
            return 200, {"status": "ready", "store": NO_STORE}
        opened = self.store.store
        if opened is None:
            opened = self._reopened(self.store)
        if opened is None:
            retry = self.store.retry_in()
            return self._not_ready(STORE_NOT_OPENED, f"not opened yet; next try in {retry:.1f} s")
        name = opened.engine.dialect.name
        attempt = self._current_attempt(opened)
        if not attempt.done.wait(self.deadline):
            return self._not_ready(STORE_TOO_SLOW, f"no answer within {self.deadline:g} s", name)
        if attempt.error is not None:
            return self._not_ready(STORE_FAILED, brief(attempt.error), name)
        if not self._was_ready:
            log.info("ready again: the store answers")
            self._was_ready = True
        return 200, {"status": "ready", "store": name}

    def _current_attempt(self, store: ProfileStore) -> _Attempt:
        """The check still running, or a new one."""
        with self._lock:
            if self._attempt is None or self._attempt.done.is_set():
                self._attempt = _Attempt(lambda: self._bounded_check(store))
            return self._attempt

    def _bounded_check(self, store: ProfileStore) -> None:
        with deadline.call(2 * self.deadline):
            self.check(store)

    def _reopened(self, store: SafeStore) -> ProfileStore | None:
        """The store opened now, if its backoff allows an attempt, within the deadline."""
        with deadline.turn(self.deadline):
            return store.heal()

    def _not_ready(self, reason: str, detail: str, store: str | None = None) -> Readiness:
        if self._was_ready:
            log.warning("not ready: %s (%s)", reason, detail)
            self._was_ready = False
        named = {"store": store} if store is not None else {}
        return 503, {"status": "not ready", **named, "reason": reason}
