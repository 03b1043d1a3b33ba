"""The conversation loop: show a reply, play its holds, ask its question, feed the answer back.

It talks to a `TutorUI` (plain lines or the full-screen display) and to a `TutorSession`, so the
same loop is tested headless with a fake clock and runs for real in a terminal.
"""

from __future__ import annotations

from typing import Protocol

from shared.events import Event, EventKind
from shared.reply import Ask, Hold, Reply, Rest
from shared.reply_text import step_texts
from tutor.session import TutorSession


class TutorUI(Protocol):
    def show(self, text: str) -> None: ...

    async def ask(self, ask: Ask) -> str | None:
        """The user's answer; None when input has ended (Ctrl-D, a closed terminal)."""

    async def play(self, step: Hold | Rest) -> Event | None:
        """Count the step down; an Event when a key interrupted it (skip, repeat, hurt, quit)."""

    def bell(self) -> None: ...


async def _play_reply(reply: Reply, ui: TutorUI, *, bell: bool) -> Event | None:
    """Show and play a reply's steps; returns the event of a key that interrupted a countdown.

    Holds and rests are countdowns, and a question is left to `ui.ask`, which shows it with the
    prompt; everything else is shown as lines."""
    for step in reply.steps:
        if isinstance(step, Hold | Rest):
            interrupted = await ui.play(step)
            if interrupted is not None:
                return interrupted
            if bell and isinstance(step, Hold):
                ui.bell()
        elif not isinstance(step, Ask):
            for text in step_texts(step):
                if text:
                    ui.show(text)
    return None


async def run_conversation(
    session: TutorSession, ui: TutorUI, *, bell: bool = False
) -> bool | None:
    """Coach until the engine ends the conversation (returns None) or input ends: then what was
    done is saved, and the result says whether saving worked."""
    replies = session.start()
    for earlier in replies[:-1]:
        await _play_reply(earlier, ui, bell=bell)
    reply = replies[-1]
    while True:
        interrupted = await _play_reply(reply, ui, bell=bell)
        if interrupted is not None:
            reply = session.feed(interrupted)
            continue
        if reply.ended:
            return None
        ask = reply.ask
        if ask is None or ask.kind == "continue":
            reply = session.feed(Event(EventKind.CONTINUE))
            continue
        answer = await ui.ask(ask)
        if answer is None:
            return session.save_partial()
        reply = session.feed_text(answer)
