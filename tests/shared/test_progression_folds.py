"""progress_for folds on from the folds it keeps (#16): always what a fresh fold of the sessions
gives, whatever was kept before, however the sessions moved on (added, the oldest left out, out of
day order, loaded afresh), and within its bounds. And the routine's stretches known from before
are found newest first, as a walk of every session finds them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from types import SimpleNamespace
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.engine import progression
from shared.engine.flow import _known_stretches
from shared.engine.folds import FOLDS_KEPT, FOLDS_KEPT_SESSIONS
from shared.engine.progression import (
    Progress,
    folds_held,
    forget_folds,
    progress_for,
    progress_of,
    start_level,
)
from shared.engine.turn import Turn
from shared.events import Feeling
from shared.exercise_catalog import load_exercise_catalog
from shared.profile import STOPPED_FOR_PAIN, Profile, SessionRecord

TODAY = date(2026, 3, 1)
STRETCHES = ("knee_to_chest", "cat_cow", "chin_tuck")


@pytest.fixture(autouse=True)
def _no_folds_kept() -> Iterator[None]:
    forget_folds()
    yield
    forget_folds()


def _fresh(profile: Profile, stretches: tuple[str, ...] = STRETCHES) -> dict[str, Progress]:
    """What progress_for must give: each stretch folded over every session, oldest first."""
    ordered = sorted(profile.sessions, key=lambda record: record.day)
    return {s: progress_of(ordered, s, start_level(profile)) for s in stretches}


levels = st.one_of(
    st.tuples(st.integers(20, 30), st.integers(5, 10)),
    st.tuples(st.sampled_from([5, 10, 45, 60, 61]), st.sampled_from([0, 1, 10, 11])),
)


@st.composite
def records(draw: st.DrawFn) -> SessionRecord:
    """A session of one or two of STRETCHES, with or without check-ins, levels and pain."""
    done = tuple(draw(st.lists(st.sampled_from(STRETCHES), min_size=1, max_size=2, unique=True)))
    felt = st.sampled_from([f.value for f in Feeling])
    feelings = tuple((s, draw(felt)) for s in done if draw(st.integers(0, 3)))
    pains = draw(st.integers(0, 2)) if not draw(st.integers(0, 4)) else 0
    return SessionRecord(
        day=TODAY - timedelta(days=draw(st.integers(0, 30))),
        area="lower_back",
        stretches=done,
        pain_reports=pains,
        completed=True,
        pain_stretch=draw(st.sampled_from(done)) if pains else None,
        feelings=feelings,
        stopped_for=STOPPED_FOR_PAIN if pains == 2 else None,
        levels=tuple((s, *draw(levels)) for s in done if draw(st.integers(0, 4))),
    )


def _now_and_then(rarely: object, usually: object) -> st.SearchStrategy[object]:
    """`usually`, one time in five `rarely` (so most steps fold on from the step before)."""
    return st.integers(0, 4).map(lambda n: rarely if n == 0 else usually)


moves = st.tuples(
    st.integers(0, 3),  # sessions added
    st.integers(0, 3),  # oldest left out
    _now_and_then(True, False),  # loaded afresh: equal records, new objects
    _now_and_then(25, None),  # the pacing the user chose (the start level)
    _now_and_then(STRETCHES[1:], STRETCHES),  # the stretches asked for
)


@settings(max_examples=200, deadline=None)
@given(st.lists(records(), max_size=12), st.lists(st.tuples(records(), moves), max_size=20))
def test_folding_on_gives_what_a_fresh_fold_gives(
    first: list[SessionRecord], steps: list[tuple[SessionRecord, tuple[object, ...]]]
) -> None:
    profile = Profile(sessions=tuple(first))
    assert progress_for(profile, STRETCHES) == _fresh(profile)
    for record, (added, dropped, afresh, hold, asked) in steps:
        assert isinstance(added, int) and isinstance(dropped, int) and isinstance(asked, tuple)
        sessions = (*profile.sessions[dropped:], *(replace(record) for _ in range(added)))
        if afresh:
            sessions = tuple(replace(s) for s in sessions)
        profile = Profile(sessions=sessions, hold_seconds=hold if isinstance(hold, int) else None)
        assert progress_for(profile, asked) == _fresh(profile, asked)
    held, sessions_held = folds_held()
    assert held <= FOLDS_KEPT and sessions_held <= FOLDS_KEPT_SESSIONS


def _year(stretch: str = "knee_to_chest", sessions: int = 400) -> list[SessionRecord]:
    """Daily sessions at a level the coach could have set, felt good or tight in turn."""
    return [
        SessionRecord(
            day=TODAY - timedelta(days=sessions - n),
            area="lower_back",
            stretches=(stretch,),
            completed=True,
            feelings=((stretch, "good" if n % 3 else "tight"),),
            levels=((stretch, 20 + 5 * (n % 3), 5),),
        )
        for n in range(sessions)
    ]


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often a session is folded into a stretch's progress, from now on."""
    calls = [0]
    fold_one = progression.after_session

    def counted(progress: Progress, record: SessionRecord, stretch: str) -> Progress:
        calls[0] += 1
        return fold_one(progress, record, stretch)

    monkeypatch.setattr(progression, "after_session", counted)
    return calls


