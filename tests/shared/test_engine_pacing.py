"""Issue 14's pacing: counts and cues as spoken, cue levels, short talk, and interruptions that
keep the count true."""

from __future__ import annotations

import itertools
import re

import pytest
from engine_talk import TODAY, Talk, holds, keys
from hypothesis import given
from hypothesis import strategies as st

from shared.engine import played_to_end, session_record, sets
from shared.engine.context import Context
from shared.engine.phases import PHASES
from shared.engine.state import State
from shared.engine.turn import Turn
from shared.events import CueLevel, Feeling
from shared.events import EventKind as K
from shared.exercise_catalog import load_exercise_catalog
from shared.profile import Profile, SessionRecord
from shared.reply import Ask, Hold, RecordSession, Reply, SaveCueLevel, Say
from shared.speech_timing import spoken_seconds, word_count

VOICE = 200  # the skill's budget of heard seconds per response


def _at_set(level: CueLevel = CueLevel.NORMAL, hold: int = 20, budget: int | None = None) -> Talk:
    """At the neck routine's first introduction, with the given cue level and hold."""
    talk = Talk(max_chunk_seconds=budget)
    talk.to_area_question()
    talk(K.SET_HOLD, value=hold)
    talk(K.SET_CUES, cue_level=level)
    talk.to_first_intro_from_area("neck")
    return talk


def _cue_keys(hold: Hold) -> list[str]:
    return [c.key for c in hold.cues]


# -- counts and cues ------------------------------------------------------------------------------


def test_each_repetition_opens_with_its_count_and_the_last_is_named() -> None:
    reply = _at_set()(K.CONTINUE)
    starts = [h.cues[0].text for h in holds(reply)]
    assert starts[0].startswith("1 of 5.") and starts[3].startswith("4 of 5.")
    assert starts[-1].startswith("Last one.")
    assert all(h.cues[0].at == 0 and h.cues[-1].at == h.seconds for h in holds(reply))


@pytest.mark.parametrize(
    ("level", "first", "later"),
    [
        (CueLevel.FEWER, ["cue.start", "cue.release"], ["cue.start", "cue.release"]),
        (
            CueLevel.NORMAL,
            ["cue.start", "cue.form", "cue.halfway", "cue.count.3", "cue.count.2", "cue.count.1",
             "cue.release"],
            ["cue.start", "cue.halfway", "cue.count.3", "cue.count.2", "cue.count.1",
             "cue.release"],
        ),
        (
            CueLevel.MORE,
            ["cue.start", "cue.form", "cue.halfway", "cue.five_left", "cue.count.3",
             "cue.count.2", "cue.count.1", "cue.release"],
            ["cue.start", "cue.form", "cue.halfway", "cue.five_left", "cue.count.3",
             "cue.count.2", "cue.count.1", "cue.release"],
        ),
    ],
)  # fmt: skip
def test_cue_levels_say_what_they_promise(
    level: CueLevel, first: list[str], later: list[str]
) -> None:
    reply = _at_set(level)(K.CONTINUE)
    sets = holds(reply)
    assert _cue_keys(sets[0]) == first and _cue_keys(sets[1]) == later


def test_cue_level_is_changed_by_voice_saved_and_used_next_time() -> None:
    talk = _at_set()
    reply = talk(K.SET_CUES, cue_level=CueLevel.FEWER)
    assert reply.effects == (SaveCueLevel(CueLevel.FEWER),) and keys(reply)[0] == "cues.fewer"
    assert reply.ask is not None and reply.ask.key == "intro.ready"  # still at the same step
    assert _cue_keys(holds(talk(K.CONTINUE))[0]) == ["cue.start", "cue.release"]
    unsure = talk(K.SET_CUES)  # "change the cues" without saying how
    assert keys(unsure)[0] == "cues.which" and unsure.effects == ()
    later = Talk(profile=Profile(cue_level=CueLevel.MORE, screened_on=TODAY))
    later(K.LAUNCH)
    assert later.state is not None and later.state["cues"] == "more"


