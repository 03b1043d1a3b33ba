"""The conversation from welcome to wrap-up, for each area."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from engine_talk import TODAY, Ask, End, Talk, holds, keys, timed_seconds

from shared.engine.estimate import steps_heard_seconds
from shared.events import Event, Feeling
from shared.events import EventKind as K
from shared.profile import Profile, SessionRecord
from shared.reply import Card, ClearScreening, MarkScreened, RecordSession, Reply, Say
from shared.speech_timing import USER_REPLY_SECONDS


def test_new_user_is_welcomed_told_it_is_not_medical_advice_and_screened(talk: Talk) -> None:
    reply = talk(K.LAUNCH)
    assert keys(reply)[0] == "welcome.new"
    assert any("not medical advice" in s.text for s in reply.steps if isinstance(s, Say))
    assert reply.ask is not None and reply.ask.key == "screen.question"
    assert "numbness" in reply.ask.text and "bladder" in reply.ask.text
    assert talk.phase == "screen"


def test_an_emergency_sign_sends_to_the_emergency_department_and_ends(talk: Talk) -> None:
    talk(K.LAUNCH)
    reply = talk(K.YES)
    assert reply.ended
    assert "emergency department now" in reply.text() and "local emergency number" in reply.text()
    assert not holds(reply)
    assert reply.effects == (ClearScreening(),)  # asked again next visit
    assert talk.phase == "done"


def test_an_urgent_sign_advises_a_doctor_soon_and_no_stretches_today(talk: Talk) -> None:
    talk(K.LAUNCH)
    urgent = talk(K.NO)
    assert urgent.ask is not None and urgent.ask.key == "screen.urgent_question"
    assert "fall" in urgent.ask.text and "night" in urgent.ask.text
    reply = talk(K.YES)
    assert reply.ended and "see your doctor soon" in reply.text() and "no stretches" in reply.text()
    assert reply.effects == (ClearScreening(),)


def test_no_warning_signs_marks_the_screen_and_asks_the_area(talk: Talk) -> None:
    talk(K.LAUNCH)
    talk(K.NO)
    reply = talk(K.NO)
    assert MarkScreened() in reply.effects
    assert reply.ask is not None and reply.ask.key == "area.question"


def test_screening_cannot_be_skipped(talk: Talk) -> None:
    talk(K.LAUNCH)
    reply = talk(K.NEXT)
    assert keys(reply) == ["screen.required", "screen.question"]


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("neck", ["neck_flexion", "lateral_flexion"]),
        ("lower_back", ["knee_to_chest", "back_flexion"]),
        ("both", ["neck_flexion", "lateral_flexion", "knee_to_chest", "back_flexion"]),
    ],
)
def test_each_area_runs_start_to_finish(talk: Talk, area: str, expected: list[str]) -> None:
    talk.to_first_intro(area)
    finished: list[str] = []
    for _ in range(40):
        reply = talk(K.CONTINUE)
        finished += [h.exercise_id for h in holds(reply) if h.rep == h.reps]
        if reply.ended:
            break
    assert reply.ended and reply.steps[-1].key == "wrap.goodbye"
    assert list(dict.fromkeys(finished)) == expected
    record = next(e.record for e in reply.effects if isinstance(e, RecordSession))
    assert record.stretches == tuple(expected) and record.completed and record.area == area
    assert "weeks or months" in reply.text() and "may improve" in reply.text()


def test_tips_cover_clothes_surface_and_safety_rules(talk: Talk) -> None:
    talk.to_area_question()
    reply = talk(K.CHOOSE_AREA, area="lower_back")
    assert reply.ask is not None and reply.ask.key == "tips.question"
    first = talk(K.YES)  # two short turns: preparing, then safety
    assert first.ask is not None and first.ask.key == "tips.more_question"
    assert "sneakers" in first.text() and "flat, open surface" in first.text()
    text = talk(K.YES).text()
    for fact in ("never be painful", "Never bounce", "tear"):
        assert fact in text
    assert "20 to 30 seconds" in text and "5 to 10 times" in text
    assert len(first.text().split()) < 60 and talk.phase == "intro"


def test_safety_tips_can_be_declined_and_asked_for_later(talk: Talk) -> None:
    talk.to_area_question()
    talk(K.CHOOSE_AREA, area="lower_back")
    talk(K.YES)
    reply = talk(K.NO)
    assert talk.phase == "intro" and "Never bounce" not in reply.text()
    later = talk(K.TIPS)
    assert "Never bounce" in later.text() and "sneakers" in later.text()
    assert later.ask is not None and later.ask.key == "intro.ready" and talk.phase == "intro"


def test_explanation_has_setup_instructions_feel_and_a_card(talk: Talk) -> None:
    reply = talk.to_first_intro("lower_back")
    text = reply.text()
    assert "Lie on your back with your knees bent" in text
    assert "one leg at a time" in text
    assert "Start with your right leg." in text
    assert isinstance(reply.card, Card) and reply.card.title == "Knee to chest"
    assert "behind one knee" in reply.card.text
    assert reply.ask is not None and reply.ask.key == "intro.ready"


def test_a_set_paces_holds_rests_and_cues_exactly(talk: Talk) -> None:
    talk.to_first_intro("neck")
    reply = talk(K.CONTINUE)
    hold_steps = holds(reply)
    assert [h.rep for h in hold_steps] == [1, 2, 3, 4, 5]
    assert all(h.seconds == 20 and h.reps == 5 and h.side is None for h in hold_steps)
    cues = {c.key: c.at for c in hold_steps[0].cues}
    assert cues == {  # the default cues are sparse: the form cue on the first repetition only
        "cue.start": 0,
        "cue.form": 2,
        "cue.halfway": 10,
        "cue.count.3": 17,
        "cue.count.2": 18,
        "cue.count.1": 19,
        "cue.release": 20,
    }
    assert "cue.form" not in {c.key for c in hold_steps[1].cues}
    starts = [h.cues[0].text for h in hold_steps]
    assert [s.split(".")[0] for s in starts] == ["1 of 5", "2 of 5", "3 of 5", "4 of 5", "Last one"]
    assert keys(reply).count("rest.between") == 4
    assert timed_seconds(reply) == 5 * 20 + 4 * 5


def test_two_sided_stretches_switch_sides_with_a_pause(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.GOOD)  # check-in answered
    right = talk(K.CONTINUE)
    assert {h.side for h in holds(right)} == {"right"}
    assert right.ask is not None and right.ask.key == "continue.side"
    assert right.ask.kind == "continue" and "left side" in right.ask.text
    left = talk(K.CONTINUE)
    assert {h.side for h in holds(left)} == {"left"}
    assert keys(left)[0] == "rest.switch"


def test_check_in_follows_each_stretch_then_the_next_is_explained(talk: Talk) -> None:
    talk.to_first_intro("neck")
    reply = talk(K.CONTINUE)
    assert reply.ask is not None and reply.ask.key == "checkin.question"
    unclear = talk(K.UNKNOWN, text="pretty good")
    assert keys(unclear) == ["checkin.again"] and talk.phase == "checkin"  # never taken as fine
    after = talk(K.FEELING, feeling=Feeling.GOOD)
    assert keys(after)[0] == "checkin.good"
    assert "Stretch 2 of 2: lateral neck flexion." in after.text()


def test_returning_user_gets_a_streak_greeting_and_their_usual_routine() -> None:
    days = [TODAY - timedelta(days=n) for n in (1, 2, 3)]
    sessions = tuple(SessionRecord(d, "lower_back", ("knee_to_chest",), 0, True) for d in days)
    talk = Talk(profile=Profile(sessions=sessions, screened_on=TODAY - timedelta(days=3)))
    reply = talk(K.LAUNCH)
    assert keys(reply)[0] == "welcome.streak" and "3 days in a row" in reply.text()
    assert reply.ask is not None and reply.ask.key == "usual.question"
    assert "lower back" in reply.ask.text
    started = talk(K.YES)  # returning users skip the tips, and hear one line for a known stretch
    assert started.ask is not None and started.ask.key == "intro.ready"
    assert "Stretch 1 of 2: knee to chest, right leg first." in started.text()
    assert "Lie on your back" not in started.text()
    explained = talk(K.EXPLAIN)
    assert "Lie on your back" in explained.text() and talk.phase == "intro"
    second = talk(K.SKIP)
    assert "Lie on your back with your knees bent" in second.text()  # never done: in full


def test_returning_user_is_screened_again_after_a_month() -> None:
    old = TODAY - timedelta(days=31)
    profile = Profile(sessions=(SessionRecord(old, "neck", (), 0, False),), screened_on=old)
    reply = Talk(profile=profile)(K.LAUNCH)
    assert keys(reply)[0] == "welcome.back"
    assert reply.ask is not None and reply.ask.key == "screen.question"


def test_one_shot_start_with_an_area_goes_straight_to_that_routine_after_screening(
    talk: Talk,
) -> None:
    first = talk(K.START, area="lower_back")
    assert first.ask is not None and first.ask.key == "screen.question"
    talk(K.NO)
    reply = talk(K.NO)
    assert "lower back" in reply.text() and reply.ask is not None
    assert reply.ask.key == "tips.question"


def test_profile_preferences_set_the_pacing() -> None:
    talk = Talk(profile=Profile(hold_seconds=30, reps=3, screened_on=TODAY))
    talk(K.START, area="neck")
    reply = talk(K.NO)  # no tips
    assert "Hold for 30 seconds, 3 times" in reply.text()
    assert [h.seconds for h in holds(talk(K.CONTINUE))] == [30, 30, 30]


def _played_through(talk: Talk, first: Reply) -> float:
    """Heard seconds from `first` to the goodbye, answering at once as the estimate does."""
    total, reply = 0.0, first
    answers = {
        "screen_neck": Event(K.NO),
        "tips": Event(K.NO),
        "intro": Event(K.CONTINUE),
        "holding": Event(K.CONTINUE),
        "checkin": Event(K.FEELING, feeling=Feeling.GOOD),
    }
    steps = [s for s in first.steps if s.key != "area.chosen"]
    total += steps_heard_seconds(steps)
    while not reply.ended:
        total += USER_REPLY_SECONDS
        event = answers[talk.phase]
        reply = talk(event.kind, feeling=event.feeling)
        total += steps_heard_seconds(reply.steps)
    return total


@pytest.mark.parametrize("area", ["neck", "lower_back", "both"])
@pytest.mark.parametrize("hold", [20, 30])
def test_the_time_announced_is_the_routine_as_heard(area: str, hold: int) -> None:
    talk = Talk(max_chunk_seconds=200)
    talk.to_area_question()
    talk(K.SET_HOLD, value=hold)
    first = talk(K.CHOOSE_AREA, area=area)
    announced = next(s.text for s in first.steps if s.key == "area.chosen")
    heard = _played_through(talk, first)
    halves = round(heard / 30)
    said = f"{halves // 2} and a half minutes" if halves % 2 else f"{halves // 2} minutes"
    assert f"about {said}" in announced, (announced, heard)


def test_duration_before_and_during_a_routine(talk: Talk) -> None:
    talk.to_area_question()
    reply = talk(K.DURATION)
    assert reply.steps[0].key == "duration.choices"
    assert "Neck and shoulders take about" in reply.text()
    assert reply.ask is not None and reply.ask.key == "area.question"
    talk(K.CHOOSE_AREA, area="neck")
    talk(K.NO)  # no neck warning signs
    talk(K.NO)  # no tips
    before = talk(K.DURATION)
    talk(K.CONTINUE)  # the first stretch's set is played
    during = talk(K.DURATION)
    minutes_before = _announced_minutes(before.text())
    minutes_during = _announced_minutes(during.text())
    assert 0 < minutes_during < minutes_before


def _announced_minutes(text: str) -> float:
    match = re.search(r"about (\d+)( and a half)? minutes", text)
    assert match, text
    return int(match[1]) + (0.5 if match[2] else 0)


def test_stop_ends_with_a_summary_and_saves_what_was_done(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.GOOD)
    reply = talk(K.STOP)
    assert reply.ended and "neck flexion" in reply.text()
    (effect,) = reply.effects
    assert isinstance(effect, RecordSession) and not effect.record.completed
    assert effect.record.stretches == ("neck_flexion",)


def test_stop_before_anything_saves_nothing(talk: Talk) -> None:
    talk(K.LAUNCH)
    reply = talk(K.STOP)
    assert reply.ended and reply.effects == ()


def test_a_finished_conversation_starts_afresh(talk: Talk) -> None:
    talk(K.LAUNCH)
    talk(K.STOP)
    reply = talk(K.LAUNCH)
    assert keys(reply)[0] == "welcome.new" and talk.phase == "screen"


def test_every_open_reply_ends_with_a_question_and_reprompt(talk: Talk) -> None:
    talk.to_first_intro("both", tips=True)
    for reply in talk.replies:
        if not reply.ended:
            assert isinstance(reply.steps[-1], Ask) and reply.steps[-1].reprompt
        else:
            assert isinstance(reply.steps[-1], End)
