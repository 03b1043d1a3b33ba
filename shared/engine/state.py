"""The conversation state: a frozen value, and its versioned JSON form.

Alexa sends the state back to us in session attributes, so anything may arrive: an old version, a
hand-edited value, garbage. `State.from_json` accepts a state this version wrote, or one of an
earlier version (open when the program was upgraded: it reads with the later versions' additions
at their defaults); anything else is reported as corrupt and the engine restarts politely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from shared.engine.phase import Phase
from shared.events import AREAS, CueLevel
from shared.routine import HOLD_LIMITS, REPS_LIMITS

STATE_VERSION = 4
# What version 2 added, as a version-1 state (one open when the program was upgraded) reads it.
_ADDED_IN_2: dict[str, Any] = {
    "neck_screen_due": False,
    "memory_asked": True,
    "checkin_asked_again": False,
    "feelings": [],
    "pain_stretch": None,
    "blocked_area": None,
    "offer_area": None,
}
# What version 3 added (#14: cue levels, and parts of a set not yet known to have played).
_ADDED_IN_3: dict[str, Any] = {
    "cues": "normal",
    "part_unconfirmed": False,
    "rewound": False,
    "stretches_known": [],
}
# What version 4 added (#18: each stretch's level from progression, and pacing the user set).
_ADDED_IN_4: dict[str, Any] = {
    "levels": [],
    "level_notes": [],
    "hold_set": None,
    "reps_set": None,
    "weekly_goal": None,
    "week_days": 0,
}
# Attribute names that differ from their JSON keys (the JSON keys are kept for old sessions).
_JSON_NAMES = {"stretches_done": "done", "stretches_skipped": "skipped"}
_INT_FIELDS = ("hold", "reps", "exercise", "side", "rep", "pains", "misses", "week_days")
_OPTIONAL_TEXT = ("area", "pending_area", "pain_stretch", "blocked_area", "offer_area")
_CUE_LEVELS = frozenset(level.value for level in CueLevel)
_PHASE_FIELDS = ("paused_phase", "return_phase")
_OPTIONAL_INT = ("hold_set", "reps_set", "weekly_goal")
_BOOL_FIELDS = (
    "screened",
    "profile_deleted",
    "neck_screen_due",
    "memory_asked",
    "checkin_asked_again",
    "part_unconfirmed",
    "rewound",
)


@dataclass(frozen=True, slots=True)
class State:
    """Where one conversation stands. Changed only by building a new one (`replace`)."""

    phase: Phase
    area: str | None
    pending_area: str | None  # asked for before the screen was answered
    hold: int
    reps: int
    exercise: int  # index into the routine of `area`
    side: int
    rep: int  # repetitions of the current side already played
    chunk_start: tuple[int, int] | None  # (side, rep) where the last played part of a set began
    paused_phase: Phase | None
    return_phase: Phase | None  # where to go back to after "delete my data" is answered
    pains: int
    stretches_done: tuple[str, ...]
    stretches_skipped: tuple[str, ...]
    screened: bool
    misses: int  # answers not understood in a row
    profile_deleted: bool
    neck_screen_due: bool  # the screen was asked this session: ask the neck part before neck work
    memory_asked: bool  # last session's pain was asked about (or there was none)
    checkin_asked_again: bool  # the check-in answer was not understood once already
    feelings: tuple[tuple[str, str], ...]  # (stretch id, Feeling value) per check-in answer
    pain_stretch: str | None  # the stretch being done when pain was last reported
    blocked_area: str | None  # an area left out today (pain still there, neck warning signs)
    offer_area: str | None  # the area offered instead
    cues: str  # a CueLevel value: how much is said during holds
    # The last part of a set was sent but nothing since shows it played to the end (Alexa does
    # not say where a response was interrupted): an interruption now rewinds to its start.
    part_unconfirmed: bool
    rewound: bool  # an interruption rewound the set to the start of its last part
    # Stretches of the chosen routine the user has done before (read once, when it is chosen):
    # they are introduced in one line.
    stretches_known: tuple[str, ...]
    # The routine's stretches at today's level, (id, hold, reps), read from the profile's history
    # when the routine is chosen; each stretch is played at its own level.
    levels: tuple[tuple[str, int, int], ...]
    # (id, progression.Change value): why a stretch's level moved since last time, said once at
    # its introduction.
    level_notes: tuple[tuple[str, str], ...]
    hold_set: int | None  # a hold the user set in this conversation: it applies to every stretch
    reps_set: int | None  # repetitions the user set in this conversation
    # The user's weekly goal and the days of this week with a session, today's counted (read when
    # the routine is chosen): the wrap-up says where the week stands without reading the profile.
    weekly_goal: int | None
    week_days: int

    @classmethod
    def new(cls, hold: int, reps: int, cues: CueLevel = CueLevel.NORMAL) -> State:
        """A fresh conversation with the given pacing."""
        return cls(
            phase=Phase.NEW,
            area=None,
            pending_area=None,
            hold=hold,
            reps=reps,
            exercise=0,
            side=0,
            rep=0,
            chunk_start=None,
            paused_phase=None,
            return_phase=None,
            pains=0,
            stretches_done=(),
            stretches_skipped=(),
            screened=False,
            misses=0,
            profile_deleted=False,
            neck_screen_due=False,
            memory_asked=False,
            checkin_asked_again=False,
            feelings=(),
            pain_stretch=None,
            blocked_area=None,
            offer_area=None,
            cues=cues.value,
            part_unconfirmed=False,
            rewound=False,
            stretches_known=(),
            levels=(),
            level_notes=(),
            hold_set=None,
            reps_set=None,
            weekly_goal=None,
            week_days=0,
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON-able dict that travels in session attributes (keys in a stable order)."""
        data: dict[str, Any] = {"version": STATE_VERSION}
        for name in _NAMES:
            value = getattr(self, name)
            data[_JSON_NAMES.get(name, name)] = _jsonable(value)
        return data

    @classmethod
    def from_json(cls, raw: Any, exercise_count: int = 4) -> State | None:
        """The state `raw` describes if it is a valid state of this version, else None."""
        if not isinstance(raw, Mapping) or not _is_int(raw.get("version")):
            return None
        if raw["version"] not in (1, 2, 3, STATE_VERSION):
            return None
        if raw["version"] == 1:
            raw = {**_ADDED_IN_2, **raw}
        if raw["version"] < 3:
            raw = {**_ADDED_IN_3, **raw}
        if raw["version"] <= 4:  # (4 too: its weekly-goal keys came a commit later)
            raw = {**_ADDED_IN_4, **raw}
        if not _well_typed(raw):
            return None
        state = cls(**{name: _field(raw, name) for name in _NAMES})
        return state if _consistent(state, exercise_count) else None


