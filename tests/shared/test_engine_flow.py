"""The conversation from welcome to wrap-up, for each area."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_talk import TODAY, Ask, End, Talk, holds, keys, timed_seconds

from shared.events import EventKind as K
from shared.events import Feeling
from shared.exercise_catalog import load_exercise_catalog
from shared.profile import Profile, SessionRecord
from shared.reply import Card, ClearScreening, MarkScreened, RecordSession, Say
from shared.routine import Pacing, routine_seconds


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
    text = talk(K.YES).text()
    for fact in ("sneakers", "flat, open surface", "never be painful", "Never bounce", "tear"):
        assert fact in text
    assert "20 to 30 seconds" in text and "5 to 10 times" in text


def test_explanation_has_setup_instructions_feel_and_a_card(talk: Talk) -> None:
    reply = talk.to_first_intro("lower_back")
    text = reply.text()
    assert "Lie on your back with your knees bent" in text
    assert "one leg at a time" in text
    assert "right leg first, then your left leg" in text
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
    assert cues == {
        "cue.start_first": 0,
        "cue.form": 5,
        "cue.halfway": 10,
        "cue.five_left": 15,
        "cue.release": 20,
    }
    assert hold_steps[1].cues[0].key == "cue.start_again"
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
    started = talk(K.YES)
    assert "Stretch 1 of 2: knee to chest." in started.text()  # returning users skip the tips


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
    assert "hold for 30 seconds, 3 times" in reply.text()
    assert [h.seconds for h in holds(talk(K.CONTINUE))] == [30, 30, 30]


def test_total_time_is_known_up_front() -> None:
    catalog = load_exercise_catalog()
    expected = routine_seconds(catalog.for_area("both"), Pacing())
    assert expected == sum(
        (2 if e.sides else 1) * (5 * 20 + 4 * 5) + (5 if e.sides else 0) + 25
        for e in catalog.exercises
    )
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.CHOOSE_AREA, area="both")
    assert f"about {(expected + 30) // 60} minutes" in reply.text()


def test_duration_before_and_during_a_routine(talk: Talk) -> None:
    talk.to_area_question()
    reply = talk(K.DURATION)
    assert reply.steps[0].key == "duration.choices"
    assert "Neck and shoulders take about" in reply.text()
    assert reply.ask is not None and reply.ask.key == "area.question"
    talk(K.CHOOSE_AREA, area="neck")
    talk(K.NO)  # no neck warning signs
    talk(K.NO)  # no tips
    talk(K.CONTINUE)  # neck flexion done, 2 sides x 120 s + 5 s switch + 25 s intro remain
    during = talk(K.DURATION)
    assert "takes about 5 minutes" in during.text()


def test_stop_ends_with_a_summary_and_saves_what_was_done(talk: Talk) -> None:
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
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
