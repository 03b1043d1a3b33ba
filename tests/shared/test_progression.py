"""Progression across sessions (#18): the rule as a pure function of the history, its properties,
and the coach playing each stretch at its level and saying why a level moved."""

from __future__ import annotations

from datetime import date, timedelta

from engine_talk import TODAY, Talk, holds, keys
from hypothesis import given
from hypothesis import strategies as st

from shared.engine.progression import (
    HOLD_RANGE,
    REPS_RANGE,
    START,
    Change,
    Level,
    Progress,
    after_session,
    level_history,
    progress_of,
    step_down,
    step_up,
)
from shared.events import EventKind, Feeling
from shared.exercise_catalog import load_exercise_catalog
from shared.profile import STOPPED_FOR_PAIN, Profile, SessionRecord

K = EventKind
KNEE = "knee_to_chest"


def session(
    days_ago: int,
    feeling: str | None = "easy",
    stretch: str = KNEE,
    *,
    level: Level | None = None,
    pains: int = 0,
    pain_stretch: str | None = None,
) -> SessionRecord:
    feelings = ((stretch, feeling),) if feeling else ()
    levels = ((stretch, level.hold, level.reps),) if level else ()
    return SessionRecord(
        day=TODAY - timedelta(days=days_ago),
        area="lower_back",
        stretches=(stretch,),
        pain_reports=pains,
        completed=True,
        pain_stretch=pain_stretch,
        feelings=feelings,
        levels=levels,
    )


def test_the_ranges_are_the_articles() -> None:
    catalog = load_exercise_catalog()
    assert HOLD_RANGE == (catalog.hold_advice.min, catalog.hold_advice.max) == (20, 30)
    assert (catalog.repetition_advice.min, catalog.repetition_advice.max) == REPS_RANGE
    assert Level(20, 5) == START


def test_the_ladder_goes_hold_first_then_repetitions_and_back() -> None:
    ladder = [START]
    while step_up(ladder[-1]) != ladder[-1]:
        ladder.append(step_up(ladder[-1]))
    assert ladder == [
        Level(20, 5),
        Level(25, 5),
        Level(30, 5),
        *(Level(30, r) for r in range(6, 11)),
    ]
    assert [step_down(level) for level in ladder[1:]] == ladder[:-1]
    assert step_down(START) == START


def test_two_easy_or_good_sessions_in_a_row_step_up_once() -> None:
    assert progress_of([session(3, "easy")], KNEE).level == START
    after_two = progress_of([session(3, "easy"), session(2, "good")], KNEE)
    assert after_two == Progress(Level(25, 5), 0, Change.UP_HOLD)
    after_four = progress_of([session(d, "good") for d in (4, 3, 2, 1)], KNEE)
    assert after_four.level == Level(30, 5)


def test_tight_keeps_the_level_and_starts_the_row_again() -> None:
    sessions = [session(3, "easy"), session(2, "tight"), session(1, "easy")]
    assert progress_of(sessions, KNEE) == Progress(START, 1, None)


def test_no_answer_at_the_check_in_is_not_taken_as_fine() -> None:
    sessions = [session(3, "easy"), session(2, None), session(1, "easy")]
    assert progress_of(sessions, KNEE).level == START


def test_pain_anywhere_in_the_session_blocks_a_step_up() -> None:
    sessions = [session(2, "easy"), session(1, "easy", pains=1, pain_stretch="back_flexion")]
    assert progress_of(sessions, KNEE).level == START


def test_painful_or_a_pain_report_steps_back_one_level() -> None:
    at_30 = [session(d, "good", level=Level(30, 7)) for d in (5, 4)]
    hurt = progress_of([*at_30, session(1, "painful", level=Level(30, 8))], KNEE)
    assert hurt == Progress(Level(30, 7), 0, Change.DOWN_REPS)
    reported = session(1, None, level=Level(25, 5), pains=1, pain_stretch=KNEE)
    assert progress_of([reported], KNEE) == Progress(Level(20, 5), 0, Change.DOWN_HOLD)
    numb = progress_of([session(1, Feeling.NUMB.value, level=Level(25, 5))], KNEE)
    assert numb.level == Level(20, 5)


def test_a_level_the_user_set_is_kept_and_progression_goes_on_from_it() -> None:
    chosen = Level(25, 7)
    sessions = [session(3, "easy", level=chosen)]
    assert progress_of(sessions, KNEE).level == chosen
    sessions.append(session(2, "easy", level=chosen))
    assert progress_of(sessions, KNEE).level == Level(30, 7)


