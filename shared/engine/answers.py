"""What each phase's own answers do: "yes" at the screen is not "yes" at the tips.

Each handler returns None when it took the event, or False to let it fall through to the
commands that work at every step (an answer a phase only sometimes takes, like "yes" to a usual
routine that does not exist).
"""

from __future__ import annotations

from collections.abc import Callable

from shared.engine import flow
from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.events import Event
from shared.reply import DeleteProfile

Answer = Callable[[Turn, Event], bool | None]


def asking(key: str) -> Answer:
    """Say `key`, then ask the current question again."""

    def answer(t: Turn, _event: Event) -> None:
        t.say(key)
        t.ask_current()

    return answer


def welcome(t: Turn, _event: Event) -> None:
    flow.welcome(t)


def screen_warning(t: Turn, _event: Event) -> None:
    t.say("screen.warning")
    t.say_text("notice", t.catalog.notice)
    t.end("screen.goodbye")


def screen_clear(t: Turn, _event: Event) -> None:
    flow.screen_cleared(t)


def usual_routine(t: Turn, _event: Event) -> bool | None:
    usual = t.profile.usual_area if t.profile else None
    if not usual:
        return False
    flow.choose_area(t, usual)
    return None


def other_area(t: Turn, _event: Event) -> None:
    t.update(phase=Phase.AREA)
    t.ask_current()


def hear_tips(t: Turn, _event: Event) -> None:
    flow.tips(t)


def skip_tips(t: Turn, _event: Event) -> None:
    t.say("tips.skipped")
    flow.intro(t)


def play_on(t: Turn, _event: Event) -> None:
    flow.play_chunk(t)


def skip_stretch(t: Turn, _event: Event) -> None:
    flow.skip_stretch(t)


def checkin_heard(t: Turn, _event: Event) -> None:
    t.say("checkin.thanks")
    flow.next_stretch(t)


def next_after_pain(t: Turn, _event: Event) -> None:
    flow.intro(t)


def finish_after_pain(t: Turn, _event: Event) -> None:
    flow.wrap_up(t)


def delete_confirmed(t: Turn, _event: Event) -> None:
    t.effects.append(DeleteProfile())
    t.update(profile_deleted=True)
    _back_from_delete(t, "delete.done")


def delete_refused(t: Turn, _event: Event) -> None:
    _back_from_delete(t, "delete.kept")


def _back_from_delete(t: Turn, key: str) -> None:
    t.say(key)
    t.update(phase=t.st.return_phase or Phase.AREA, return_phase=None)
    t.ask_current()


def resume(t: Turn, _event: Event) -> None:
    t.update(phase=t.st.paused_phase or Phase.AREA, paused_phase=None)
    t.say("pause.resumed")
    if t.st.phase is Phase.HOLDING:
        flow.play_chunk(t)
    else:
        t.ask_current()
