"""What the coach says up front is what is heard (#14), in audio: the lower-back routine's
announced duration against the whole routine rendered, and the new user's launch kept short."""

from __future__ import annotations

import re

import pytest

from shared.speech_timing import USER_REPLY_SECONDS, word_count

from .heard import Espeak, ssml_parts
from .talk import Talk, announced_seconds

ROUTINE_TOLERANCE = 0.10
LAUNCH_WORDS = 60


def _plain(ssml: str) -> str:
    return " ".join(str(value) for kind, value in ssml_parts(ssml) if kind == "speech")


@pytest.mark.parametrize("seconds", [None, 30], ids=lambda s: f"{s}s" if s else "default")
def test_the_announced_duration_is_what_the_routine_takes_as_heard(
    espeak: Espeak, talk: Talk, seconds: int | None
) -> None:
    """Played the way the estimate plays it: no to the screen, the area, no tips, ready to each
    stretch and side, good at each check-in; a reply costs USER_REPLY_SECONDS."""
    talk.to_area_question()
    if seconds is not None:
        talk.say(f"hold for {seconds} seconds")
    chosen = talk.say("lower back")
    announced = announced_seconds(_plain(chosen.ssml))
    talk.say("no")
    turns = talk.play_routine()
    routine = turns[turns.index(chosen) :]
    assert routine[-1].ended
    heard = sum(espeak.timeline(turn.ssml).seconds for turn in routine)
    replies = len(routine) - 1  # every turn after the area was chosen answers a reply
    total = heard + replies * USER_REPLY_SECONDS
    modelled = sum(turn.speech.heard_seconds for turn in routine)
    print(
        f"\nlower back at {seconds or 'default'} s holds: announced {announced / 60:.1f} min; "
        f"heard in audio {heard:.0f} s + {replies} replies x {USER_REPLY_SECONDS:.0f} s = "
        f"{total:.0f} s ({total / 60:.2f} min, {total / announced - 1:+.1%}); "
        f"renderer {modelled:.0f} s + replies = {(modelled + replies * USER_REPLY_SECONDS):.0f} s"
    )
    assert abs(total - announced) <= ROUTINE_TOLERANCE * announced


def test_a_new_user_hears_at_most_60_words_before_the_first_question(
    espeak: Espeak, talk: Talk
) -> None:
    text = _plain(talk.launch().ssml)
    sentences = re.split(r"(?<=[.?!])\s+", text)
    first_question = next(i for i, s in enumerate(sentences) if s.endswith("?"))
    before = " ".join(sentences[:first_question])
    words = word_count(before)
    print(
        f"\nnew-user launch: {words} words, {espeak.seconds(before):.1f} s heard before the "
        f"first question ({espeak.timeline(talk.turns[-1].ssml).seconds:.1f} s with it): "
        f"{before!r}"
    )
    assert words <= LAUNCH_WORDS
