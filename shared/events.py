"""What a user can say or do, as the engine understands it.

Front ends translate their own input (Alexa intents, typed text, key presses) into these events, so
the engine never sees a transport-specific shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    """Every kind of input the engine reacts to."""

    LAUNCH = "launch"  # the user opened the coach without asking for anything yet
    START = "start"  # "start my back stretches" (optionally with an area)
    CHOOSE_AREA = "choose_area"
    YES = "yes"
    NO = "no"
    CONTINUE = "continue"  # "ready", "go on", or a front end that finished playing a set
    NEXT = "next"  # go on: between the parts of a set, the same stretch; elsewhere, move on
    SKIP = "skip"  # "skip", "skip this stretch", "next stretch": leave the current stretch out
    REPEAT = "repeat"  # "say that again": what was just asked, never a timed set
    REDO = "redo"  # "do it again", "one more time": the last part of a set, again
    EXPLAIN = "explain"  # "explain", "how do I do this": the current stretch in full
    TIPS = "tips"  # "give me some tips": the preparation and safety tips, at any time
    SET_CUES = "set_cues"  # "fewer cues", "more cues", "normal cues" (`cue_level`)
    PAUSE = "pause"
    RESUME = "resume"
    HELP = "help"
    STOP = "stop"
    PAIN = "pain"
    SET_HOLD = "set_hold"
    SET_REPS = "set_reps"
    DURATION = "duration"
    HISTORY = "history"
    DELETE_DATA = "delete_data"
    PRIVACY = "privacy"  # "what do you keep about me?"
    SET_GOAL = "set_goal"  # "I want to stretch three times a week" (`value`, 1-7)
    PROGRESS = "progress"  # "how am I doing?": the weeks against the goal, and the levels
    # Reminders: the skill sets them through Alexa's Reminders API itself (skill/reminders/); a
    # front end without one (the tutor) hears how to get a reminder there instead.
    SET_REMINDER = "set_reminder"  # "remind me to stretch every day at 8 am"
    LIST_REMINDERS = "list_reminders"  # "what reminders do I have"
    CANCEL_REMINDER = "cancel_reminder"  # "cancel my stretching reminder"
    # The front end answered the user itself (a reminder set): the question again, short.
    ASIDE = "aside"
    START_OVER = "start_over"
    FEELING = "feeling"  # how a stretch felt, or a symptom ("a bit tight", "my leg went numb")
    UNKNOWN = "unknown"


class Feeling(StrEnum):
    """What a user can say a stretch felt like: the ids of the models' FeelingType slot."""

    EASY = "easy"  # "too easy", "I barely felt it"
    GOOD = "good"  # "fine", "that felt good", "no pain"
    TIGHT = "tight"  # "a bit tight", "hard work"
    PAINFUL = "painful"  # "that was painful" (a pain report)
    # Symptoms that stop stretching at once, whenever they are said (NICE NG59, CKS neck pain):
    NUMB = "numb"
    TINGLING = "tingling"  # "pins and needles" too
    SHOOTING = "shooting"  # shooting or electric-shock pain
    WEAK = "weak"
    DIZZY = "dizzy"


class CueLevel(StrEnum):
    """How much the coach says during a hold: the ids of the models' CueLevelType slot.

    fewer: start and release only; normal: also halfway, a short countdown and, on the first
    repetition, a form cue; more: also a form cue on every repetition and "five more seconds"."""

    FEWER = "fewer"
    NORMAL = "normal"
    MORE = "more"


STOP_FEELINGS = frozenset(
    {Feeling.NUMB, Feeling.TINGLING, Feeling.SHOOTING, Feeling.WEAK, Feeling.DIZZY}
)


AREAS: tuple[str, ...] = ("neck", "lower_back", "both")


@dataclass(frozen=True, slots=True)
class Event:
    """One user input. `area` goes with START/CHOOSE_AREA/PAIN, `value` with SET_HOLD/SET_REPS
    and SET_GOAL, `feeling` with FEELING, `cue_level` with SET_CUES, `text` carries what was not
    understood (UNKNOWN) for logs and replies."""

    kind: EventKind
    area: str | None = None
    value: int | None = None
    text: str | None = None
    feeling: Feeling | None = None
    cue_level: CueLevel | None = None
