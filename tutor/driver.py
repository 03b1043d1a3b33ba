"""The conversation loop: show a reply, play its holds, ask its question, feed the answer back.

It talks to a `TutorUI` (plain lines or the full-screen display) and to a `TutorSession`, so the
same loop is tested headless with a fake clock and runs for real in a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from shared.events import Event, EventKind
from shared.illustration import figure_for
from shared.in_view import INTRO_KEYS, exercise_in_view
from shared.locales import DEFAULT_LOCALE
from shared.reply import Ask, Hold, Reply, Rest, Say
from shared.reply_text import step_texts
from tutor.figure import figure_text
from tutor.session import TutorSession
from tutor.summary import Tally, summary_lines


class TutorUI(Protocol):
    def show(self, text: str) -> None: ...

    async def ask(self, ask: Ask) -> str | None:
        """The user's answer; None when input has ended (Ctrl-D, a closed terminal)."""

    async def play(self, step: Hold | Rest) -> Event | None:
        """Count the step down; an Event when a key interrupted it (skip, redo, hurt, quit)."""

    def bell(self) -> None: ...


def show_figure(reply: Reply, ui: TutorUI, locale: str) -> None:
    """The picture of the stretch a reply introduces, under its first line (its first side)."""
    exercise = exercise_in_view(reply.state)
    if exercise is not None:
        side = exercise.sides[0].id if exercise.sides else None
        ui.show(figure_text(figure_for(exercise.id, side), locale))


async def _play_reply(
    reply: Reply,
    ui: TutorUI,
    *,
    bell: bool,
    tally: Tally | None = None,
    locale: str = DEFAULT_LOCALE,
) -> Event | None:
    """Show and play a reply's steps; returns the event of a key that interrupted a countdown.

    Holds and rests are countdowns, and a question is left to `ui.ask`, which shows it with the
    prompt; everything else is shown as lines, a stretch's introduction with its picture."""
    for step in reply.steps:
        if isinstance(step, Hold | Rest):
            if tally is not None:
                tally.began(step)
            interrupted = await ui.play(step)
            if interrupted is not None:
                return interrupted
            if tally is not None:
                tally.finished(step)
            if bell and isinstance(step, Hold):
                ui.bell()
        elif not isinstance(step, Ask):
            for text in step_texts(step):
                if text:
                    ui.show(text)
            if isinstance(step, Say) and step.key in INTRO_KEYS:
                show_figure(reply, ui, locale)
    return None


def show_summary(
    session: TutorSession, tally: Tally | None, show: Callable[[str], None], locale: str
) -> None:
    """The session's summary, once a routine got under way (not after a welcome alone)."""
    if tally is not None and tally.under_way:
        show("\n".join(summary_lines(tally.summary(session.stretches_done), locale)))


async def run_conversation(
    session: TutorSession, ui: TutorUI, *, bell: bool = False, tally: Tally | None = None
) -> bool | None:
    """Coach until the engine ends the conversation (returns None) or input ends: then what was
    done is saved, and the result says whether saving worked. With a `tally`, what was done on
    screen is counted and summed up at the end (an exception leaves that to the caller)."""
    replies = session.start()
    for earlier in replies[:-1]:
        await _play_reply(earlier, ui, bell=bell, tally=tally, locale=session.locale)
    reply = replies[-1]
    while True:
        interrupted = await _play_reply(reply, ui, bell=bell, tally=tally, locale=session.locale)
        if interrupted is not None:
            reply = session.feed(interrupted)
            continue
        session.shown()
        if reply.ended:
            show_summary(session, tally, ui.show, session.locale)
            return None
        ask = reply.ask
        if ask is None or ask.kind == "continue":
            reply = session.feed(Event(EventKind.CONTINUE))
            continue
        answer = await ui.ask(ask)
        if answer is None:
            saved = session.save_partial()
            show_summary(session, tally, ui.show, session.locale)
            return saved
        reply = session.feed_text(answer)