@given(
    seconds=st.integers(min_value=10, max_value=60),
    rep=st.integers(min_value=0, max_value=9),
    level=st.sampled_from(list(CueLevel)),
)
def test_inner_cues_never_overlap_as_spoken(seconds: int, rep: int, level: CueLevel) -> None:
    catalog = load_exercise_catalog()
    state = State.new(seconds, 10, level)
    turn = Turn(state, Context(today=TODAY), catalog, lambda: None, PHASES)
    for exercise in catalog.exercises:
        cues = sets.hold_cues(turn, exercise, seconds, rep, 10)
        inner = cues[1:-1]
        spans = [(c.at, c.at + spoken_seconds(c.text)) for c in inner]
        assert all(begin > 0 and end <= seconds for begin, end in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        if level is not CueLevel.FEWER:
            assert [c.key for c in inner][-3:] == ["cue.count.3", "cue.count.2", "cue.count.1"]


# -- interruptions --------------------------------------------------------------------------------


def _mid_set() -> tuple[Talk, Reply]:
    """60 s holds by voice: a side's set comes in parts of two repetitions."""
    talk = _at_set(hold=60, budget=VOICE)
    first = talk(K.CONTINUE)
    assert [h.rep for h in holds(first)] == [1, 2]
    assert first.ask is not None and first.ask.key == "continue.more"
    return talk, first


@pytest.mark.parametrize("kind", [K.NEXT, K.CONTINUE, K.YES])
def test_next_between_the_parts_of_a_set_goes_on_with_the_same_stretch(kind: K) -> None:
    talk, _ = _mid_set()
    reply = talk(kind)
    assert [h.rep for h in holds(reply)] == [3, 4]
    assert {h.exercise_id for h in holds(reply)} == {"neck_flexion"}


def test_only_skip_leaves_the_stretch_and_the_reprompts_say_so() -> None:
    talk, first = _mid_set()
    assert first.ask is not None and "or skip to leave this stretch out" in first.ask.reprompt
    helped = talk(K.HELP)
    assert "skip to leave this stretch out" in helped.text() and "next to skip" not in helped.text()
    reply = talk(K.SKIP)
    assert "skip.ok" in keys(reply) and talk.state is not None and talk.state["exercise"] == 1


def test_repeat_asks_again_and_do_it_again_redoes_the_part() -> None:
    talk, first = _mid_set()
    again = talk(K.REPEAT)
    assert not holds(again) and keys(again) == ["continue.more"]
    redo = talk(K.REDO)
    assert holds(redo) == holds(first)


def test_pause_mid_set_then_resume_restarts_that_part_and_says_so() -> None:
    talk, first = _mid_set()
    talk(K.PAUSE)
    resumed = talk(K.RESUME)
    assert keys(resumed)[0] == "pause.resumed_part"
    assert holds(resumed) == holds(first)
    assert [h.rep for h in holds(talk(K.CONTINUE))] == [3, 4]


def test_stop_right_after_a_set_does_not_count_it() -> None:
    talk = _at_set()
    talk(K.CONTINUE)  # the whole neck flexion set was sent; "Alexa, stop" may have cut it
    reply = talk(K.STOP)
    assert reply.ended and not any(isinstance(e, RecordSession) for e in reply.effects)


def test_stop_after_answering_the_check_in_counts_the_stretch() -> None:
    talk = _at_set()
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.EASY)
    (record,) = [e.record for e in talk(K.STOP).effects if isinstance(e, RecordSession)]
    assert record.stretches == ("neck_flexion",)


def test_pain_mid_set_is_recorded_and_the_part_not_counted() -> None:
    talk, _ = _mid_set()
    talk(K.CONTINUE)  # repetitions 3 and 4: confirmed the first part
    reply = talk(K.PAIN)
    assert keys(reply)[0] == "pain.first"
    assert talk.state is not None and talk.state["done"] == []
    record = session_record(talk.state, talk.context)
    assert record is not None and record.pain_stretch == "neck_flexion" and record.stretches == ()


def test_a_session_that_timed_out_after_the_response_played_counts_it() -> None:
    talk = _at_set()
    talk(K.CONTINUE)
    record = session_record(talk.state, talk.context, played_to_end=True)
    assert record is not None and record.stretches == ("neck_flexion",)


