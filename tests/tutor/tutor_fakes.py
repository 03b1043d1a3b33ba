"""Fakes for driving the tutor headless: a scripted clock, and a UI that records what it got."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date

from prompt_toolkit.input.base import PipeInput
from prompt_toolkit.output import DummyOutput

from shared.events import Event
from shared.reply import Ask, Hold, Reply, Rest
from tutor.app import TerminalUI
from tutor.clock import FakeClock
from tutor.session import TutorSession


class ScriptedClock(FakeClock):
    """A fake clock that runs actions (key presses) at given fake times, letting input be read."""

    def __init__(self, day: date = date(2026, 1, 15)) -> None:
        super().__init__(day=day)
        self.actions: list[tuple[float, Callable[[], None]]] = []

    def at(self, moment: float, action: Callable[[], None]) -> None:
        self.actions.append((moment, action))
        self.actions.sort(key=lambda item: item[0])

    async def sleep(self, seconds: float) -> None:
        target = self.now + max(0.0, seconds)
        if self.actions and self.actions[0][0] <= target:
            moment, action = self.actions.pop(0)
            self.slept += max(0.0, moment - self.now)
            self.now = max(self.now, moment)
            action()
            await asyncio.sleep(0.05)  # real time for the application to read the keys
            return
        self.slept += target - self.now
        self.now = target
        await asyncio.sleep(0)


class RecordingUI:
    """Answers questions from a script and plays holds instantly on a fake clock."""

    def __init__(self, answers: list[str], clock: FakeClock, keys: dict[int, Event] | None = None):
        self.answers = list(answers)
        self.clock = clock
        self.keys = keys or {}  # the n-th timed step (0-based) is interrupted by this event
        self.shown: list[str] = []
        self.questions: list[Ask] = []
        self.played: list[Hold | Rest] = []
        self.bells = 0

    def show(self, text: str) -> None:
        self.shown.append(text)

    def bell(self) -> None:
        self.bells += 1

    async def ask(self, ask: Ask) -> str | None:
        self.questions.append(ask)
        return self.answers.pop(0) if self.answers else None

    async def play(self, step: Hold | Rest) -> Event | None:
        index = len(self.played)
        self.played.append(step)
        if index in self.keys:
            return self.keys[index]
        await self.clock.sleep(step.seconds)
        return None


class PipedTerminalUI(TerminalUI):
    """The real full-screen UI reading a pipe: each scripted answer is typed when its question is
    asked (typed earlier, the hold screens would read it as keys); Ctrl-D when the script ends."""

    def __init__(self, answers: list[str], clock: FakeClock, pipe: PipeInput) -> None:
        self.answers = list(answers)
        self.pipe = pipe
        self.shown: list[str] = []
        self.questions: list[Ask] = []
        self.played: list[Hold | Rest] = []
        super().__init__(clock, input=pipe, output=DummyOutput(), write=self.shown.append)

    async def ask(self, ask: Ask) -> str | None:
        self.questions.append(ask)
        self.pipe.send_text(f"{self.answers.pop(0)}\r" if self.answers else "\x04")
        return await super().ask(ask)

    async def play(self, step: Hold | Rest) -> Event | None:
        self.played.append(step)
        return await super().play(step)


def to_first_stretch(area: str) -> list[str]:
    """Typed answers from the welcome to the first stretch's introduction, for a new user whose
    area came from the command line: no emergency signs, no urgent signs, no neck signs (asked
    only when the routine has neck stretches), and no tips."""
    neck = ["no"] if area in ("neck", "both") else []
    return ["no", "no", *neck, "no"]


def timed_seconds(replies: list[Reply]) -> int:
    """The seconds of every hold and rest the engine sent: what a routine takes on the clock
    (the talk takes none; durations are the engine's business, so tests read them off its steps)."""
    return sum(s.seconds for r in replies for s in r.steps if isinstance(s, Hold | Rest))


class RecordingSession(TutorSession):
    """A real session that keeps every reply the engine gave."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.replies: list[Reply] = []

    def feed(self, event: Event) -> Reply:
        reply = super().feed(event)
        self.replies.append(reply)
        return reply

    @property
    def timed_seconds(self) -> int:
        return timed_seconds(self.replies)
