"""Pain, pause, resume, repeat, skip, help and settings, at every step of the conversation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from engine_talk import TODAY, Talk, holds, keys, timed_seconds

from shared.events import EventKind as K
from shared.profile import Profile, SessionRecord
from shared.reply import ClearScreening, DeleteProfile, RecordSession, SavePreferences


def _screen(t: Talk) -> None:
    t(K.LAUNCH)


def _area(t: Talk) -> None:
    t.to_area_question()


def _tips(t: Talk) -> None:
    t.to_area_question()
    t(K.CHOOSE_AREA, area="neck")
    t(K.NO)  # no neck warning signs


def _intro(t: Talk) -> None:
    t.to_first_intro("neck")


def _holding(t: Talk) -> None:
    t.to_first_intro("lower_back")
    t(K.CONTINUE)


def _checkin(t: Talk) -> None:
    t.to_first_intro("neck")
    t(K.CONTINUE)


def _offer_usual(t: Talk) -> None:
    session = SessionRecord(TODAY, "neck", ("neck_flexion",), 0, True)
    t.context = t.context.__class__(today=TODAY, profile=Profile((session,), screened_on=TODAY))
    t(K.LAUNCH)


STEPS: dict[str, Callable[[Talk], None]] = {
    "screen": _screen,
    "offer_usual": _offer_usual,
    "area": _area,
    "tips": _tips,
    "intro": _intro,
    "holding": _holding,
    "checkin": _checkin,
}


def _reach(phase: str) -> Talk:
    talk = Talk()
    STEPS[phase](talk)
    assert talk.phase == phase
    return talk


@pytest.mark.parametrize("phase", STEPS)
def test_help_explains_what_can_be_said_at_this_step(phase: str) -> None:
    talk = _reach(phase)
    question = talk.replies[-1].ask
    reply = talk(K.HELP)
    assert keys(reply)[:2] == [f"help.{phase}", "help.anytime"]
    assert question is not None and reply.ask is not None and talk.phase == phase
    assert reply.ask.reprompt == question.reprompt  # the same question, in its short form
    assert len(reply.ask.text) <= len(question.text)


@pytest.mark.parametrize("phase", STEPS)
def test_pause_then_resume_returns_to_the_same_step(phase: str) -> None:
    talk = _reach(phase)
    before, last_part = dict(talk.state or {}), talk.replies[-1]
    paused = talk(K.PAUSE)
    assert talk.phase == "paused" and paused.ask is not None and paused.ask.key == "pause.prompt"
    assert keys(talk(K.HELP))[0] == "help.paused"
    assert keys(talk(K.NEXT))[-1] == "pause.prompt"  # nothing moves while paused
    resumed = talk(K.RESUME)
    if phase in ("holding", "checkin"):
        # The pause may have cut the set short (Alexa does not say where): that part again.
        assert keys(resumed)[0] == "pause.resumed_part"
        assert holds(resumed) == holds(last_part)
    else:
        assert keys(resumed)[0] == "pause.resumed"
        assert talk.phase == phase and talk.state is not None
        assert talk.state["exercise"] == before["exercise"]


@pytest.mark.parametrize("phase", STEPS)
def test_repeat_says_what_was_just_asked_never_a_timed_set(phase: str) -> None:
    talk = _reach(phase)
    last = talk.replies[-1]
    again = talk(K.REPEAT)
    assert again.ask is not None and last.ask is not None
    assert again.ask.key == last.ask.key and not holds(again)
    if phase == "intro":  # the explanation again, without the lead-in
        assert again.steps == last.steps[-len(again.steps) :]
        assert len(again.steps) >= len(last.steps) - 1
    else:
        assert keys(again) == [last.ask.key]


@pytest.mark.parametrize("phase", ["intro", "holding", "checkin"])
@pytest.mark.parametrize("kind", [K.SKIP, K.NEXT])
def test_skip_leaves_the_stretch_and_next_goes_on_within_a_set(phase: str, kind: K) -> None:
    talk = _reach(phase)
    reply = talk(kind)
    if kind is K.NEXT and phase == "holding":  # "next" between the parts of a set: go on
        assert holds(reply) and talk.state is not None and talk.state["exercise"] == 0
        return
    assert talk.phase == "intro" and talk.state is not None and talk.state["exercise"] == 1
    # "next" at the check-in moves on; "skip" right after a set may have cut it short: skipped
    skipped = phase != "checkin" or kind is K.SKIP
    assert ("skip.ok" in keys(reply)) is skipped


def test_skipping_the_last_stretch_wraps_up(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.NEXT)
    reply = talk(K.NEXT)
    assert reply.ended and "wrap.none" in keys(reply)
    assert reply.effects == ()


@pytest.mark.parametrize("phase", ["intro", "holding", "checkin"])
def test_first_pain_stops_the_stretch_and_offers_the_next(phase: str) -> None:
    talk = _reach(phase)
    reply = talk(K.PAIN)
    if phase == "intro":  # the stretch had not started: nothing to ease out of
        assert keys(reply)[0] == "pain.before_start" and "ease out of it" not in reply.text()
    else:
        assert keys(reply)[0] == "pain.first" and "ease out of it" in reply.text()
    if phase == "holding":  # knee to chest hurt: back flexion takes it further, so not offered
        assert "pain.deeper_skipped" in keys(reply) and reply.ended
        return
    assert talk.phase == "after_pain"
    assert reply.ask is not None and reply.ask.key == "pain.offer_next"
    nxt = talk(K.YES)
    assert talk.phase == "intro" and "Stretch 2 of 2" in nxt.text()


def test_second_pain_ends_the_session_and_advises_a_clinician(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.PAIN)
    talk(K.YES)
    reply = talk(K.PAIN)
    assert reply.ended and "physical therapist" in reply.text()
    effect, cleared = [e for e in reply.effects if isinstance(e, RecordSession)], ClearScreening()
    assert effect[0].record.pain_reports == 2 and effect[0].record.stopped_for == "pain"
    assert cleared in reply.effects  # the next visit screens again


def test_pain_during_the_last_stretch_wraps_up(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.CONTINUE)
    reply = talk(K.PAIN)
    assert reply.ended and "neck flexion" in reply.text()


def test_declining_after_pain_wraps_up(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.PAIN)
    reply = talk(K.NO)
    assert reply.ended


def test_pain_before_stretching_gives_advice_and_keeps_the_question(talk: Talk) -> None:
    talk.to_area_question()
    reply = talk(K.PAIN)
    assert keys(reply) == ["pain.general", "area.question"]


def test_pause_mid_routine_while_paused_pain_still_counts(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.PAUSE)
    reply = talk(K.PAIN)
    assert keys(reply)[0] == "pain.before_start" and talk.phase == "after_pain"


def test_do_it_again_mid_set_replays_that_part() -> None:
    talk = Talk(max_chunk_seconds=0)
    talk.to_first_intro("neck")
    first = talk(K.CONTINUE)
    second = talk(K.CONTINUE)
    assert [h.rep for h in holds(first)] == [1] and [h.rep for h in holds(second)] == [2]
    again = talk(K.REDO)
    assert [h.rep for h in holds(again)] == [2]
    assert [h.rep for h in holds(talk(K.CONTINUE))] == [3]


@pytest.mark.parametrize(
    ("event", "value", "field"), [(K.SET_HOLD, 30, "hold"), (K.SET_REPS, 8, "reps")]
)
def test_settings_change_pacing_and_are_saved(event: K, value: int, field: str) -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    reply = talk(event, value=value)
    assert talk.state is not None and talk.state[field] == value
    expected = SavePreferences(30, 5) if field == "hold" else SavePreferences(20, 8)
    assert reply.effects == (expected,)
    assert reply.ask is not None and reply.ask.key == "intro.ready"
    if field == "hold":
        assert "20 to 30 seconds" in reply.text()
    played = holds(talk(K.CONTINUE))
    assert len(played) == (8 if field == "reps" else 5)
    assert {h.seconds for h in played} == {30 if field == "hold" else 20}


@pytest.mark.parametrize(
    ("event", "value"),
    [(K.SET_HOLD, 9), (K.SET_HOLD, 61), (K.SET_HOLD, None), (K.SET_REPS, 0), (K.SET_REPS, 11)],
)
def test_settings_out_of_range_are_refused_with_the_limits(event: K, value: int | None) -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(event, value=value)
    assert reply.effects == ()
    assert ("10 to 60" if event is K.SET_HOLD else "1 to 10") in reply.text()
    assert talk.state is not None and (talk.state["hold"], talk.state["reps"]) == (20, 5)


def test_lowering_repetitions_mid_set_finishes_the_side() -> None:
    talk = Talk(max_chunk_seconds=0)
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.CONTINUE)
    talk(K.SET_REPS, value=2)
    reply = talk(K.CONTINUE)
    assert not holds(reply) and talk.phase == "checkin"


@pytest.mark.parametrize("budget", [0, 30, 60, 200])
def test_sets_split_into_turns_within_the_budget(budget: int) -> None:
    talk = Talk(max_chunk_seconds=budget)
    talk.to_first_intro("neck")
    talk(K.SET_HOLD, value=60)
    talk(K.SET_REPS, value=10)
    played: list[int] = []
    while talk.phase != "checkin":
        reply = talk(K.CONTINUE)
        assert len(holds(reply)) >= 1
        assert timed_seconds(reply) <= max(budget, 65)
        played += [h.rep for h in holds(reply)]
    assert played == list(range(1, 11))


def test_unknown_input_apologises_and_asks_again_then_offers_help(talk: Talk) -> None:
    talk.to_area_question()
    assert keys(talk(K.UNKNOWN, text="purple"))[0] == "unknown.sorry"
    talk(K.UNKNOWN, text="purple")
    assert keys(talk(K.UNKNOWN, text="purple")) == ["unknown.help", "area.question"]


def test_yes_to_the_area_question_asks_which(talk: Talk) -> None:
    talk.to_area_question()
    assert keys(talk(K.YES)) == ["area.which", "area.question"]


def test_start_over_goes_back_to_the_area_question(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    reply = talk(K.START_OVER)
    assert keys(reply) == ["start_over.ok", "area.question"]


def test_naming_another_area_mid_routine_switches_to_it(talk: Talk) -> None:
    talk.to_first_intro("neck")
    reply = talk(K.START, area="lower_back")
    assert "knee to chest" in reply.text() or reply.ask is not None


def test_history_with_and_without_sessions() -> None:
    assert keys(Talk()(K.HISTORY))[:1] == ["welcome.new"]  # a fresh start welcomes first
    talk = Talk()
    talk.to_area_question()
    assert keys(talk(K.HISTORY)) == ["history.none", "area.question"]
    from datetime import timedelta

    sessions = (
        SessionRecord(TODAY - timedelta(days=2), "neck", ("neck_flexion",), 0, False),
        SessionRecord(TODAY - timedelta(days=1), "lower_back", ("knee_to_chest",), 0, True),
    )
    talk = Talk(profile=Profile(sessions, screened_on=TODAY))
    talk(K.LAUNCH)
    text = talk(K.HISTORY).text()
    assert "Last time, yesterday, you worked on your lower back and did knee to chest." in text
    assert "2 sessions" in text and "2 days in a row" in text


def test_delete_my_data_asks_first_then_deletes() -> None:
    session = SessionRecord(TODAY, "neck", ("neck_flexion",), 0, True)
    talk = Talk(profile=Profile((session,), screened_on=TODAY))
    talk(K.LAUNCH)
    ask = talk(K.DELETE_DATA)
    assert ask.ask is not None and ask.ask.key == "delete.confirm" and ask.effects == ()
    done = talk(K.YES)
    assert done.effects == (DeleteProfile(),)
    assert keys(done)[0] == "delete.done"
    assert keys(talk(K.HISTORY))[0] == "history.none"


def test_delete_my_data_can_be_declined(talk: Talk) -> None:
    talk.to_area_question()
    talk(K.DELETE_DATA)
    reply = talk(K.NO)
    assert reply.effects == () and keys(reply) == ["delete.kept", "area.question"]


@pytest.mark.parametrize(
    ("phase", "key"), [("intro", "intro.take_time"), ("holding", "holding.take_time")]
)
def test_no_before_a_set_gives_time_and_asks_again(phase: str, key: str) -> None:
    talk = _reach(phase)
    question = talk.replies[-1].ask
    reply = talk(K.NO)
    assert keys(reply)[0] == key and reply.ask == question and talk.phase == phase
