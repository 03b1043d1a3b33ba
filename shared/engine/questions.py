"""What each phase asks, with its reprompt: the one place a question is put to the user."""

from __future__ import annotations

from collections.abc import Callable

from shared.engine import flow
from shared.engine.turn import Turn

Question = Callable[[Turn], None]


def question(key: str, reprompt_key: str) -> Question:
    """A fixed question and its reprompt, from the message catalog."""

    def ask(t: Turn) -> None:
        t.ask(key, reprompt_key)

    return ask


def usual_routine(t: Turn) -> None:
    usual = t.profile.usual_area if t.profile else None
    t.ask("usual.question", "usual.reprompt", area=t.area_name(usual or "both"))


def go_on(t: Turn) -> None:
    """Between the parts of a set: name the side when the next part starts a new one."""
    exercise = t.exercise
    if exercise is not None and t.st.rep == 0 and t.st.side > 0:
        label = exercise.sides[t.st.side].label
        t.ask("continue.side", "continue.side_reprompt", kind="continue", side=label)
    else:
        t.ask("continue.more", "continue.more_reprompt", kind="continue")


def next_after_pain(t: Turn) -> None:
    routine, index = t.routine, t.st.exercise
    name = routine[index].name if index < len(routine) else ""
    t.ask("pain.offer_next", "pain.offer_next_reprompt", name=name)


def welcome(t: Turn) -> None:
    """Before the conversation has begun, the question is the welcome itself."""
    flow.welcome(t)


def pain_memory(t: Turn) -> None:
    last = flow.last_pain(t)
    area = t.area_name(last.area if last else "both")
    stretch = last.pain_stretch if last else None
    known = next((e for e in t.catalog.exercises if e.id == stretch), None)
    if known is not None:
        t.ask("memory.question", "memory.reprompt", area=area, name=known.name)
    else:
        t.ask("memory.question_no_stretch", "memory.reprompt", area=area)


def other_area(t: Turn) -> None:
    other = t.area_name(t.st.offer_area or "both")
    t.ask("memory.offer_other", "memory.offer_other_reprompt", other=other)
