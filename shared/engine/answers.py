"""What each phase's own answers do: "yes" at the screen is not "yes" at the tips.

Each handler returns None when it took the event, or False to let it fall through to the
commands that work at every step (an answer a phase only sometimes takes, like "yes" to a usual
routine that does not exist).
"""

from __future__ import annotations

from collections.abc import Callable

from shared.engine import flow, sets
from shared.engine.phase import Phase
from shared.engine.turn import Turn
from shared.events import Event
from shared.reply import ClearScreening, DeleteProfile

Answer = Callable[[Turn, Event], bool | None]


def asking(key: str) -> Answer:
    """Say `key`, then ask the current question again."""

    def answer(t: Turn, _event: Event) -> None:
        t.say(key)
        t.ask_current()

    return answer


def welcome(t: Turn, _event: Event) -> None:
    flow.welcome(t)


def screen_emergency(t: Turn, _event: Event) -> None:
    flow.warning_sign(t, "screen.emergency")


def screen_urgent_next(t: Turn, _event: Event) -> None:
    t.update(phase=Phase.SCREEN_URGENT)
    t.ask_current()


def screen_urgent(t: Turn, _event: Event) -> None:
    flow.warning_sign(t, "screen.urgent")


def screen_clear(t: Turn, _event: Event) -> None:
    flow.screen_cleared(t)


def neck_warning(t: Turn, _event: Event) -> None:
    """Neck warning signs: no neck stretches today; the lower back can still go ahead."""
    t.say("screen.neck_warning")
    t.effects.append(ClearScreening())
    t.update(neck_screen_due=False, blocked_area="neck")
    if t.st.area == "both":
        flow.choose_area(t, "lower_back")  # with "neck" left out, only the lower back is left
        return
    flow.leave_out(t, "neck")


def neck_clear(t: Turn, _event: Event) -> None:
    t.update(neck_screen_due=False)
    flow.start_routine(t)


def pain_better(t: Turn, _event: Event) -> None:
    t.say("memory.better")
    flow.screen_or_routine(t)


def pain_not_better(t: Turn, _event: Event) -> None:
    last = flow.last_pain(t)
    area = last.area if last else "both"
    t.say("memory.not_better", area=t.area_name(area))
    flow.leave_out(t, area)


def other_area_instead(t: Turn, _event: Event) -> None:
    t.update(pending_area=t.st.offer_area, offer_area=None)
    flow.screen_or_routine(t)


def finish_instead(t: Turn, _event: Event) -> None:
    t.end("memory.goodbye")


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


def hear_safety_tips(t: Turn, _event: Event) -> None:
    flow.safety_tips(t)


def skip_tips(t: Turn, _event: Event) -> None:
    t.say("tips.skipped")
    flow.intro(t)


def play_on(t: Turn, _event: Event) -> None:
    sets.play_chunk(t)


def skip_stretch(t: Turn, _event: Event) -> None:
    flow.skip_stretch(t)


def checkin_feeling(t: Turn, event: Event) -> bool | None:
    """ "Easy", "good", "a bit tight": kept in the session record, then on to the next stretch."""
    if event.feeling is None:
        return False
    flow.record_feeling(t, event.feeling)
    t.say(f"checkin.{event.feeling.value}")
    flow.next_stretch(t)
    return None


def checkin_move_on(t: Turn, _event: Event) -> None:
    """ "Next", "go on": no feeling is recorded, and nothing is taken as fine."""
    t.say("checkin.moving_on")
    flow.next_stretch(t)


def checkin_unclear(t: Turn, event: Event) -> None:
    """Not understood (or a bare yes or no): asked once more, never taken as fine."""
    if t.st.checkin_asked_again:
        checkin_move_on(t, event)
        return
    t.update(checkin_asked_again=True)
    t.ask("checkin.again", "checkin.reprompt")


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
    """Back where "delete my data" was said; a question about the deleted profile is not asked
    (no usual routine, no last time), the conversation goes on without it."""
    t.say(key)
    t.update(phase=t.st.return_phase or Phase.AREA, return_phase=None)
    if t.profile is None and t.st.phase in (Phase.OFFER_USUAL, Phase.PAIN_MEMORY):
        flow.screen_or_routine(t)
    else:
        t.ask_current()


def resume(t: Turn, _event: Event) -> None:
    """Back where the pause was; a set's part the pause may have cut short starts again."""
    t.update(phase=t.st.paused_phase or Phase.AREA, paused_phase=None)
    if t.st.phase is Phase.HOLDING:
        t.say("pause.resumed_part" if t.st.rewound else "pause.resumed")
        sets.play_chunk(t)
    else:
        t.say("pause.resumed")
        t.ask_current()
