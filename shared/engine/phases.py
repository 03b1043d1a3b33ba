"""The phase table: for each phase, what it asks, its help, and the answers it takes itself.

Reading one row tells everything a phase does with what the user says; events it does not take
fall through to the commands that work at every step (shared/engine/commands.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.engine import answers, questions
from shared.engine.answers import Answer
from shared.engine.phase import Phase
from shared.engine.questions import Question, question
from shared.events import EventKind

K = EventKind


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    """One phase: its question (with reprompt), its help message, and its own answers."""

    ask: Question
    help_key: str
    answers: Mapping[EventKind, Answer]
    # The question again in a short form, after help or an answer not understood.
    ask_again: Question | None = None
    # Take the phase's answers before the commands valid everywhere (a conversation that has
    # not begun answers nearly anything with the welcome, "it hurts" included).
    answers_first: bool = False


def _each(kinds: tuple[EventKind, ...], answer: Answer) -> dict[EventKind, Answer]:
    return dict.fromkeys(kinds, answer)


def _stretching(take_time_key: str, go_on: tuple[EventKind, ...]) -> dict[EventKind, Answer]:
    """Before a set (intro) and between its parts (holding): go on, take time, or skip. Only
    "skip" leaves a set under way: between its parts, "next" means the next part."""
    return {
        **_each(go_on, answers.play_on),
        K.NO: answers.asking(take_time_key),
        **_each(tuple({K.NEXT, K.SKIP} - set(go_on)), answers.skip_stretch),
    }


_NOT_BEGUN = PhaseSpec(
    ask=questions.welcome,
    help_key="help.general",
    answers=_each(
        tuple(
            k for k in EventKind if k not in (K.STOP, K.START, K.CHOOSE_AREA, K.FEELING, K.SET_GOAL)
        ),
        answers.welcome,
    ),
    answers_first=True,
)

PHASES: Mapping[Phase, PhaseSpec] = {
    Phase.NEW: _NOT_BEGUN,
    Phase.SCREEN: PhaseSpec(
        ask=question("screen.question", "screen.reprompt"),
        ask_again=question("screen.reprompt", "screen.reprompt"),
        help_key="help.screen",
        answers={
            K.YES: answers.screen_emergency,
            K.NO: answers.screen_urgent_next,
            K.NEXT: answers.asking("screen.required"),
        },
    ),
    Phase.SCREEN_URGENT: PhaseSpec(
        ask=question("screen.urgent_question", "screen.urgent_reprompt"),
        ask_again=question("screen.urgent_reprompt", "screen.urgent_reprompt"),
        help_key="help.screen_urgent",
        answers={
            K.YES: answers.screen_urgent,
            K.NO: answers.screen_clear,
            K.NEXT: answers.asking("screen.required"),
        },
    ),
    Phase.SCREEN_NECK: PhaseSpec(
        ask=question("screen.neck_question", "screen.neck_reprompt"),
        ask_again=question("screen.neck_reprompt", "screen.neck_reprompt"),
        help_key="help.screen_neck",
        answers={
            K.YES: answers.neck_warning,
            K.NO: answers.neck_clear,
            K.NEXT: answers.asking("screen.required"),
        },
    ),
    Phase.PAIN_MEMORY: PhaseSpec(
        ask=questions.pain_memory,
        help_key="help.pain_memory",
        answers={
            **_each((K.YES, K.CONTINUE), answers.pain_better),
            K.NO: answers.pain_not_better,
        },
    ),
    Phase.OFFER_OTHER: PhaseSpec(
        ask=questions.other_area,
        help_key="help.offer_other",
        answers={
            **_each((K.YES, K.CONTINUE), answers.other_area_instead),
            **_each((K.NO, K.NEXT), answers.finish_instead),
        },
    ),
    Phase.OFFER_USUAL: PhaseSpec(
        ask=questions.usual_routine,
        help_key="help.offer_usual",
        answers={
            **_each((K.YES, K.CONTINUE), answers.usual_routine),
            **_each((K.NO, K.NEXT), answers.other_area),
        },
    ),
    Phase.AREA: PhaseSpec(
        ask=question("area.question", "area.reprompt"),
        help_key="help.area",
        answers=_each((K.YES, K.NO, K.CONTINUE), answers.asking("area.which")),
    ),
    Phase.TIPS: PhaseSpec(
        ask=question("tips.question", "tips.reprompt"),
        help_key="help.tips",
        answers={K.YES: answers.hear_tips, **_each((K.NO, K.NEXT, K.CONTINUE), answers.skip_tips)},
    ),
    Phase.TIPS_MORE: PhaseSpec(
        ask=question("tips.more_question", "tips.more_reprompt"),
        help_key="help.tips_more",
        answers={
            K.YES: answers.hear_safety_tips,
            **_each((K.NO, K.NEXT, K.CONTINUE), answers.skip_tips),
        },
    ),
    Phase.INTRO: PhaseSpec(
        ask=question("intro.ready", "intro.ready_reprompt"),
        help_key="help.intro",
        answers=_stretching("intro.take_time", (K.YES, K.CONTINUE, K.RESUME)),
    ),
    Phase.HOLDING: PhaseSpec(
        ask=questions.go_on,
        help_key="help.holding",
        answers=_stretching("holding.take_time", (K.YES, K.CONTINUE, K.RESUME, K.NEXT)),
    ),
    Phase.CHECKIN: PhaseSpec(
        ask=question("checkin.question", "checkin.reprompt"),
        help_key="help.checkin",
        answers={
            K.FEELING: answers.checkin_feeling,
            **_each((K.CONTINUE, K.NEXT, K.SKIP, K.RESUME), answers.checkin_move_on),
            **_each((K.YES, K.NO, K.UNKNOWN), answers.checkin_unclear),
        },
    ),
    Phase.AFTER_PAIN: PhaseSpec(
        ask=questions.next_after_pain,
        help_key="help.after_pain",
        answers={
            **_each((K.YES, K.CONTINUE, K.NEXT, K.SKIP, K.RESUME), answers.next_after_pain),
            K.NO: answers.finish_after_pain,
        },
    ),
    Phase.CONFIRM_DELETE: PhaseSpec(
        ask=question("delete.confirm", "delete.confirm_reprompt"),
        help_key="help.confirm_delete",
        answers={K.YES: answers.delete_confirmed, K.NO: answers.delete_refused},
    ),
    Phase.PAUSED: PhaseSpec(
        ask=question("pause.prompt", "pause.reprompt"),
        help_key="help.paused",
        answers=_each((K.RESUME, K.CONTINUE, K.YES), answers.resume),
    ),
    # A finished conversation is never answered (the next event starts a new one); should one
    # be, it behaves as one not yet begun.
    Phase.DONE: _NOT_BEGUN,
}
