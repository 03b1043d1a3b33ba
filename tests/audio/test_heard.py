"""The helper itself: SSML split into speech and breaks as Alexa plays them, speech timed from
espeak-ng's audio, parts of a segment found at its start or end."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from .heard import Espeak, Segment, Timeline, ssml_parts, wav_speech_seconds


def test_adjacent_breaks_are_one_silence_and_breaks_at_either_end_are_kept() -> None:
    ssml = (
        '<speak><break time="1s"/> One &amp; two. <break time="10s"/><break time="2500ms"/>'
        ' <break time="500ms"/>Three.\n  Four. <break time="2s"/></speak>'
    )
    assert ssml_parts(ssml) == [
        ("break", 1.0),
        ("speech", "One & two."),
        ("break", 13.0),
        ("speech", "Three. Four."),
        ("break", 2.0),
    ]


def test_text_inside_other_tags_is_speech_joined_to_its_neighbours() -> None:
    ssml = '<speak>Hold. <emphasis level="strong">Now</emphasis> relax.<break time="1s"/></speak>'
    assert ssml_parts(ssml) == [("speech", "Hold. Now relax."), ("break", 1.0)]


def test_a_break_without_a_time_is_refused() -> None:
    with pytest.raises(ValueError, match="without a time"):
        ssml_parts('<speak>a<break strength="strong"/>b</speak>')


def _wav(path: Path, samples: list[int], rate: int = 1000) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return path


def test_silence_is_trimmed_from_both_ends_of_a_wav_but_not_inside(tmp_path: Path) -> None:
    samples = [0] * 200 + [5000, -5000] * 100 + [10] * 300 + [-4000] * 100 + [0] * 400
    assert wav_speech_seconds(_wav(tmp_path / "a.wav", samples)) == pytest.approx(0.6)
    assert wav_speech_seconds(_wav(tmp_path / "quiet.wav", [0, 20, -20] * 100)) == 0.0


def _timeline(*parts: tuple[str, float], lengths: dict[str, float]) -> Timeline:
    at, segments = 0.0, []
    for text, seconds in parts:
        segments.append(Segment("speech" if text else "break", text, at, at + seconds))
        at += seconds
    return Timeline(tuple(segments), lengths.__getitem__)


def test_the_reader_finds_texts_in_order_at_the_start_or_end_of_segments() -> None:
    lengths = {"Go.": 0.5, "Stop.": 0.4, "Rest.": 0.6, "Go. Wait.": 1.5}
    timeline = _timeline(
        ("Go.", 0.5),
        ("", 2.0),
        ("Stop. Rest.", 1.3),
        ("", 3.0),
        ("Go. Wait.", 1.5),
        lengths=lengths,
    )
    reader = timeline.reader()
    assert reader.find("Go.") == Segment("speech", "Go.", 0.0, 0.5)
    assert reader.find("Stop.") == Segment("speech", "Stop.", 2.5, 2.9)
    rest = reader.find("Rest.")
    assert (rest.start, rest.end) == pytest.approx((3.2, 3.8))
    assert reader.find("Go.") == Segment("speech", "Go.", 6.8, 7.3)
    with pytest.raises(LookupError, match=r"'Stop\.' is not said"):
        reader.find("Stop.")


def test_espeak_speech_is_timed_from_audio_and_breaks_from_the_ssml(espeak: Espeak) -> None:
    timeline = espeak.timeline(
        '<speak><break time="2s"/>Relax and rest. <break time="4100ms"/> Halfway.</speak>'
    )
    kinds = [(s.kind, s.text) for s in timeline.segments]
    assert kinds == [
        ("break", ""),
        ("speech", "Relax and rest."),
        ("break", ""),
        ("speech", "Halfway."),
    ]
    assert timeline.break_seconds == pytest.approx(6.1)
    words = timeline.segments[1].seconds
    assert 0.5 < words < 1.5  # three words, about 0.9 s at the timing model's rate
    assert timeline.seconds == pytest.approx(6.1 + words + timeline.segments[3].seconds)
    renders = espeak.renders
    espeak.timeline("<speak>Relax and rest.</speak>")
    assert espeak.renders == renders  # cached by text
