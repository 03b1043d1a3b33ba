"""Benchmark 1, second part: what a user's stored history costs each request, in-process.

The same neck routine is answered for a new user and for users with 10 and 400 stored sessions
(a year of daily use is about what a load reads, MAX_SESSIONS_LOADED), each replayed in a loop on
the whole unsigned path with SQLite. A new user stays new: each replay of the routine is sent as
another user, so every one of them is greeted, screened and recorded as a first-timer is. The
returning users' screening is due, so their routine asks the same questions. Each finished
routine is recorded, as in real use, so the returning users' histories stay at their size (a
load keeps the latest 400). Target: at 400 sessions at most 10% above a new user's.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import LoadWatch, OtherLoad, judged, other_load_now, per_call_seconds, table
from bench.conversation import conversation_requests
from shared.profile import SessionRecord
from shared.reply import RecordSession
from skill.app import AlexaEndpoint
from skill.config import SkillConfig
from skill.persistence import user_key
from skill.testing import NOW

HISTORIES = (0, 10, 400)
TARGET_SHARE = 1.10
NEW_USER = "amzn1.ask.account.HISTORY-NEW-000000"


def _seed(endpoint: AlexaEndpoint, user_id: str, sessions: int) -> None:
    """`sessions` daily sessions up to yesterday, neck twice as often as the lower back."""
    today = NOW.date()
    effects = [
        RecordSession(
            SessionRecord(
                day=today - timedelta(days=sessions - n),
                area="lower_back" if n % 3 == 0 else "neck",
                stretches=("chin_tuck", "neck_side_bend"),
                completed=True,
            )
        )
        for n in range(sessions)
    ]
    assert endpoint.store is not None
    assert endpoint.store.change(user_key(user_id), effects, today) is not None


def _routine(endpoint: AlexaEndpoint, user_id: str) -> list[bytes]:
    def answer(request: dict[str, Any]) -> dict[str, Any]:
        return endpoint.answer({}, json.dumps(request).encode())[1]

    requests = conversation_requests(answer, user_id=user_id, clock=lambda: NOW)
    return [json.dumps(request).encode() for request in requests]


def _replay(endpoint: AlexaEndpoint, bodies: list[bytes], fresh_user: bool) -> Callable[[], None]:
    """One request a call, the routine over and over; as a new user each time if asked."""
    turns = itertools.cycle(range(len(bodies)))
    replays = itertools.count(1)
    current = bodies

    def call() -> None:
        nonlocal current
        turn = next(turns)
        if fresh_user and turn == 0:
            user = f"{NEW_USER[:-6]}{next(replays):06d}".encode()
            current = [body.replace(NEW_USER.encode(), user) for body in bodies]
        endpoint.answer({}, current[turn])

    return call


def measure(folder: Path) -> dict[int, float]:
    """Seconds per request by stored sessions (0: a new user)."""
    config = SkillConfig(
        verify=False, database_url=f"sqlite:///{folder / 'history.sqlite3'}", clock=lambda: NOW
    )
    endpoint = AlexaEndpoint(config)
    found = {}
    for sessions in HISTORIES:
        user = NEW_USER if sessions == 0 else f"amzn1.ask.account.HISTORY-{sessions}"
        if sessions:
            _seed(endpoint, user, sessions)
        bodies = _routine(endpoint, user)
        found[sessions] = per_call_seconds(_replay(endpoint, bodies, fresh_user=sessions == 0))
    return found


def report() -> None:
    before = other_load_now()
    watch = LoadWatch()
    with tempfile.TemporaryDirectory() as folder:
        found = measure(Path(folder))
    during: OtherLoad = watch.other()
    new = found[0]
    rows = [
        [
            "new user" if sessions == 0 else f"{sessions} stored sessions",
            f"{seconds * 1e3:.3f} ms",
            f"{seconds / new:.2f}x",
        ]
        for sessions, seconds in found.items()
    ]
    print("Benchmark 1, by history: in-process cost per request of the same routine")
    print(f"other load: {before} before the run, {during} during it")
    print(table(["user", "per request", "ratio"], rows))
    share = found[400] / new
    ok = judged(share <= TARGET_SHARE, [before, during])
    print(f"400 sessions: {share - 1:+.0%} on a new user's (target at most +10%) -> {ok}")


if __name__ == "__main__":
    report()
