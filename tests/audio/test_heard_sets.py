"""A whole set as heard (#14), in audio: a response of repetitions with their rests is as long as
the renderer says it is, and each rest lasts its seconds from the start of its words to the next
start cue."""

from __future__ import annotations

import pytest

from .heard import Espeak, heard_steps
from .talk import Talk, Turn

SET_TOLERANCE = 0.05
REST_TOLERANCE_SECONDS = 0.5


def set_turns(talk: Talk, seconds: int) -> list[Turn]:
    """The responses of the lower-back routine that play repetitions, at `seconds` holds."""
    talk.to_area_question()
    talk.say("lower back")
    talk.say(f"hold for {seconds} seconds")
    talk.say("no")
    return [turn for turn in talk.play_routine() if turn.holds]


@pytest.mark.parametrize("seconds", [20, 30], ids=lambda s: f"{s}s")
def test_a_whole_set_is_heard_as_long_as_the_renderer_says(
    espeak: Espeak, talk: Talk, seconds: int
) -> None:
    turns = set_turns(talk, seconds)
    if seconds == 20:  # at the default pacing one response holds all 5 repetitions of a side
        assert [len(t.holds) for t in turns] == [5, 5, 5]
    print()
    for turn in turns:
        timeline = espeak.timeline(turn.ssml)
        error = timeline.seconds / turn.speech.heard_seconds - 1
        print(
            f"{seconds} s holds, {len(turn.holds)} reps of {turn.holds[0].exercise_id} "
            f"({turn.holds[0].side or 'no side'}): heard {timeline.seconds:.1f} s in audio "
            f"({timeline.speech_seconds:.1f} s speech, {timeline.break_seconds:.1f} s breaks), "
            f"renderer {turn.speech.heard_seconds:.1f} s: {error:+.1%}"
        )
        assert turn.speech.break_seconds == pytest.approx(timeline.break_seconds, abs=0.01)
        assert abs(error) <= SET_TOLERANCE


@pytest.mark.parametrize("seconds", [20, 30], ids=lambda s: f"{s}s")
def test_each_rest_lasts_its_seconds_from_its_words_to_the_next_start_cue(
    espeak: Espeak, talk: Talk, seconds: int
) -> None:
    rests = []
    for turn in set_turns(talk, seconds):
        rests += heard_steps(espeak.timeline(turn.ssml), turn.reply.steps)[1]
    reasons = {r.rest.reason for r in rests}
    assert reasons == {"between_reps", "switch_sides"}
    print()
    for reason in sorted(reasons):
        these = [r for r in rests if r.rest.reason == reason]
        errors = [r.seconds - r.rest.seconds for r in these]
        after = [r.seconds_after_release - r.rest.seconds for r in these]
        print(
            f"{seconds} s holds, {len(these)} rests {reason} of {these[0].rest.seconds} s: error "
            f"{min(errors):+.2f} to {max(errors):+.2f} s from the start of their words, "
            f"{min(after):+.2f} to {max(after):+.2f} s from the end of the release before them"
        )
    for rest in rests:
        assert abs(rest.seconds - rest.rest.seconds) <= REST_TOLERANCE_SECONDS, (
            f"{rest.rest.text!r} is heard {rest.seconds:.2f} s for {rest.rest.seconds} s"
        )
