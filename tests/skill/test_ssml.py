"""`skill.ssml.render` on hand-built Replies: chained breaks, cues on their second, escaping,
reprompts and the limits Alexa puts on a response."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from alexa_requests import read_ssml

from shared.exercise_catalog import Side
from shared.reply import Ask, Card, Cue, End, Hold, Reply, Rest, Say
from skill.ssml import (
    MAX_BREAK_SECONDS,
    MAX_SSML_CHARS,
    MAX_TIMED_SECONDS,
    SpeechLimitError,
    breaks,
    check_limits,
    render,
)


def hold(seconds: int, *cues: Cue, side: Side | None = None) -> Hold:
    label = f"{side} side" if side else None
    return Hold("knee_to_chest", "knee to chest", seconds, 1, 2, side, label, cues)


def cue(at: int, text: str) -> Cue:
    return Cue(at, f"cue.{at}", text)


def rest(seconds: int, text: str = "Relax and rest.") -> Rest:
    return Rest(seconds, "between_reps", "rest", text)


ASK = Ask("ask.ready", "Ready for your left side?", "Say ready, or next to skip.")


def seconds_before_each_text(ssml: str) -> dict[str, int]:
    """For each piece of text in the document, the seconds of break that precede it."""
    root = ET.fromstring(ssml)
    elapsed, found = 0, {}
    if root.text and root.text.strip():
        found[root.text.strip()] = 0
    for node in root:
        assert node.tag == "break"
        time = node.get("time", "")
        assert time.endswith("s") and not time.endswith("ms")
        elapsed += int(time[:-1])
        if node.tail and node.tail.strip():
            found[node.tail.strip()] = elapsed
    return found


# -- breaks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, []),
        (1, [1]),
        (9, [9]),
        (10, [10]),
        (11, [10, 1]),
        (20, [10, 10]),
        (25, [10, 10, 5]),
        (240, [10] * 24),
    ],
)
def test_breaks_are_chained_in_pieces_of_at_most_ten_seconds(
    seconds: int, expected: list[int]
) -> None:
    ssml = breaks(seconds)
    assert ssml == "".join(f'<break time="{s}s"/>' for s in expected)
    spoken = read_ssml(f"<speak>{ssml}</speak>")
    assert spoken.breaks == tuple(float(s) for s in expected)
    assert all(b <= MAX_BREAK_SECONDS for b in spoken.breaks)


def test_a_25_second_hold_is_ten_ten_five() -> None:
    speech = render(Reply((hold(25),), {}))
    assert read_ssml(speech.ssml).breaks == (10.0, 10.0, 5.0)
    assert speech.timed_seconds == 25


def test_a_rest_speaks_then_pauses() -> None:
    speech = render(Reply((rest(15, "Switch sides."),), {}))
    assert speech.ssml == '<speak>Switch sides. <break time="10s"/><break time="5s"/></speak>'
    assert speech.timed_seconds == 15


# -- cues -----------------------------------------------------------------------------------------


def test_cues_are_spoken_at_their_exact_second() -> None:
    cues = (
        cue(0, "Ease in, and hold."),
        cue(7, "Breathe slowly."),
        cue(15, "Halfway there."),
        cue(25, "Five more seconds."),
        cue(30, "Release."),
    )
    speech = render(Reply((hold(30, *cues),), {}))
    placed = seconds_before_each_text(speech.ssml)
    assert placed == {c.text: c.at for c in cues}
    assert read_ssml(speech.ssml).break_total == 30
    assert all(b <= 10 for b in read_ssml(speech.ssml).breaks)


def test_cues_land_on_their_second_after_earlier_steps_too() -> None:
    steps = (
        Say("intro", "Stretch 1 of 2."),
        hold(20, cue(0, "Hold."), cue(13, "Nearly."), cue(20, "Let go.")),
        rest(5),
        hold(20, cue(0, "Again."), cue(10, "Halfway.")),
        ASK,
    )
    speech = render(Reply(steps, {}))
    placed = seconds_before_each_text(speech.ssml)
    assert placed["Stretch 1 of 2. Hold."] == 0
    assert placed["Nearly."] == 13
    assert placed["Let go. Relax and rest."] == 20
    assert placed["Again."] == 25
    assert placed["Halfway."] == 35
    # the closing question comes after the whole second hold
    assert placed[ASK.text] == 45
    assert speech.timed_seconds == 45


def test_a_hold_with_no_cues_is_only_silence() -> None:
    assert render(Reply((hold(12),), {})).ssml == (
        '<speak><break time="10s"/><break time="2s"/></speak>'
    )


# -- text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("less < more", "less &lt; more"),
        ("more > less", "more &gt; less"),
        ("<break time='99s'/>", "&lt;break time='99s'/&gt;"),
        ("a &amp; b", "a &amp;amp; b"),
    ],
)
def test_text_is_escaped_everywhere_it_appears(text: str, escaped: str) -> None:
    steps = (
        Say("say", text),
        hold(10, cue(0, text)),
        rest(1, text),
        Ask("ask", text, text),
    )
    speech = render(Reply(steps, {}))
    assert speech.ssml.count(escaped) == 4
    assert speech.reprompt_ssml == f"<speak>{escaped}</speak>"
    spoken = read_ssml(speech.ssml)
    assert spoken.text.count(text) == 4
    assert spoken.break_total == 11  # the text's own "<break>" stayed text
    assert read_ssml(speech.reprompt_ssml).text == text


def test_steps_are_spoken_in_order() -> None:
    steps = (Say("a", "One."), Say("b", "Two."), End("bye", "Goodbye."))
    assert render(Reply(steps, {})).ssml == "<speak>One. Two. Goodbye.</speak>"


# -- reprompts and cards --------------------------------------------------------------------------


def test_the_reprompt_comes_from_the_closing_ask() -> None:
    speech = render(Reply((Say("s", "Hello."), ASK), {}))
    assert speech.reprompt_ssml == "<speak>Say ready, or next to skip.</speak>"
    assert speech.ssml == "<speak>Hello. Ready for your left side?</speak>"


def test_an_ask_that_is_not_last_gives_no_reprompt() -> None:
    speech = render(Reply((ASK, Say("s", "Never mind.")), {}))
    assert speech.reprompt_ssml is None


def test_an_ended_reply_has_no_reprompt_and_keeps_its_card() -> None:
    card = Card("Knee to chest", "Lie on your back & breathe.")
    reply = Reply((Say("s", "Well done."), End("bye", "Goodbye.")), {}, card=card)
    assert reply.ended
    speech = render(reply)
    assert speech.reprompt_ssml is None
    assert speech.card == card  # cards are plain text: not escaped
    assert speech.ssml == "<speak>Well done. Goodbye.</speak>"


def test_an_empty_reply_is_an_empty_speak() -> None:
    speech = render(Reply((), {}))
    assert speech.ssml == "<speak></speak>" and speech.reprompt_ssml is None
    assert speech.timed_seconds == 0


# -- limits ---------------------------------------------------------------------------------------


def test_exactly_240_seconds_of_breaks_is_allowed() -> None:
    steps = (hold(120, cue(60, "Halfway.")), rest(10), hold(110))
    speech = render(Reply(steps, {}))
    assert speech.timed_seconds == MAX_TIMED_SECONDS
    assert read_ssml(speech.ssml).break_total == 240


@pytest.mark.parametrize(
    "steps",
    [
        (hold(241),),
        (rest(241),),
        (hold(120), rest(1), hold(120)),
        (hold(200), rest(41)),
    ],
    ids=["one-hold", "one-rest", "hold-rest-hold", "hold-rest"],
)
def test_more_than_240_seconds_is_refused(steps: tuple[Hold | Rest, ...]) -> None:
    with pytest.raises(SpeechLimitError, match="241 s of breaks is over 240 s"):
        render(Reply(steps, {}))


def _say_chars(total: int) -> Reply:
    """A reply whose SSML is exactly `total` characters long."""
    wrapper = len("<speak></speak>")
    return Reply((Say("long", "a" * (total - wrapper)),), {})


def test_speech_just_under_8000_characters_is_allowed() -> None:
    speech = render(_say_chars(MAX_SSML_CHARS - 1))
    assert len(speech.ssml) == 7999


@pytest.mark.parametrize("total", [MAX_SSML_CHARS, MAX_SSML_CHARS + 1, 20_000])
def test_speech_of_8000_characters_or_more_is_refused(total: int) -> None:
    with pytest.raises(SpeechLimitError, match=f"{total} characters of SSML is over 8000"):
        render(_say_chars(total))


def test_escaping_counts_towards_the_character_limit() -> None:
    """3000 ampersands are 3000 characters of text but 15000 of SSML."""
    with pytest.raises(SpeechLimitError, match="characters"):
        render(Reply((Say("amp", "&" * 3000),), {}))


def test_limit_errors_are_value_errors() -> None:
    assert issubclass(SpeechLimitError, ValueError)
    render_ok = render(Reply((hold(10),), {}))
    check_limits(render_ok)
