"""How long it takes to say something: the one speech-timing model of the product.

The SSML renderer shortens each break inside a hold by the spoken length of the cues said in it,
the engine announces how long a routine takes and splits long sets across voice turns, and the
renderer checks Alexa's response limits: all three use these figures, so a "20-second" hold, the
"about 6 minutes" said up front and the limits agree with one another.

Calibration, for Alexa's default voice (en-US):
- Amazon's SSML reference for Alexa gives 10,000 characters of speech as roughly 10 minutes of
  audio, about 1,000 characters a minute (16.7 characters a second, spaces and punctuation
  included).
- Pauses: a sentence end (. ? !) is 0.4 s and a clause break (, ; : and a dash) 0.2 s; a pause at
  the very end of a piece of text is not counted (what follows, a break or the end of the
  response, takes its place).
- Words: 0.30 s each (200 words a minute before pauses), the figure at which the product's own
  catalog, pauses included, takes what Amazon's rate gives it (484 s for 8,067 characters).
`tests/shared/test_speech_timing.py` checks these figures reproduce Amazon's rate on the catalog,
and the audio tests render speech with espeak-ng at `ESPEAK_WORDS_PER_MINUTE` and compare.
"""

from __future__ import annotations

import re

WORD_SECONDS = 0.30
SENTENCE_PAUSE_SECONDS = 0.4
CLAUSE_PAUSE_SECONDS = 0.2
# Amazon's figure the others are calibrated against: characters of speech per minute.
AMAZON_CHARACTERS_PER_MINUTE = 1000
# The rate espeak-ng is run at in the audio tests, so its speech keeps to this model. Its -s is
# nominal; measured with espeak-ng 1.51 on Debian over the engine's messages, it takes 409 s at
# 160, 397 s at 165 and 383 s at 170 where this model says 382 s, while its short cues ("Three.",
# "Halfway.") run slower than the model and its long sentences faster. 165 keeps both within
# the audio tests' tolerances (holds within 1 s, rests within 0.5 s).
ESPEAK_WORDS_PER_MINUTE = 165
# What a user's own reply costs a routine: Alexa listening, the words ("ready", "good") and the
# skill's answer starting (Alexa reopens the microphone for about 8 s; most replies take 2-3 s).
USER_REPLY_SECONDS = 3.0

_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.?!]+(?=\s+\S)")
_CLAUSE_BREAK = re.compile(r"[,;:]|\s[-\u2013\u2014]\s")


def word_count(text: str) -> int:
    """Words as spoken: "don't" is one word, "20" is one, punctuation none."""
    return len(_WORD.findall(text))


def spoken_seconds(text: str) -> float:
    """How long `text` takes to say, pauses between its sentences and clauses included."""
    text = text.strip()
    if not text:
        return 0.0
    words = word_count(text)
    sentences = len(_SENTENCE_END.findall(text))
    clauses = len(_CLAUSE_BREAK.findall(text.rstrip(",;: ")))
    pauses = sentences * SENTENCE_PAUSE_SECONDS + clauses * CLAUSE_PAUSE_SECONDS
    return words * WORD_SECONDS + pauses


class HeardClock:
    """Heard time, built up in order: speech and pauses. Pieces of text said one after another
    with no pause between them are heard as one text (a sentence's pause between them counts),
    so adding them up gives what `spoken_seconds` gives for the whole."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._previous: str | None = None

    def say(self, text: str) -> float:
        """Add `text`; returns the seconds it added (with the pause before it, if any)."""
        text = text.strip()
        if not text:
            return 0.0
        if self._previous is None:
            added = spoken_seconds(text)
        else:
            joined = f"{self._previous} {text}"
            added = spoken_seconds(joined) - spoken_seconds(self._previous)
        self._previous = text
        self.seconds += added
        return added

    def pause(self, seconds: float) -> None:
        """Silence (or something else that is not speech): the next text starts afresh."""
        if seconds > 0:
            self.seconds += seconds
        self._previous = None
