"""Golden transcripts: what the engine and the skill answered, recorded before a refactor.

`python -m tests.golden.transcripts` (from the repository root) records them again; the tests in
this folder replay them and require byte-identical results. First recorded from the engine as it
was before it became an explicit state machine, they pinned its behaviour through that change (the
conversation is the same whatever the code inside looks like); re-recorded for issue 13's safety
flow, and for issue 14's pacing (counted cues, heard durations, skip and redo, cue levels),
they pin that one. Re-record only for an intended
change of behaviour, and review the diff of what people hear.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from shared.effects import apply_effects
from shared.engine import Context, handle, session_record
from shared.events import AREAS, CueLevel, Event, EventKind, Feeling
from shared.profile import Profile, SessionRecord

HERE = Path(__file__).resolve().parent
ENGINE_FILE = HERE / "engine_sequences.jsonl.gz"
DIALOG_FILE = HERE / "dialog_responses.json"
DIALOG_DIR = HERE.parent / "dialogs"
SEQUENCES = 300
EVENTS_PER_SEQUENCE = 32
SEED = 20261201

# Common answers come up more often than rare commands, so sequences reach deep into routines.
_WEIGHTED_KINDS: tuple[tuple[EventKind, int], ...] = (
    (EventKind.YES, 8),
    (EventKind.NO, 7),
    (EventKind.CONTINUE, 10),
    (EventKind.NEXT, 3),
    (EventKind.CHOOSE_AREA, 3),
    (EventKind.START, 2),
    (EventKind.LAUNCH, 1),
    (EventKind.REPEAT, 2),
    (EventKind.PAUSE, 2),
    (EventKind.RESUME, 2),
    (EventKind.HELP, 2),
    (EventKind.STOP, 1),
    (EventKind.PAIN, 2),
    (EventKind.SET_HOLD, 1),
    (EventKind.SET_REPS, 1),
    (EventKind.DURATION, 1),
    (EventKind.HISTORY, 1),
    (EventKind.DELETE_DATA, 1),
    (EventKind.START_OVER, 1),
    (EventKind.FEELING, 1),
    (EventKind.UNKNOWN, 2),
    (EventKind.SKIP, 2),
    (EventKind.REDO, 1),
    (EventKind.EXPLAIN, 1),
    (EventKind.TIPS, 1),
    (EventKind.SET_CUES, 1),
)
_AREA_CHOICES = (*AREAS, None, "knees")
_CHUNKS = (None, 0, 60, 200)
_LOCALES = ("en-US", "en-GB")


def _jsonable(value: Any) -> Any:
    """Dataclasses with their type name, dates as ISO text, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def state_json(state: Any) -> Any:
    """The state as it travels in session attributes (a dict, or an object that makes one)."""
    to_json = getattr(state, "to_json", None)
    return to_json() if callable(to_json) else state


def reply_json(reply: Any) -> dict[str, Any]:
    return {
        "steps": _jsonable(reply.steps),
        "state": state_json(reply.state),
        "effects": _jsonable(reply.effects),
        "card": _jsonable(reply.card),
        "ended": reply.ended,
    }


def _profile(rng: random.Random, today: date) -> Profile | None:
    choice = rng.randrange(5)
    if choice == 0:
        return None
    sessions = tuple(
        SessionRecord(
            day=today - timedelta(days=d),
            area=rng.choice(AREAS),
            stretches=tuple(rng.sample(["neck_flexion", "knee_to_chest", "old_one"], 2)),
            pain_reports=rng.randrange(2),
            completed=rng.random() < 0.5,
        )
        for d in sorted(rng.sample(range(0, 9), rng.randrange(0, 5)))
    )
    if sessions and rng.random() < 0.3:  # last time hurt: the launch asks about it
        last = sessions[-1]
        sessions = (*sessions[:-1], replace(last, pain_reports=2, pain_stretch="knee_to_chest"))
    screened = today - timedelta(days=rng.choice((0, 5, 29, 31, 90))) if choice > 1 else None
    hold = rng.choice((None, 15, 25, 99)) if choice == 4 else None
    reps = rng.choice((None, 3, 7, 0)) if choice == 4 else None
    cues = rng.choice((None, *CueLevel)) if choice == 4 else None
    return Profile(
        sessions=sessions, hold_seconds=hold, reps=reps, screened_on=screened, cue_level=cues
    )


