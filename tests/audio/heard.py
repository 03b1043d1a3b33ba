"""An SSML response as heard: its speech timed from audio rendered with espeak-ng, its breaks from
the SSML.

espeak-ng plays two adjacent `<break>` tags as one and drops a break at the very start or end of
its input, so a whole response rendered at once would not sound the way Alexa plays it. Instead
the SSML is split into text segments and breaks (adjacent breaks summed, leading and trailing ones
kept); each text segment is rendered on its own with `espeak-ng -s ESPEAK_WORDS_PER_MINUTE`, its
leading and trailing silence trimmed by an amplitude threshold, and measured with the standard
library's `wave` module. The timeline lays the two out end to end.
"""

from __future__ import annotations

import array
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from shared.reply import Hold, Rest, Step
from shared.speech_timing import ESPEAK_WORDS_PER_MINUTE

ESPEAK = "espeak-ng"
# Samples quieter than this (1% of 16-bit full scale) are silence. espeak-ng's silence is digital
# zero, and its quietest speech onsets are well above it: 50, 300 and 1000 trim alike to ~10 ms.
SILENCE_THRESHOLD = 328

_BREAK_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")

Kind = Literal["speech", "break"]


def espeak_available() -> bool:
    return shutil.which(ESPEAK) is not None


def _break_seconds(node: ET.Element) -> float:
    match = _BREAK_TIME.match(node.get("time", "").strip())
    if match is None:
        raise ValueError(f"a break without a time this test reads: {ET.tostring(node)!r}")
    amount = float(match.group(1))
    return amount / 1000 if match.group(2) == "ms" else amount


def ssml_parts(ssml: str) -> list[tuple[Kind, str | float]]:
    """The SSML as ("speech", text) and ("break", seconds) in order: whitespace between tags
    dropped, text inside other tags kept as speech, adjacent texts joined and adjacent breaks
    summed (as one silence is heard)."""
    root = ET.fromstring(ssml)
    if root.tag != "speak":
        raise ValueError(f"not an SSML document: {ssml[:60]!r}")
    parts: list[tuple[Kind, str | float]] = []

    def text(value: str | None) -> None:
        words = " ".join((value or "").split())
        if not words:
            return
        if parts and parts[-1][0] == "speech":
            parts[-1] = ("speech", f"{parts[-1][1]} {words}")
        else:
            parts.append(("speech", words))

    def pause(seconds: float) -> None:
        if parts and parts[-1][0] == "break":
            parts[-1] = ("break", float(parts[-1][1]) + seconds)
        else:
            parts.append(("break", seconds))

    def walk(node: ET.Element) -> None:
        text(node.text)
        for child in node:
            if child.tag == "break":
                pause(_break_seconds(child))
            else:
                walk(child)
            text(child.tail)

    walk(root)
    return parts


