"""A database that is slow costs a turn at most one timeout: after a failed call the store leaves
the database alone for a pause (shared/storage/healing.py), so the turn's save gives up at once
instead of paying the timeout again, and the next attempt comes after the pause."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from storage_helpers import record

from shared.profile import Profile
from shared.reply import RecordSession
from shared.storage import Change, SafeStore, Snapshot
from shared.storage.healing import FIRST_PAUSE
from skill.dialogs.requests import RequestFactory, Session
from skill.persistence import SqlProfiles


class SlowStore:
    """Stands in for a ProfileStore whose every statement hits the statement timeout (or works,
    once `working` is set); counts the calls that would each have cost a timeout."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.loads = 0  # snapshots built afresh rather than confirmed
        self.working = False

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if not self.working:
            raise TimeoutError("canceling statement due to statement timeout")

    def snapshot(self, user_id: str, known: Snapshot | None = None) -> Snapshot:
        self._call("snapshot")
        if known is not None and known.revision == "r1":
            return known
        self.loads += 1
        return Snapshot(Profile(sessions=(record(),)), "r1", datetime(2026, 1, 1), 1)

    def change(
        self, user_id: str, effects: Any, today: date, change_id: str | None = None
    ) -> Change:
        self._call("change")
        return Change("r1", "r2")

    def close(self) -> None:
        pass


def _envelope() -> RequestEnvelope:
    raw = RequestFactory().launch(Session())
    return DefaultSerializer().deserialize(json.dumps(raw), "ask_sdk_model.RequestEnvelope")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_database_costs_a_turn_one_call_then_is_left_alone_for_a_pause() -> None:
    slow, clock = SlowStore(), Clock()
    adapter = SqlProfiles(SafeStore(slow, clock=clock))  # type: ignore[arg-type]
    envelope = _envelope()
    assert adapter.load(envelope) is None
    assert slow.calls == ["snapshot"]
    adapter.apply(envelope, [RecordSession(record())])
    assert slow.calls == ["snapshot"]  # the same turn's save: not tried, the database failed
    clock.now += FIRST_PAUSE
    adapter.apply(envelope, [RecordSession(record())])
    assert slow.calls == ["snapshot", "change"]  # after the pause: one attempt
    adapter.apply(envelope, [RecordSession(record())])
    assert slow.calls == ["snapshot", "change"]  # failed again: a longer pause
    clock.now += FIRST_PAUSE
    adapter.apply(envelope, [RecordSession(record())])
    assert slow.calls == ["snapshot", "change"]
    clock.now += FIRST_PAUSE
    slow.working = True
    adapter.apply(envelope, [RecordSession(record())])
    assert slow.calls == ["snapshot", "change", "change"]  # and back


def test_a_session_goes_on_from_memory_while_the_database_is_slow() -> None:
    slow, clock = SlowStore(), Clock()
    slow.working = True
    adapter = SqlProfiles(SafeStore(slow, clock=clock))  # type: ignore[arg-type]
    envelope = _envelope()
    first = adapter.load(envelope)
    assert slow.calls == ["snapshot"] and slow.loads == 1
    slow.working = False
    assert adapter.load(envelope) == first  # from memory, one call tried
    assert slow.calls == ["snapshot", "snapshot"]
    assert adapter.load(envelope) == first  # from memory, none tried during the pause
    assert slow.calls == ["snapshot", "snapshot"]
    slow.working = True
    clock.now += FIRST_PAUSE
    assert adapter.load(envelope) == first  # same revision: no load
    assert slow.calls == ["snapshot"] * 3 and slow.loads == 1