def test_other_stretches_and_sessions_without_the_stretch_change_nothing() -> None:
    other = session(2, "painful", stretch="back_flexion")
    assert progress_of([session(3, "easy"), other, session(1, "easy")], KNEE).level == Level(25, 5)


def test_level_history_lists_the_level_of_each_session() -> None:
    profile = Profile(sessions=tuple(session(d, "easy") for d in (4, 3, 2)))
    days = [TODAY - timedelta(days=d) for d in (4, 3, 2)]
    assert level_history(profile, KNEE) == [
        (days[0], START),
        (days[1], START),
        (days[2], Level(25, 5)),
    ]


# -- properties -----------------------------------------------------------------------------------

in_range_levels = st.builds(
    Level, st.integers(HOLD_RANGE[0], HOLD_RANGE[1]), st.integers(REPS_RANGE[0], REPS_RANGE[1])
)
feelings = st.sampled_from([*(f.value for f in Feeling), None])


@st.composite
def sessions_at(draw: st.DrawFn, progress: Progress) -> SessionRecord:
    """A session of KNEE at the level progression expects (nothing set by the user)."""
    feeling = draw(feelings)
    pains = draw(st.integers(0, 2))
    pain_stretch = draw(st.sampled_from([None, KNEE, "back_flexion"])) if pains else None
    level = progress.level if draw(st.booleans()) else None
    return session(1, feeling, level=level, pains=pains, pain_stretch=pain_stretch)


@given(in_range_levels, st.data())
def test_levels_stay_in_range_and_move_one_step_at_most(start: Level, data: st.DataObject) -> None:
    progress = Progress(start)
    for _ in range(12):
        record = data.draw(sessions_at(progress))
        moved = after_session(progress, record, KNEE)
        now, before = moved.level, progress.level
        assert HOLD_RANGE[0] <= now.hold <= HOLD_RANGE[1]
        assert REPS_RANGE[0] <= now.reps <= REPS_RANGE[1]
        assert now in (before, step_up(before), step_down(before))
        hold_moved, reps_moved = abs(now.hold - before.hold), abs(now.reps - before.reps)
        assert hold_moved <= 5 and reps_moved <= 1 and not (hold_moved and reps_moved)
        progress = moved


@given(in_range_levels, st.sampled_from(["painful", "numb", "dizzy", None]), st.booleans())
def test_pain_always_steps_back(level: Level, feeling: str | None, reported: bool) -> None:
    if feeling is None and not reported:
        reported = True
    record = session(
        1, feeling, level=level, pains=int(reported), pain_stretch=KNEE if reported else None
    )
    moved = after_session(Progress(level, good_in_row=1), record, KNEE)
    assert moved.level == step_down(level)
    assert moved.level < level or level == START
    assert moved.good_in_row == 0


# -- in the conversation --------------------------------------------------------------------------


def _knee_history(*feelings_felt: str) -> Profile:
    days = range(len(feelings_felt) + 1, 1, -1)
    return Profile(
        sessions=tuple(session(d, f) for d, f in zip(days, feelings_felt, strict=True)),
        screened_on=TODAY,
    )


def _to_knee_intro(profile: Profile) -> Talk:
    talk = Talk(profile)
    talk(K.LAUNCH)
    talk(K.CHOOSE_AREA, area="lower_back")
    assert talk.phase == "intro"
    return talk


def test_a_stretch_that_went_well_twice_is_held_longer_and_the_coach_says_why() -> None:
    talk = _to_knee_intro(_knee_history("easy", "good"))
    intro = talk.replies[-1]
    assert "progress.up_hold" in keys(intro)
    assert (
        "Since knee to chest went well the last two times, today we'll hold it for 25 seconds."
        in intro.text()
    )
    played = holds(talk(K.CONTINUE))
    assert played and all(h.seconds == 25 and h.reps == 5 for h in played)


def test_a_stretch_that_hurt_last_time_eases_off_and_the_others_keep_their_level() -> None:
    profile = Profile(
        sessions=(
            session(4, "good", level=Level(30, 5)),
            session(3, "good", stretch="back_flexion", level=Level(25, 6)),
            session(2, "painful", level=Level(30, 5)),
        ),
        screened_on=TODAY,
    )
    talk = _to_knee_intro(profile)
    assert "Since knee to chest hurt last time, today we'll ease off to 25-second holds." in (
        talk.replies[-1].text()
    )
    assert holds(talk(K.CONTINUE))[0].seconds == 25
    levels = dict((s, (h, r)) for s, h, r in talk.state["levels"])  # type: ignore[index]
    assert levels["back_flexion"] == (25, 6)


