"""Line-by-line front end: for screen readers, pipes and terminals without a full screen.

Each cue is printed when it is due and the count is announced every few seconds, so a screen reader
speaks a steady, sparse rhythm instead of a redrawn screen. On a terminal every line is wrapped
between words to its width at the time (read again for each line, so a resize is followed); into
a pipe lines go whole.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

from shared import messages
from shared.events import Event
from shared.locales import DEFAULT_LOCALE
from shared.reply import Ask, Hold, Rest
from tutor.clock import Clock
from tutor.countdown import Countdown
from tutor.render import hold_label
from tutor.signals import blocking
from tutor.wrap import wrap_text

TICK_EVERY = 5


def terminal_width() -> int | None:
    """The columns of the terminal standard output shows on now; None when it is not one."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else None
    except (OSError, ValueError):  # closed, or replaced by something without a file descriptor
        return None


class PlainUI:
    def __init__(
        self,
        clock: Clock,
        *,
        read: Callable[[str], str] | None = None,
        write: Callable[[str], None] | None = None,
        speed: float = 1.0,
        locale: str = DEFAULT_LOCALE,
        width: Callable[[], int | None] = terminal_width,
    ) -> None:
        self.clock = clock
        self.read = read or (lambda prompt: input(prompt))  # looked up per call: patchable
        self._write = write or (lambda text: print(text, flush=True))
        self.speed = speed
        self.locale = locale
        self.width = width

    def write(self, text: str) -> None:
        """One message, wrapped between words to the terminal's current width."""
        self._write(wrap_text(text, self.width()))

    def show(self, text: str) -> None:
        self.write(text)

    def bell(self) -> None:
        """The terminal bell alone, without a newline: no blank line for a screen reader to read."""
        with contextlib.suppress(OSError):
            sys.stdout.write("\a")
            sys.stdout.flush()

    async def ask(self, ask: Ask) -> str | None:
        self.write(ask.text)
        while True:
            try:
                with blocking():  # a closed terminal must interrupt the wait for an answer
                    answer = self.read(messages.text("tutor.prompt", self.locale))
            except EOFError:
                return None
            if answer.strip():
                return answer
            self.write(messages.text("tutor.empty_answer", self.locale))

    async def play(self, step: Hold | Rest) -> Event | None:
        if isinstance(step, Hold):
            label = f"{step.exercise_name} - {hold_label(step, self.locale)}"
            self.write(
                messages.text("tutor.plain_hold", self.locale, seconds=step.seconds, label=label)
            )
            cues = {cue.at: cue.text for cue in step.cues}
        else:
            self.write(
                messages.text("tutor.plain_rest", self.locale, text=step.text, seconds=step.seconds)
            )
            cues = {}
        await self._count(step.seconds, cues)
        return None

    async def _count(self, seconds: int, cues: dict[int, str]) -> None:
        ticks = [t for t in range(TICK_EVERY, seconds, TICK_EVERY)]
        moments = sorted({*cues, *ticks, seconds})
        countdown = Countdown(seconds, self.clock.monotonic(), self.speed)
        for moment in moments:
            await self.clock.sleep(countdown.real_seconds_until(moment, self.clock.monotonic()))
            if moment in cues:
                self.write(cues[moment])
            elif moment in ticks:
                self.write(
                    messages.text("tutor.seconds_left", self.locale, seconds=seconds - moment)
                )
