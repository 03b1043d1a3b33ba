"""Work not saved yet: a change that could not be written, kept until it can be.

A change is one reply's effects for one user, with the day they were made (a screening is dated
with it, not with the day of the retry) and an id, which the store keeps with each session it
writes (schema v7), so a change written twice (its first answer lost on the way back) is counted
once. Changes travel where the front end can keep them: the voice skill carries them in the
session's attributes from turn to turn, and a Journal keeps those a session could not carry (it
ended) and the tutor's, in a small file, until the database takes them.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from shared.reply import Effect
from shared.storage.codec import effects_from_json, effects_to_json

log = logging.getLogger(__name__)

MAX_JOURNAL_ENTRIES = 100_000  # beyond this a journal keeps no more (said in the log)


@dataclass(frozen=True, slots=True)
class PendingChange:
    """One reply's effects for a user, not saved yet."""

    change_id: str
    day: date
    effects: tuple[Effect, ...]

    @classmethod
    def new(cls, effects: Sequence[Effect], day: date) -> PendingChange:
        return cls(uuid.uuid4().hex, day, tuple(effects))

    def to_json(self) -> dict[str, Any]:
        return {"id": self.change_id, "day": self.day.isoformat(), "effects": self.effects_json()}

    def effects_json(self) -> list[dict[str, Any]]:
        return effects_to_json(self.effects)

    @classmethod
    def from_json(cls, data: Any) -> PendingChange:
        """Decode one change; ValueError for anything malformed (it is dropped, never half-read)."""
        if not isinstance(data, dict):
            raise ValueError("a pending change must be an object")
        change_id, day = data.get("id"), data.get("day")
        if not isinstance(change_id, str) or not change_id or len(change_id) > 60:
            raise ValueError("a pending change needs an id")
        if not isinstance(day, str):
            raise ValueError("a pending change needs a day")
        return cls(change_id, date.fromisoformat(day), tuple(effects_from_json(data["effects"])))


def decode_all(items: Any) -> list[PendingChange]:
    """What a session carried, the malformed entries left out (logged): a client may send
    anything back in its attributes."""
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        try:
            found.append(PendingChange.from_json(item))
        except (KeyError, TypeError, ValueError) as error:
            log.warning("a pending change was dropped: %s", error)
    return found


# Saves one user's change; True when the database took it.
Saver = Callable[[str, PendingChange], bool]


class Journal:
    """Changes for any user, kept in a file of JSON lines until the database takes them.

    Several processes share the file: each addition appends one line under an exclusive lock,
    and one process at a time replays it (a second lock, not waited for). What was replayed is
    removed by rewriting the file under the first lock, so additions meanwhile are kept. Should
    the file itself fail (a full disk, a read-only folder), changes are kept in memory instead,
    until this process ends or the file takes them again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._memory: list[tuple[str, PendingChange]] = []
        self._lock = threading.Lock()
        self._file_failed = False

    def add(self, user: str, change: PendingChange) -> None:
        line = json.dumps({"user": user, **change.to_json()}, separators=(",", ":")) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked(), open(self.path, "a", encoding="utf-8") as journal:
                journal.write(line)
                journal.flush()
            self._file_failed = False
        except OSError as error:
            with self._lock:
                self._memory.append((user, change))
            if not self._file_failed:
                self._file_failed = True
                log.error(
                    "cannot write the journal of unsaved work %s (%s): kept in memory instead",
                    self.path,
                    error,
                )

    def pending(self) -> bool:
        """Whether anything waits (cheap: one stat): a caller replays only then."""
        if self._memory:
            return True
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def count(self) -> int:
        return len(self.entries())

    def entries(self) -> list[tuple[str, PendingChange]]:
        """Every waiting change with its user, in order (those kept in memory first)."""
        with self._lock:
            waiting = list(self._memory)
        return [*waiting, *self._read()]

    def replay(self, save: Saver, only: str | None = None) -> int:
        """Hand each waiting change to `save`, in order, until one fails; the ones it took are
        removed. Returns how many were saved. Another process replaying: nothing done here.
        With `only`, that user's changes alone (a gateway that can write for the user of the
        request in hand only, as ask-sdk's persistence adapters can); the others are kept."""
        with self._replaying() as mine:
            if not mine:
                return 0
            saved = self._replay_memory(save, only)
            entries = [(u, c) for u, c in self._read() if only is None or u == only]
            done: set[str] = set()
            for user, change in entries:
                if not save(user, change):
                    break
                done.add(change.change_id)
            if done:
                self._remove(done)
            return saved + len(done)

    def _replay_memory(self, save: Saver, only: str | None = None) -> int:
        with self._lock:
            waiting = [(u, c) for u, c in self._memory if only is None or u == only]
            self._memory = [(u, c) for u, c in self._memory if only is not None and u != only]
        for number, (user, change) in enumerate(waiting):
            if not save(user, change):
                with self._lock:
                    self._memory[:0] = waiting[number:]
                return number
        return len(waiting)

    def _read(self) -> list[tuple[str, PendingChange]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        entries = []
        for line in lines[:MAX_JOURNAL_ENTRIES]:
            try:
                data = json.loads(line)
                entries.append((str(data["user"]), PendingChange.from_json(data)))
            except (KeyError, TypeError, ValueError) as error:
                log.warning("a malformed line of %s was dropped: %s", self.path, error)
        return entries

    def _remove(self, done: set[str]) -> None:
        """Rewrite the file without the changes in `done` (kept: what was added meanwhile)."""
        try:
            with self._locked():
                kept = [
                    line
                    for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True)
                    if _change_id(line) not in (done | {None})  # malformed lines go too
                ]
                fresh = self.path.with_name(self.path.name + ".new")
                fresh.write_text("".join(kept), encoding="utf-8")
                os.replace(fresh, self.path)
        except OSError as error:  # kept in the file: saved again later, counted once (ids)
            log.warning("cannot shorten the journal %s (%s)", self.path, error)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(str(self.path) + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    @contextmanager
    def _replaying(self) -> Iterator[bool]:
        try:
            lock = open(str(self.path) + ".replay", "a")  # noqa: SIM115 (held for the block)
        except OSError:
            yield bool(self._memory)
            return
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True


def _change_id(line: str) -> str | None:
    try:
        found = json.loads(line).get("id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None
