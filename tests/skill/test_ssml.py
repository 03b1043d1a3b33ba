"""`skill.ssml.render` on hand-built Replies: chained breaks, cues on their second, escaping,
reprompts and the limits Alexa puts on a response."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from alexa_requests import read_ssml

from shared.exercise_catalog import Side
from shared.reply import Ask, Card, Cue, End, Hold, Reply, Rest, Say
from shared.speech_timing import spoken_seconds
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


def heard_timeline(ssml: str) -> list[tuple[str, float, float]]:
    """Each piece of text with when it starts and ends as heard: breaks from the SSML, speech
    from the speech-timing model (what Alexa's voice is calibrated to)."""
    root = ET.fromstring(ssml)
    now, found = 0.0, []

    def speak(text: str | None) -> None:
        nonlocal now
        if text and text.strip():
            length = spoken_seconds(text.strip())
            found.append((text.strip(), now, now + length))
            now += length

    speak(root.text)
    for node in root:
        assert node.tag == "break"
        time = node.get("time", "")
        now += int(time[:-2]) / 1000 if time.endswith("ms") else int(time[:-1])
        speak(node.tail)
    return found


def starts(ssml: str) -> dict[str, float]:
    return {text: round(start, 3) for text, start, _ in heard_timeline(ssml)}


# -- breaks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, []),
        (1, ["1s"]),
        (9, ["9s"]),
        (10, ["10s"]),
        (11, ["10s", "1s"]),
        (20, ["10s", "10s"]),
        (25, ["10s", "10s", "5s"]),
        (240, ["10s"] * 24),
        (1.25, ["1250ms"]),
        (10.5, ["10s", "500ms"]),
        (0.0004, []),
    ],
)
def test_breaks_are_chained_in_pieces_of_at_most_ten_seconds(
    seconds: float, expected: list[str]
) -> None:
    ssml = breaks(seconds)
    assert ssml == "".join(f'<break time="{s}"/>' for s in expected)
    spoken = read_ssml(f"<speak>{ssml}</speak>")
    assert spoken.break_total == pytest.approx(round(seconds, 3))
    assert all(b <= MAX_BREAK_SECONDS for b in spoken.breaks)


def test_a_25_second_hold_without_cues_is_ten_ten_five() -> None:
    speech = render(Reply((hold(25),), {}))
    assert read_ssml(speech.ssml).breaks == (10.0, 10.0, 5.0)
    assert speech.break_seconds == speech.heard_seconds == 25


def test_a_rest_lasts_its_seconds_with_its_words_inside() -> None:
    speech = render(Reply((rest(15, "Switch sides."),), {}))
    spoken = spoken_seconds("Switch sides.")
    assert speech.heard_seconds == pytest.approx(15)
    assert speech.break_seconds == pytest.approx(15 - spoken, abs=0.001)


# -- holds as heard -------------------------------------------------------------------------------


def test_inner_cues_start_on_their_second_of_the_hold_as_heard() -> None:
    cues = (
        cue(0, "Ease in, and hold."),
        cue(7, "Breathe slowly."),
        cue(15, "Halfway there."),
        cue(25, "Five more seconds."),
        cue(30, "Release."),
    )
    speech = render(Reply((hold(30, *cues),), {}))
    placed = starts(speech.ssml)
    hold_start = spoken_seconds("Ease in, and hold.")  # the hold begins when its start is said
    for inner in cues[1:]:
        assert placed[inner.text] == pytest.approx(hold_start + inner.at, abs=0.001)
    assert all(b <= 10 for b in read_ssml(speech.ssml).breaks)
    # the words said inside the hold are taken out of its silence, not added to it
    inside = sum(spoken_seconds(c.text) for c in cues[1:-1])
    assert speech.break_seconds == pytest.approx(30 - inside, abs=0.001)


def test_cues_land_on_their_second_after_earlier_steps_too() -> None:
    steps = (
        Say("intro", "Stretch 1 of 2."),
        hold(20, cue(0, "Hold."), cue(13, "Nearly."), cue(20, "Let go.")),
        rest(5),
        hold(20, cue(0, "Again."), cue(10, "Halfway.")),
        ASK,
    )
    speech = render(Reply(steps, {}))
    placed = starts(speech.ssml)
    first_hold = spoken_seconds("Stretch 1 of 2. Hold.")  # one text: a sentence's pause inside
    assert placed["Nearly."] == pytest.approx(first_hold + 13, abs=0.001)
    release = first_hold + 20
    assert placed["Let go. Relax and rest."] == pytest.approx(release, abs=0.001)
    second_hold = release + spoken_seconds("Let go.") + 5 + spoken_seconds("Again.")
    assert placed["Halfway."] == pytest.approx(second_hold + 10, abs=0.001)
    assert placed[ASK.text] == pytest.approx(second_hold + 20, abs=0.001)


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
    assert spoken.break_total == pytest.approx(speech.break_seconds)  # the text's stayed text
    assert 99.0 not in spoken.breaks
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
    assert speech.heard_seconds == 0


# -- limits ---------------------------------------------------------------------------------------


def test_exactly_240_seconds_heard_is_allowed() -> None:
    steps = (hold(120, cue(60, "Halfway.")), rest(10), hold(110))
    speech = render(Reply(steps, {}))
    assert speech.heard_seconds == MAX_TIMED_SECONDS
    said = spoken_seconds("Halfway.") + spoken_seconds("Relax and rest.")
    assert read_ssml(speech.ssml).break_total == pytest.approx(240 - said)


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
    with pytest.raises(SpeechLimitError, match="241 s heard is over 240 s"):
        render(Reply(steps, {}))


def test_speech_counts_towards_the_240_seconds() -> None:
    words = Say("long", "Breathe slowly. " * 10)  # about 10 s of speech
    with pytest.raises(SpeechLimitError, match="heard is over 240 s"):
        render(Reply((words, hold(235)), {}))


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