def wav_speech_seconds(path: Path, threshold: int = SILENCE_THRESHOLD) -> float:
    """From the first to the last sample louder than `threshold` (0 when there is none)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit samples, got {wav.getsampwidth() * 8}-bit")
        channels, rate = wav.getnchannels(), wav.getframerate()
        samples = array.array("h", wav.readframes(wav.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, sample in enumerate(samples) if abs(sample) > threshold]
    if not loud:
        return 0.0
    first, last = loud[0] // channels, loud[-1] // channels
    return (last - first + 1) / rate


@dataclass(frozen=True, slots=True)
class Segment:
    kind: Kind
    text: str  # empty for a break
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Timeline:
    """A response as heard, segment by segment, from 0 s."""

    segments: tuple[Segment, ...]
    measure: Callable[[str], float] = field(repr=False, compare=False)

    @property
    def seconds(self) -> float:
        return self.segments[-1].end if self.segments else 0.0

    @property
    def speech_seconds(self) -> float:
        return sum(s.seconds for s in self.segments if s.kind == "speech")

    @property
    def break_seconds(self) -> float:
        return sum(s.seconds for s in self.segments if s.kind == "break")

    def reader(self) -> Reader:
        return Reader(self)


class Reader:
    """Finds texts in a timeline in order: each as a whole speech segment, or as the start or the
    end of one (a segment can hold a release, then a rest's words, say). A part of a segment is
    timed by rendering it on its own: it ends where the segment ends, or starts where it starts."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.index = 0
        self.prefix_used = False  # the current segment's start was matched already
        self.found_in = -1  # the index of the segment the last text was found in

    def find(self, text: str) -> Segment:
        wanted = " ".join(text.split())
        segments = self.timeline.segments
        measure = self.timeline.measure
        for i in range(self.index, len(segments)):
            seg = segments[i]
            if seg.kind != "speech":
                continue
            fresh = i != self.index or not self.prefix_used
            self.found_in = i
            if seg.text == wanted and fresh:
                self.index, self.prefix_used = i + 1, False
                return Segment("speech", wanted, seg.start, seg.end)
            if seg.text.endswith(" " + wanted):
                self.index, self.prefix_used = i + 1, False
                return Segment("speech", wanted, seg.end - measure(wanted), seg.end)
            if seg.text.startswith(wanted + " ") and fresh:
                self.index, self.prefix_used = i, True
                return Segment("speech", wanted, seg.start, seg.start + measure(wanted))
        self.found_in = -1
        heard = [s.text for s in segments[self.index :] if s.kind == "speech"]
        raise LookupError(f"{wanted!r} is not said at the start or end of a segment in {heard}")


class Espeak:
    """Renders text with espeak-ng and measures it; renders are cached by text (they repeat)."""

    def __init__(self, workdir: Path, words_per_minute: int = ESPEAK_WORDS_PER_MINUTE) -> None:
        self.workdir = workdir
        self.words_per_minute = words_per_minute
        self.cache: dict[str, float] = {}  # text -> seconds of speech
        self.renders = 0

    def _render(self, text: str) -> float:
        fd, name = tempfile.mkstemp(suffix=".wav", dir=self.workdir)
        os.close(fd)
        path = Path(name)
        try:
            subprocess.run(
                [ESPEAK, "-s", str(self.words_per_minute), "-w", str(path), "--stdin"],
                input=text,
                text=True,
                check=True,
                capture_output=True,
                timeout=60,
            )
            return wav_speech_seconds(path)
        finally:
            path.unlink(missing_ok=True)

    def prefetch(self, texts: Iterable[str]) -> None:
        """Render the texts not yet cached, several at a time."""
        todo = sorted({" ".join(t.split()) for t in texts} - self.cache.keys() - {""})
        if not todo:
            return
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            for text, seconds in zip(todo, pool.map(self._render, todo), strict=True):
                self.cache[text] = seconds
        self.renders += len(todo)

    def seconds(self, text: str) -> float:
        """How long espeak-ng takes to say `text`, silence before and after trimmed."""
        text = " ".join(text.split())
        if not text:
            return 0.0
        if text not in self.cache:
            self.prefetch([text])
        return self.cache[text]

    def timeline(self, ssml: str) -> Timeline:
        parts = ssml_parts(ssml)
        self.prefetch(str(value) for kind, value in parts if kind == "speech")
        segments: list[Segment] = []
        at = 0.0
        for kind, value in parts:
            length = float(value) if kind == "break" else self.seconds(str(value))
            text = "" if kind == "break" else str(value)
            segments.append(Segment(kind, text, at, at + length))
            at += length
        return Timeline(tuple(segments), self.seconds)


@dataclass(frozen=True, slots=True)
class HeardHold:
    """A hold as heard: from the end of its start cue to the start of its release cue."""

    hold: Hold
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class HeardRest:
    """A rest or side switch as heard: from the start of its words to the next start cue.
    `after_release` is where the release cue before it ends, when it is said in the same breath
    (the pause between the two sentences is heard before the rest's words)."""

    rest: Rest
    start: float
    end: float
    after_release: float | None = None

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def seconds_after_release(self) -> float:
        return self.end - (self.start if self.after_release is None else self.after_release)


def heard_steps(
    timeline: Timeline, steps: Iterable[Step]
) -> tuple[list[HeardHold], list[HeardRest]]:
    """Each hold of `steps` found in the timeline by its cues (start, inner cues in order,
    release), and each rest followed by a hold in the same response (a rest that ends a response
    runs into its question, not into a start cue)."""
    reader = timeline.reader()
    holds: list[HeardHold] = []
    rests: list[HeardRest] = []
    resting: tuple[Rest, Segment, float | None] | None = None
    released: tuple[Segment, int] | None = None  # the last release and its segment's index
    for step in steps:
        if isinstance(step, Rest):
            words = reader.find(step.text)
            joined = released is not None and released[1] == reader.found_in
            resting = (step, words, released[0].end if released and joined else None)
            released = None
        elif isinstance(step, Hold):
            starts = [c for c in step.cues if c.at <= 0]
            inner = [c for c in step.cues if 0 < c.at < step.seconds]
            releases = [c for c in step.cues if c.at >= step.seconds]
            assert len(starts) == 1 and len(releases) == 1, step.cues
            begun = reader.find(starts[0].text)
            if resting is not None:
                rest, words, after_release = resting
                rests.append(HeardRest(rest, words.start, begun.start, after_release))
                resting = None
            for cue in inner:
                reader.find(cue.text)
            release = reader.find(releases[0].text)
            released = (release, reader.found_in)
            holds.append(HeardHold(step, begun.end, release.start))
    return holds, rests