def test_an_unchanged_level_is_not_mentioned() -> None:
    talk = _to_knee_intro(_knee_history("tight", "easy"))
    assert not [k for k in keys(talk.replies[-1]) if k.startswith("progress.")]


def test_the_session_records_the_level_each_stretch_was_done_at() -> None:
    talk = _to_knee_intro(_knee_history("easy", "easy"))
    talk(K.CONTINUE)
    while talk.phase == "holding":
        talk(K.CONTINUE)
    assert talk.phase == "checkin"
    talk(K.FEELING, feeling=Feeling.EASY)
    reply = talk(K.STOP)
    record = next(e.record for e in reply.effects if hasattr(e, "record"))
    assert record.levels == ((KNEE, 25, 5),)
    assert record.feelings == ((KNEE, "easy"),)


def test_a_hold_the_user_sets_applies_to_every_stretch_still_to_come_and_is_recorded() -> None:
    talk = _to_knee_intro(_knee_history("easy", "easy"))
    talk(K.SET_HOLD, value=22)
    assert "progress.up_hold" in keys(talk.replies[-2])  # said before the user changed it
    assert all(h.seconds == 22 for h in holds(talk(K.CONTINUE)))
    while talk.phase == "holding":
        talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.GOOD)
    assert talk.phase == "intro"
    assert "progress." not in " ".join(keys(talk.replies[-1]))
    assert all(h.seconds == 22 for h in holds(talk(K.CONTINUE)))
    reply = talk(K.STOP)
    record = next(e.record for e in reply.effects if hasattr(e, "record"))
    assert dict((s, h) for s, h, _ in record.levels)[KNEE] == 22


def test_a_pain_report_mid_set_is_kept_as_that_stretchs_feeling() -> None:
    talk = _to_knee_intro(Profile(screened_on=TODAY, sessions=(session(9, "good"),)))
    talk(K.CONTINUE)
    reply = talk(K.PAIN)  # the deeper stretch is left out too: nothing is left of the routine
    record = next(e.record for e in reply.effects if hasattr(e, "record"))
    assert record.feelings == ((KNEE, "painful"),) and record.stretches == ()
    assert record.levels == ((KNEE, 20, 5),)
    assert progress_of([record], KNEE).level == START  # at the start already: nothing lower


def test_a_second_pain_report_keeps_both_stretches() -> None:
    talk = Talk(Profile(screened_on=TODAY, sessions=(session(9, "good"),)))
    talk(K.LAUNCH)
    talk(K.CHOOSE_AREA, area="neck")
    talk(K.NO)  # the neck part of the screen
    talk(K.CONTINUE)
    talk(K.PAIN)
    talk(K.YES)  # the next stretch
    talk(K.CONTINUE)
    reply = talk(K.PAIN)
    record = next(e.record for e in reply.effects if hasattr(e, "record"))
    assert record.stopped_for == STOPPED_FOR_PAIN
    assert record.feelings == (("neck_flexion", "painful"), ("lateral_flexion", "painful"))


def test_a_state_without_levels_plays_at_its_own_pacing() -> None:
    """A conversation open when the program was upgraded (state version 3) has no levels."""
    talk = _to_knee_intro(_knee_history("easy", "easy"))
    state = dict(talk.state or {})
    state.update(version=3, hold=20, levels=[], level_notes=[], exercise=1)
    for key in ("hold_set", "reps_set", "levels", "level_notes"):
        state.pop(key)
    talk.state = state
    talk(K.NEXT)  # skip to the next stretch's introduction
    assert all(h.seconds == 20 for h in holds(talk(K.CONTINUE)))


def test_days_are_only_for_ordering() -> None:
    """Two sessions of one day count as two sessions in a row."""
    same_day = date(2026, 3, 2)
    sessions = [session(0, "easy"), session(0, "easy")]
    sessions = [SessionRecord(**{**_fields(s), "day": same_day}) for s in sessions]
    assert progress_of(sessions, KNEE).level == Level(25, 5)


def _fields(record: SessionRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in SessionRecord.__dataclass_fields__}