def _event(rng: random.Random) -> Event:
    kinds, weights = zip(*_WEIGHTED_KINDS, strict=True)
    kind = rng.choices(kinds, weights)[0]
    if kind in (EventKind.CHOOSE_AREA, EventKind.START, EventKind.PAIN):
        return Event(kind, area=rng.choice(_AREA_CHOICES))
    if kind is EventKind.FEELING:
        return Event(kind, feeling=rng.choice(list(Feeling)))
    if kind in (EventKind.SET_HOLD, EventKind.SET_REPS):
        return Event(kind, value=rng.choice((None, 0, 5, 10, 20, 30, 61)))
    if kind is EventKind.UNKNOWN:
        return Event(kind, text="banana")
    if kind is EventKind.SET_CUES:
        return Event(kind, cue_level=rng.choice((None, *CueLevel)))
    return Event(kind)


def sequence_cases() -> Iterator[dict[str, Any]]:
    """Seeded sequences: a profile, a day, a locale, chunking, and the events fed in turn."""
    rng = random.Random(SEED)
    for number in range(SEQUENCES):
        today = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        yield {
            "number": number,
            "today": today,
            "profile": _profile(rng, today),
            "chunk": rng.choice(_CHUNKS),
            "locale": rng.choice(_LOCALES),
            "events": [_event(rng) for _ in range(EVENTS_PER_SEQUENCE)],
            "corrupt_at": rng.randrange(EVENTS_PER_SEQUENCE * 4),  # mostly never
        }


def run_sequence(case: dict[str, Any]) -> dict[str, Any]:
    """Feed a case's events as a front end would (JSON round trip of the state between turns)."""
    profile, state, turns = case["profile"], None, []
    for index, event in enumerate(case["events"]):
        context = Context(
            today=case["today"],
            profile=profile,
            max_chunk_seconds=case["chunk"],
            locale=case["locale"],
        )
        if index == case["corrupt_at"] and state is not None:
            state = {**state, "rep": -1}  # a hand-edited state arrives: the engine restarts
        reply = handle(state, event, context)
        turns.append(reply_json(reply))
        profile = apply_effects(profile, reply.effects, case["today"])
        state = None if reply.ended else json.loads(json.dumps(state_json(reply.state)))
    context = Context(today=case["today"], profile=profile, locale=case["locale"])
    cut_short = session_record(state, context)
    return {"number": case["number"], "turns": turns, "cut_short": _jsonable(cut_short)}


def _dialog_responses() -> dict[str, Any]:
    from skill.dialogs.model import load_dialog
    from skill.dialogs.replay import run_in_process
    from skill.dialogs.text_channel import run_text_dialog

    recorded: dict[str, Any] = {}
    for path in sorted(DIALOG_DIR.glob("*.yaml")):
        dialog = load_dialog(path)
        voice = run_in_process(dialog)
        text = run_text_dialog(dialog, 200)
        recorded[path.name] = {
            "voice": [[t.status, t.response] for t in voice.turns],
            "text": [[t.status, [dataclasses.astuple(f) for f in t.failures]] for t in text.turns],
        }
    return recorded


def record() -> None:
    lines = [json.dumps(run_sequence(case), sort_keys=True) for case in sequence_cases()]
    with gzip.open(ENGINE_FILE, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("\n".join(lines) + "\n")
    with tempfile.TemporaryDirectory():
        DIALOG_FILE.write_text(json.dumps(_dialog_responses(), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    record()
    sys.exit(0)
