"""Issue 13's flows: urgency levels, the neck-only screen, symptoms, pain memory, delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_talk import TODAY, Talk, keys

from shared.events import STOP_FEELINGS, Feeling
from shared.events import EventKind as K
from shared.profile import Profile, SessionRecord
from shared.reply import ClearScreening, DeleteProfile, MarkScreened, RecordSession


def _record(reply: object) -> SessionRecord:
    effects = getattr(reply, "effects", ())
    return next(e.record for e in effects if isinstance(e, RecordSession))


def test_neck_signs_leave_out_the_neck_and_keep_the_lower_back() -> None:
    talk = Talk()
    talk.to_area_question()
    chosen = talk(K.CHOOSE_AREA, area="both")
    assert chosen.ask is not None and chosen.ask.key == "screen.neck_question"
    assert len(chosen.ask.text.split()) <= 22
    reply = talk(K.YES)
    assert "screen.neck_warning" in keys(reply) and ClearScreening() in reply.effects
    assert talk.state is not None and talk.state["area"] == "lower_back"
    assert talk(K.CHOOSE_AREA, area="neck").steps[0].key == "blocked.area"


def test_neck_signs_with_only_the_neck_chosen_offer_the_lower_back_or_finish() -> None:
    talk = Talk()
    talk.to_area_question()
    talk(K.CHOOSE_AREA, area="neck")
    offer = talk(K.YES)
    assert offer.ask is not None and offer.ask.key == "memory.offer_other"
    assert "lower back" in offer.ask.text
    started = talk(K.YES)
    assert "lower back" in started.text() and talk.phase == "tips"


def test_the_lower_back_alone_is_not_asked_the_neck_questions() -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.CHOOSE_AREA, area="lower_back")
    assert reply.ask is not None and reply.ask.key == "tips.question"


def test_every_screen_question_is_short() -> None:
    talk = Talk()
    asks = [talk(K.LAUNCH).ask, talk(K.NO).ask]
    talk(K.NO)
    asks.append(talk(K.CHOOSE_AREA, area="neck").ask)
    for ask in asks:
        assert ask is not None and len(ask.text.split()) <= 22, ask.text
        assert len(ask.reprompt.split()) <= 20


def test_help_at_the_screen_asks_the_short_form_not_the_whole_screen() -> None:
    talk = Talk()
    talk(K.LAUNCH)
    reply = talk(K.HELP)
    assert reply.ask is not None and reply.ask.key == "screen.reprompt"


@pytest.mark.parametrize("feeling", sorted(STOP_FEELINGS))
def test_symptoms_stop_at_once_at_any_step(feeling: Feeling) -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.GOOD)  # the first stretch done and answered for
    reply = talk(K.FEELING, feeling=feeling)  # said at the second stretch's introduction
    assert reply.ended and "checked by a doctor promptly" in reply.text()
    assert ClearScreening() in reply.effects
    record = _record(reply)
    assert record.stopped_for == "symptom" and record.stretches == ("neck_flexion",)
    assert ("lateral_flexion", feeling.value) in record.feelings
    assert ("symptom.neck_shock" in keys(reply)) is (feeling is Feeling.SHOOTING)


def test_a_symptom_during_a_set_is_recorded_and_the_set_is_not_counted() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.CONTINUE)  # the set was sent; "Alexa, I feel dizzy" may have cut it short
    reply = talk(K.FEELING, feeling=Feeling.DIZZY)
    record = _record(reply)
    assert reply.ended and record.stopped_for == "symptom" and record.stretches == ()
    assert ("neck_flexion", "dizzy") in record.feelings


def test_a_symptom_said_before_any_stretch_also_stops() -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.FEELING, feeling=Feeling.DIZZY)
    assert reply.ended and keys(reply)[0] == "symptom.stop"


def test_check_in_answers_are_recorded_per_stretch() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.TIGHT)
    talk(K.CONTINUE)
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.EASY)
    reply = talk(K.STOP) if not talk.replies[-1].ended else talk.replies[-1]
    record = _record(reply)
    assert record.feelings == (("neck_flexion", "tight"), ("lateral_flexion", "easy"))


def test_painful_at_the_check_in_is_a_pain_report() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    reply = talk(K.FEELING, feeling=Feeling.PAINFUL)
    assert keys(reply)[0] == "pain.first" and talk.state is not None
    assert talk.state["pains"] == 1 and talk.state["pain_stretch"] == "neck_flexion"


def test_my_neck_hurts_at_the_area_question_chooses_the_neck_without_counting_pain() -> None:
    talk = Talk()
    talk.to_area_question()
    reply = talk(K.PAIN, area="neck")
    assert keys(reply)[:2] == ["pain.chosen", "area.chosen"]
    assert talk.state is not None and talk.state["area"] == "neck" and talk.state["pains"] == 0


def test_pain_in_knee_to_chest_leaves_out_back_flexion_too() -> None:
    talk = Talk()
    talk.to_first_intro("lower_back")
    talk(K.CONTINUE)
    reply = talk(K.PAIN)
    assert "pain.deeper_skipped" in keys(reply) and "back flexion" in reply.text()
    assert reply.ended  # nothing else is left of the lower back today
    assert _record(reply).pain_stretch == "knee_to_chest"


def _after_pain_stop() -> Profile:
    record = SessionRecord(
        TODAY - timedelta(days=1),
        "lower_back",
        ("knee_to_chest",),
        pain_reports=2,
        pain_stretch="back_flexion",
        stopped_for="pain",
    )
    return Profile(sessions=(record,), screened_on=None)


def test_the_next_launch_after_a_pain_stop_remembers_it_and_screens_again() -> None:
    talk = Talk(profile=_after_pain_stop())
    reply = talk(K.LAUNCH)
    assert reply.ask is not None and reply.ask.key == "memory.question"
    assert "lower back hurt during back flexion" in reply.ask.text
    better = talk(K.YES)
    assert better.ask is not None and better.ask.key == "screen.question"


def test_pain_not_better_advises_a_clinician_and_offers_only_the_other_area() -> None:
    talk = Talk(profile=_after_pain_stop())
    talk(K.LAUNCH)
    reply = talk(K.NO)
    assert "doctor or physical therapist" in reply.text()
    assert reply.ask is not None and "neck and shoulders" in reply.ask.text
    assert talk(K.CHOOSE_AREA, area="lower_back").steps[0].key == "blocked.area"
    talk(K.YES)  # the neck instead: the screen comes first
    assert talk.phase == "screen"
    talk(K.NO)
    talk(K.NO)
    assert talk.state is not None and talk.state["area"] == "neck"


def test_pain_memory_then_finish() -> None:
    talk = Talk(profile=_after_pain_stop())
    talk(K.LAUNCH)
    talk(K.NO)
    assert talk(K.NO).ended


def test_the_same_day_relaunch_after_a_pain_stop_is_not_business_as_usual() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.PAIN)
    talk(K.YES)
    stop = talk(K.PAIN)
    profile = Profile(sessions=(_record(stop),), screened_on=None)
    again = Talk(profile=profile)(K.LAUNCH)
    assert again.ask is not None and again.ask.key == "memory.question"


def test_delete_then_yes_goes_on_at_the_area_question_without_a_loop() -> None:
    usual = SessionRecord(TODAY, "neck", ("neck_flexion",), 0, True)
    talk = Talk(profile=Profile((usual,), screened_on=TODAY))
    talk(K.LAUNCH)
    assert talk.phase == "offer_usual"
    talk(K.DELETE_DATA)
    deleted = talk(K.YES)
    assert DeleteProfile() in deleted.effects and "usual" not in deleted.text()
    assert deleted.ask is not None and deleted.ask.key == "area.question"
    assert talk(K.YES).ask is not None and talk.phase == "area"  # asks which, no loop


def test_passing_the_screen_marks_it_once() -> None:
    talk = Talk()
    talk(K.LAUNCH)
    assert talk(K.NO).effects == ()
    assert talk(K.NO).effects == (MarkScreened(),)


def test_my_neck_is_stiff_at_the_check_in_is_an_answer_not_a_new_routine() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    talk(K.CONTINUE)
    reply = talk(K.CHOOSE_AREA, area="neck")
    assert keys(reply)[0] == "checkin.tight" and "Stretch 2 of 2" in reply.text()
    assert talk.state is not None and talk.state["feelings"] == [["neck_flexion", "tight"]]


def test_naming_the_area_under_way_mid_stretch_does_not_restart_it() -> None:
    talk = Talk()
    talk.to_first_intro("neck")
    reply = talk(K.CHOOSE_AREA, area="neck")
    assert keys(reply) == ["intro.ready"] and talk.phase == "intro"