# -- short talk -----------------------------------------------------------------------------------


def _words_before_question(reply: Reply) -> int:
    said = [s.text for s in reply.steps if isinstance(s, Say)]
    return sum(word_count(text) for text in said)


def test_a_new_users_launch_is_about_60_words_before_the_first_question() -> None:
    reply = Talk()(K.LAUNCH)
    assert reply.ask is not None and reply.ask.key == "screen.question"
    assert _words_before_question(reply) <= 60
    assert "not medical advice" in reply.text() and "physical therapist" in reply.text()


def test_returning_users_hear_one_line_per_stretch_and_explain_gives_it_all() -> None:
    past = SessionRecord(TODAY, "neck", ("neck_flexion", "lateral_flexion"), 0, True)
    talk = Talk(profile=Profile((past,), screened_on=TODAY))
    talk.context = talk.context.__class__(today=TODAY, profile=talk.context.profile)
    talk(K.LAUNCH)
    reply = talk(K.YES)  # the usual neck routine
    intro = [s.text for s in reply.steps if isinstance(s, Say) and s.key.startswith("intro.")]
    assert intro == ["Stretch 1 of 2: neck flexion."]
    assert reply.ask is not None and reply.ask.text == "Say ready when you're in position."
    full = talk(K.EXPLAIN)
    assert "Slowly lower your chin toward your chest." in full.text()
    assert full.ask is not None and full.ask.key == "intro.ready"
    talk(K.CONTINUE)
    talk(K.FEELING, feeling=Feeling.GOOD)
    during = talk(K.CONTINUE)  # lateral flexion, right side
    explained = talk(K.EXPLAIN)
    assert "ear toward your shoulder" in explained.text() and not holds(explained)
    assert explained.ask is not None and during.ask is not None
    assert explained.ask.key == during.ask.key


def _sentences(reply: Reply) -> list[str]:
    text = " ".join(s.text for s in reply.steps if isinstance(s, Say | Ask))
    return [s.strip().lower() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def _content_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", sentence) if len(w) > 3}


@pytest.mark.parametrize("area", ["neck", "lower_back", "both"])
def test_no_sentence_says_the_same_thing_twice_in_a_turn(area: str) -> None:
    talk = Talk(max_chunk_seconds=VOICE)
    talk(K.LAUNCH)
    talk(K.NO)
    talk(K.NO)
    talk(K.CHOOSE_AREA, area=area)
    answers = {"screen_neck": K.NO, "tips": K.YES, "tips_more": K.YES, "checkin": K.FEELING}
    while talk.state is not None and talk.phase != "done":
        kind = answers.get(talk.phase, K.CONTINUE)
        talk(kind, feeling=Feeling.GOOD if kind is K.FEELING else None)
    for reply in talk.replies:
        sentences = _sentences(reply)
        assert len(sentences) == len(set(sentences)), sentences
        for i, one in enumerate(sentences):
            for other in sentences[i + 1 :]:
                a, b = _content_words(one), _content_words(other)
                if len(a) >= 3 and len(b) >= 3:
                    assert len(a & b) / len(a | b) < 0.6, (one, other)


def test_skip_in_the_middle_of_a_sets_last_part_leaves_the_stretch_not_done() -> None:
    talk = _at_set()
    talk(K.CONTINUE)  # the whole set sent; "skip" may have cut it short
    talk(K.SKIP)
    assert talk.state is not None and talk.state["done"] == []
    assert talk.state["skipped"] == ["neck_flexion"]


def test_a_front_end_that_showed_the_set_to_its_end_keeps_it_counted() -> None:
    talk = _at_set()
    talk(K.CONTINUE)
    talk.state = played_to_end(talk.state)  # a timed front end counted every hold down
    reply = talk(K.STOP)
    (record,) = [e.record for e in reply.effects if isinstance(e, RecordSession)]
    assert record.stretches == ("neck_flexion",)
    assert played_to_end({"version": 99}) == {"version": 99}  # a state that does not load