_NAMES = tuple(field.name for field in fields(State))
_JSON_KEYS = tuple(_JSON_NAMES.get(name, name) for name in _NAMES)
_PHASE_NAMES = frozenset(phase.value for phase in Phase)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _field(raw: Mapping[str, Any], name: str) -> Any:
    value = raw[_JSON_NAMES.get(name, name)]
    if name in ("phase", *_PHASE_FIELDS) and value is not None:
        return Phase(value)
    if name in ("feelings", "level_notes"):
        return tuple((str(stretch), str(text)) for stretch, text in value)
    if name == "levels":
        return tuple((str(stretch), hold, reps) for stretch, hold, reps in value)
    return tuple(value) if isinstance(value, list) else value


def _is_int(value: Any) -> bool:
    return type(value) is int  # a bool is an int to isinstance, never to us


def _well_typed(raw: Mapping[str, Any]) -> bool:
    if not all(key in raw for key in _JSON_KEYS):
        return False
    checks = (
        _is_phase(raw["phase"]),
        all(_is_int(raw[name]) for name in _INT_FIELDS),
        all(raw[name] is None or isinstance(raw[name], str) for name in _OPTIONAL_TEXT),
        all(raw[name] is None or _is_phase(raw[name]) for name in _PHASE_FIELDS),
        _is_position(raw["chunk_start"]),
        all(_is_names(raw[name]) for name in ("done", "skipped", "stretches_known")),
        all(type(raw[name]) is bool for name in _BOOL_FIELDS),
        _is_pairs(raw["feelings"]) and _is_pairs(raw["level_notes"]),
        _is_levels(raw["levels"]),
        all(raw[name] is None or _is_int(raw[name]) for name in _OPTIONAL_INT),
        isinstance(raw["cues"], str) and raw["cues"] in _CUE_LEVELS,
    )
    return all(checks)


def _is_phase(value: Any) -> bool:
    return isinstance(value, str) and value in _PHASE_NAMES


def _is_position(value: Any) -> bool:
    return value is None or (
        isinstance(value, list) and len(value) == 2 and all(_is_int(i) and i >= 0 for i in value)
    )


def _is_pairs(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(i, str) for i in pair)
        for pair in value
    )


def _is_levels(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, list)
        and len(item) == 3
        and isinstance(item[0], str)
        and _is_int(item[1])
        and _is_int(item[2])
        for item in value
    )


def _is_names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, str) for i in value)


def _consistent(state: State, exercise_count: int) -> bool:
    checks = (
        all(
            area is None or area in AREAS
            for area in (state.area, state.pending_area, state.blocked_area, state.offer_area)
        ),
        0 <= state.exercise <= exercise_count and 0 <= state.side <= 1,
        state.rep >= 0 and state.pains >= 0 and state.misses >= 0,
        HOLD_LIMITS[0] <= state.hold <= HOLD_LIMITS[1],
        REPS_LIMITS[0] <= state.reps <= REPS_LIMITS[1],
        all(
            HOLD_LIMITS[0] <= hold <= HOLD_LIMITS[1] and REPS_LIMITS[0] <= reps <= REPS_LIMITS[1]
            for _, hold, reps in state.levels
        ),
        state.area is not None or not state.phase.in_exercise,
    )
    return all(checks)
