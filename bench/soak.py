"""The soak: mixed dialogs from many simulated users against gunicorn with PostgreSQL.

Pass: zero 5xx answers and every session that did a stretch recorded in the database.
Run: python -m bench.soak --minutes 10 --database-url postgresql://postgres@127.0.0.1:5432/test
(the tables go in a fresh schema, dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.loadgen import post
from bench.pg import fresh_schema
from bench.servers import gunicorn
from shared.storage import ProfileStore
from skill.dialogs.requests import RequestFactory, Session
from skill.persistence import user_key

# Each script is what one user says in one session; "records" says whether it saves a session.
# The safety screen and the question about last time's pain come up when the user's history calls
# for them, so the simulated user answers those as they come ("no" warning signs; the pain is
# better; no more tips), and then says the script; "warning sign" answers the screen itself.
# A set is counted once the user answers after it (a stop right after it may have cut it short),
# so the scripts that stop say how the stretch felt first.
SCRIPTS: dict[str, tuple[list[str], bool]] = {
    "neck, start to finish": (
        ["neck", "no", "ready", "continue", "ready", "yes", "continue"],
        True,
    ),
    "lower back, pause and resume": (
        ["lower back", "no", "ready", "pause", "resume", "continue", "that felt good", "stop"],
        True,
    ),
    "one stretch, then stop": (["both", "yes", "ready", "that felt good", "stop"], True),
    "pain twice": (["neck", "no", "ready", "it hurts", "yes", "it hurts"], True),
    "warning sign": (["yes"], False),
    "help and leave": (["help", "no", "help", "cancel"], False),
}
ANSWERS_SCREEN_ITSELF = {"warning sign"}
# Questions the simulated user answers whenever they are asked (by the engine's phase).
STANDING_ANSWERS = {
    "screen": "no",
    "screen_urgent": "no",
    "screen_neck": "no",
    "tips_more": "no",
    "pain_memory": "yes",
}


@dataclass
class SoakResult:
    statuses: Counter[int] = field(default_factory=Counter)
    conversations: Counter[str] = field(default_factory=Counter)
    expected_records: Counter[str] = field(default_factory=Counter)  # user key -> sessions
    failures: int = 0


class SimulatedSession:
    """One session of a simulated user, answer by answer, with no I/O of its own: the soak
    posts over HTTP, the fault benchmark times each turn, a test drives an app in threads, and
    all of them ask this for the next request. `records` says, once it is over, whether it
    leaves a record, as the conversation shows (see `records`)."""

    def __init__(self, user: str, script: list[str], *, standing: bool = True) -> None:
        self.factory, self.session, self.words = (
            RequestFactory(user_id=user),
            Session(),
            iter(script),
        )
        self.standing = standing
        self.state: dict[str, Any] = {}
        self.records = False
        self.request: dict[str, Any] | None = self.factory.launch(self.session)

    def answered(self, answer: dict[str, Any]) -> dict[str, Any] | None:
        """The user's next request after the skill's `answer`; None once the session is over."""
        ended = bool(answer.get("response", {}).get("shouldEndSession"))
        self.session.after(answer, ended)
        said = (_standing_answer(answer) if self.standing else None) or next(self.words, None)
        if ended or said is None:
            self.records, self.request = ended and records(self.state, answer), None
            return None
        self.state = (answer.get("sessionAttributes") or {}).get("engine") or {}
        self.request = self.factory.utterance(self.session, said)
        return self.request


def session_for(user: str, chooser: random.Random) -> tuple[str, SimulatedSession]:
    """The next dialog of `user`: a script picked at random, its name and its session."""
    name = chooser.choice(list(SCRIPTS))
    standing = name not in ANSWERS_SCREEN_ITSELF
    return name, SimulatedSession(user, SCRIPTS[name][0], standing=standing)


async def _conversation(port: int, talk: SimulatedSession, result: SoakResult) -> bool:
    """One session over HTTP; whether it leaves a record."""
    while talk.request is not None:
        status, body = await post(port, "/alexa", json.dumps(talk.request).encode())
        result.statuses[status] += 1
        if status != 200:
            return False
        talk.answered(json.loads(body))
    return talk.records


def records(state: dict[str, Any], last: dict[str, Any]) -> bool:
    """Whether a session that ended with `last` leaves a record (what the engine saves: a
    stretch done or pain reported in a chosen area), from the state before the last turn or the
    wrap-up's "Today you did". Counted from the conversation, not the script: a returning user's
    flow varies (a weekly goal, a level that moved), and a script may stop before a stretch."""
    speech = (last.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
    done = bool(state.get("area")) and bool(state.get("done") or state.get("pains"))
    return done or "Today you did" in speech


def _standing_answer(answer: dict[str, Any]) -> str | None:
    engine = (answer.get("sessionAttributes") or {}).get("engine", {})
    phase = engine.get("phase")
    if phase == "holding" and engine.get("rep", 0) > 0:
        # "Ready for the next one?" in the middle of a side: a user whose holds and repetitions
        # grew with progression (#18) hears a side's set in parts, and goes on to the next part.
        return "continue"
    return STANDING_ANSWERS.get(phase) if isinstance(phase, str) else None


async def _user(port: int, number: int, deadline: float, result: SoakResult, seed: int) -> None:
    chooser = random.Random(seed + number)
    user = f"amzn1.ask.account.SOAK-{seed}-{number}"
    while time.monotonic() < deadline:
        name, talk = session_for(user, chooser)
        try:
            recorded = await _conversation(port, talk, result)
        except (TimeoutError, OSError, ValueError):
            result.failures += 1
            continue
        result.conversations[name] += 1
        if recorded:
            result.expected_records[user_key(user)] += 1


async def _soak(port: int, users: int, seconds: float, seed: int) -> SoakResult:
    result = SoakResult()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_user(port, n, deadline, result, seed) for n in range(users)))
    return result


def run_soak(database_url: str, *, users: int, seconds: float, seed: int = 1) -> dict[str, Any]:
    """Soak a gunicorn server on `database_url`; returns the figures and whether it passed."""
    with gunicorn(
        "skill.app:create_app()", {"BACKSTRETCH_VERIFY": "0", "DATABASE_URL": database_url}
    ) as server:
        result = asyncio.run(_soak(server.port, users, seconds, seed))
    store = ProfileStore.open(database_url)
    try:
        recorded = {user: store.count_sessions(user) for user in result.expected_records}
    finally:
        store.close()
    server_errors = sum(n for status, n in result.statuses.items() if status >= 500)
    missing = {u: (n, recorded[u]) for u, n in result.expected_records.items() if recorded[u] != n}
    return {
        "requests": sum(result.statuses.values()),
        "statuses": dict(result.statuses),
        "conversations": dict(result.conversations),
        "sessions_expected": sum(result.expected_records.values()),
        "sessions_recorded": sum(recorded.values()),
        "server_errors": server_errors,
        "client_failures": result.failures,
        "mismatched_users": missing,
        "passed": server_errors == 0 and result.failures == 0 and not missing,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    with fresh_schema(args.database_url) as url:
        figures = run_soak(url, users=args.users, seconds=args.minutes * 60)
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
