"""What the engine answers: typed steps for front ends to render, and effects for them to apply.

Steps describe *what* happens (say this, hold for 20 s on the left side, rest, ask); how it sounds
or looks (SSML breaks, a terminal countdown) is the front end's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from shared.events import CueLevel
from shared.exercise_catalog import Side
from shared.profile import SessionRecord


@dataclass(frozen=True, slots=True)
class Say:
    """Plain speech or text."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Cue:
    """Something to say `at` seconds into a hold (0 = as it starts)."""

    at: int
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Hold:
    """Hold a stretch `seconds` long: repetition `rep` of `reps`, on `side` if it has sides."""

    exercise_id: str
    exercise_name: str
    seconds: int
    rep: int
    reps: int
    side: Side | None
    side_label: str | None
    cues: tuple[Cue, ...]


@dataclass(frozen=True, slots=True)
class Rest:
    """A pause between repetitions, or to switch sides."""

    seconds: int
    reason: Literal["between_reps", "switch_sides"]
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Ask:
    """Wait for the user. kind "continue" means nothing needs deciding: a timed front end may go on
    by itself (feeding CONTINUE), a voice front end must ask `text` and wait."""

    key: str
    text: str
    reprompt: str
    kind: Literal["question", "continue"] = "question"


@dataclass(frozen=True, slots=True)
class End:
    """The conversation is over; `text` is the goodbye."""

    key: str
    text: str


Step = Say | Hold | Rest | Ask | End


@dataclass(frozen=True, slots=True)
class Card:
    """A title and plain text for screens and the Alexa app."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class RecordSession:
    record: SessionRecord


@dataclass(frozen=True, slots=True)
class SavePreferences:
    hold_seconds: int
    reps: int


@dataclass(frozen=True, slots=True)
class SaveCueLevel:
    """How much the coach says during holds ("fewer cues", "more cues"), kept for next time."""

    cue_level: CueLevel


@dataclass(frozen=True, slots=True)
class SaveWeeklyGoal:
    """How many sessions a week the user aims for (1-7), kept across sessions."""

    weekly_goal: int


@dataclass(frozen=True, slots=True)
class MarkScreened:
    """The user answered the safety screen with no warning signs."""


@dataclass(frozen=True, slots=True)
class ClearScreening:
    """Ask the safety screen again on the next visit: the user reported a warning sign, a
    symptom, or pain that stopped the session."""


@dataclass(frozen=True, slots=True)
class DeleteProfile:
    """The user asked for all saved progress to be deleted."""


Effect = (
    RecordSession
    | SavePreferences
    | SaveCueLevel
    | SaveWeeklyGoal
    | MarkScreened
    | ClearScreening
    | DeleteProfile
)


@dataclass(frozen=True, slots=True)
class Reply:
    """Steps to render, the next state (a JSON-able dict), and effects for the front end's store."""

    steps: tuple[Step, ...]
    state: dict[str, Any]
    effects: tuple[Effect, ...] = ()
    card: Card | None = None

    @property
    def ended(self) -> bool:
        """True when the conversation is over (the last step is an End)."""
        return bool(self.steps) and isinstance(self.steps[-1], End)

    @property
    def ask(self) -> Ask | None:
        """The closing question, if the reply waits for the user."""
        last = self.steps[-1] if self.steps else None
        return last if isinstance(last, Ask) else None

    def text(self) -> str:
        """Everything said, in order, as one plain string (for logs, tests and plain output)."""
        from shared.reply_text import reply_text  # here, not at the top: it imports this module

        return reply_text(self)
