"""The phases of a conversation: where the coach is, and so what an answer means."""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Each value is what the state's JSON calls the phase (Alexa hands it back to us)."""

    NEW = "new"  # nothing said yet: any first words are answered with the welcome
    SCREEN = "screen"  # emergency warning signs (possible cauda equina)
    SCREEN_URGENT = "screen_urgent"  # signs that need a doctor soon
    SCREEN_NECK = "screen_neck"  # neck warning signs, asked only before neck stretches
    PAIN_MEMORY = "pain_memory"  # "last time your lower back hurt: is it better today?"
    OFFER_OTHER = "offer_other"  # an area is left out today: the other one, or finish
    OFFER_USUAL = "offer_usual"  # a returning user is offered their usual routine
    AREA = "area"  # where to focus
    TIPS = "tips"  # a new user is offered the preparation and safety tips
    TIPS_MORE = "tips_more"  # the preparation tips were said; the safety tips are offered
    INTRO = "intro"  # a stretch has been explained; waiting for "ready"
    HOLDING = "holding"  # between the parts of a stretch's sets
    CHECKIN = "checkin"  # "how did that feel?"
    AFTER_PAIN = "after_pain"  # a stretch was stopped for pain; offered the next one
    CONFIRM_DELETE = "confirm_delete"  # "delete my data": asked to confirm
    PAUSED = "paused"
    DONE = "done"  # the conversation ended; the next event starts a new one

    @property
    def in_exercise(self) -> bool:
        """Inside one stretch of a routine: a routine must be chosen, and pain stops the stretch.
        A property of the phase itself, because validating a state needs it without the flow."""
        return self in _IN_EXERCISE

    @property
    def screening(self) -> bool:
        """One of the safety screen's questions."""
        return self in _SCREENING


_IN_EXERCISE = frozenset({Phase.INTRO, Phase.HOLDING, Phase.CHECKIN})
_SCREENING = frozenset({Phase.SCREEN, Phase.SCREEN_URGENT, Phase.SCREEN_NECK})