def test_the_next_session_of_a_long_history_walks_only_what_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = _year()
    profile = Profile(sessions=tuple(history))
    asked = ["knee_to_chest", "cat_cow"]
    progress_for(profile, asked)
    calls = _counting(monkeypatch)
    found = progress_for(profile, asked)  # the same profile again
    assert calls[0] == 0
    assert found == _fresh(profile, tuple(asked))
    later = replace(history[-1], day=TODAY)
    for _ in range(5):  # a session a day: one added, the oldest left out, as a store loads them
        profile = Profile(sessions=(*profile.sessions[1:], later))
        later = replace(later, day=later.day + timedelta(days=1))
        calls[0] = 0
        found = progress_for(profile, asked)
        assert calls[0] <= 2 * len(asked) * 3  # a few sessions, not 400
        assert found == _fresh(profile, tuple(asked))


def test_a_run_whose_length_alone_decides_the_level_is_folded_right() -> None:
    """Good at one recorded level session after session: each other one steps up, so leaving the
    oldest out changes the result, and it is folded afresh."""
    stretch = "knee_to_chest"
    good = [
        SessionRecord(
            day=TODAY - timedelta(days=50 - n),
            area="lower_back",
            stretches=(stretch,),
            feelings=((stretch, "good"),),
            levels=((stretch, 20, 5),),
        )
        for n in range(50)
    ]
    sessions = tuple(good[:40])
    for n in range(40, 50):
        profile = Profile(sessions=sessions)
        assert progress_for(profile, [stretch]) == _fresh(profile, (stretch,))
        sessions = (*sessions[1:], good[n])


def test_the_folds_kept_stay_within_their_bounds() -> None:
    for n in range(FOLDS_KEPT + 20):  # more profiles than are kept
        progress_for(Profile(sessions=tuple(_year(sessions=3 + n % 7))), ["knee_to_chest"])
    assert folds_held()[0] == FOLDS_KEPT
    for _ in range(FOLDS_KEPT_SESSIONS // 400 + 5):  # more sessions than are kept
        progress_for(Profile(sessions=tuple(_year())), ["knee_to_chest"])
    held, sessions = folds_held()
    assert sessions <= FOLDS_KEPT_SESSIONS and held <= FOLDS_KEPT
    huge = Profile(sessions=tuple(_year(sessions=FOLDS_KEPT_SESSIONS + 1)))
    assert progress_for(huge, ["knee_to_chest"]) == _fresh(huge, ("knee_to_chest",))
    assert folds_held()[1] <= FOLDS_KEPT_SESSIONS  # not kept: it would push out every other


def test_turns_in_threads_each_get_their_own_users_progress() -> None:
    users = [_year(stretch, 60 + 7 * n) for n, stretch in enumerate(STRETCHES * 3)]
    wrong: list[str] = []

    def run(history: list[SessionRecord]) -> None:
        for end in range(30, len(history)):
            profile = Profile(sessions=tuple(history[end - 30 : end]))
            if progress_for(profile, STRETCHES) != _fresh(profile):
                wrong.append(f"{history[0].stretches} up to {end}")

    threads = [threading.Thread(target=run, args=(history,)) for history in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


@settings(max_examples=60, deadline=None)
@given(st.lists(records(), max_size=10), st.sampled_from(["neck", "lower_back"]))
def test_the_stretches_known_are_those_of_any_past_session(
    sessions: list[SessionRecord], area: str
) -> None:
    """The routine's stretches done before, found newest first (the walk ends once all are)."""
    routine = load_exercise_catalog().for_area(area)
    every = tuple(e.id for e in routine)
    some = [*sessions, *(replace(s, stretches=every[:1]) for s in sessions[:1])]
    all_of = [*some, *(replace(s, stretches=every) for s in sessions[-1:]), *sessions[:2]]
    for held in (sessions, some, all_of):
        profile = Profile(sessions=tuple(held)) if held else None
        done = {i for s in profile.sessions for i in s.stretches} if profile else set()
        turn = cast(Turn, SimpleNamespace(profile=profile))
        assert _known_stretches(turn, routine) == tuple(e.id for e in routine if e.id in done)
