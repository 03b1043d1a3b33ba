"""The interactive front end: prompt_toolkit questions and a live hold display.

A hold shows big seconds remaining, a progress bar, the repetition and side, and the current cue,
refreshed from the clock (never from counting frames); single keys pause, skip the stretch, do the
repetition again, report pain or quit. Every line is wrapped between words to the terminal's width
(tutor/wrap.py), read again at each redraw, so the hold view re-wraps when the terminal is resized.
Input and output are injectable, so tests drive it with a pipe and a dummy output.
"""

from __future__ import annotations

import math
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.input import Input
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import Output
from prompt_toolkit.validation import Validator

from shared import messages
from shared.events import Event, EventKind
from shared.locales import DEFAULT_LOCALE
from shared.reply import Ask, Hold, Rest
from tutor.bigdigits import big_number
from tutor.clock import Clock
from tutor.countdown import Countdown
from tutor.key_bindings import hold_bindings
from tutor.render import answer_choices, hold_label
from tutor.style import build_style, color_depth
from tutor.toolbar import DEFAULT_WIDTH, hold_toolbar
from tutor.wrap import wrap_text

BAR_WIDTH = 40
# Redraws per real second while counting. A power of two keeps fake-clock sums exact in tests.
REFRESHES_PER_SECOND = 8
PAUSED_POLL_SECONDS = 0.25


class HoldScreen:
    """One hold or rest on screen until it ends or a key interrupts it."""

    def __init__(self, step: Hold | Rest, clock: Clock, *, speed: float, locale: str) -> None:
        self.step = step
        self.clock = clock
        self.locale = locale
        self.countdown = Countdown(step.seconds, clock.monotonic(), speed)
        self.cues = {c.at: c.text for c in step.cues} if isinstance(step, Hold) else {}
        self.cue_text = step.text if isinstance(step, Rest) else ""
        self.show_help = False
        self.done = False
        self.app: Application[Event | None] | None = None

    # -- HoldControls ---------------------------------------------------------------------------

    def toggle_pause(self) -> None:
        self.countdown.toggle(self.clock.monotonic())
        self._refresh()

    def toggle_help(self) -> None:
        self.show_help = not self.show_help
        self._refresh()

    def interrupt(self, kind: EventKind) -> None:
        self._finish(result=Event(kind))

    def abort(self, error: type[BaseException]) -> None:
        self._finish(exception=error())

    def _finish(self, result: Event | None = None, exception: BaseException | None = None) -> None:
        """End the screen once; later keys or ticks find it already done."""
        if self.app is None or self.done:
            return
        self.done = True
        if exception is not None:
            self.app.exit(exception=exception)
        else:
            self.app.exit(result=result)

    # -- display --------------------------------------------------------------------------------

    def title(self) -> StyleAndTextTuples:
        if isinstance(self.step, Hold):
            text = f"{self.step.exercise_name.capitalize()} - {hold_label(self.step, self.locale)}"
        else:
            key = "tutor.switch_title" if self.step.reason == "switch_sides" else "tutor.rest_title"
            text = messages.text(key, self.locale)
        return [("class:title", wrap_text(text, self._width()))]

    def digits(self) -> StyleAndTextTuples:
        now = self.clock.monotonic()
        style = "class:digits.paused" if self.countdown.paused else "class:digits"
        return [(style, "\n".join(big_number(self.countdown.whole_seconds_left(now))))]

    def bar(self) -> StyleAndTextTuples:
        width = min(BAR_WIDTH, self._width())
        done = round(width * self.countdown.elapsed(self.clock.monotonic()) / self.step.seconds)
        return [("class:bar.done", "█" * done), ("class:bar.todo", "░" * (width - done))]

    def cue(self) -> StyleAndTextTuples:
        return [("class:cue", wrap_text(self.cue_text, self._width()))]

    def toolbar(self) -> StyleAndTextTuples:
        return hold_toolbar(
            paused=self.countdown.paused,
            show_help=self.show_help,
            locale=self.locale,
            width=self._width(),
        )

    def _width(self) -> int:
        """The terminal's width now (read at every redraw), so lines wrap between words."""
        return self.app.output.get_size().columns if self.app is not None else DEFAULT_WIDTH

    def layout(self) -> Layout:
        windows = [
            Window(FormattedTextControl(self.title), dont_extend_height=True),
            Window(FormattedTextControl(self.digits), height=5),
            Window(FormattedTextControl(self.bar), height=1),
            # wrapped between words by each control; wrap_lines only for a word wider than a line
            Window(FormattedTextControl(self.cue), wrap_lines=True, dont_extend_height=True),
            Window(FormattedTextControl(self.toolbar), wrap_lines=True, dont_extend_height=True),
        ]
        return Layout(HSplit(windows))

    def _refresh(self) -> None:
        if self.app is not None:
            self.app.invalidate()

    # -- running --------------------------------------------------------------------------------

    def _next_wait(self) -> float:
        """Real seconds until the next redraw, cue or the end, whichever comes first.

        Redraws fall on a grid of coach time, so a wake-up is always aimed at an exact moment
        computed from the start: late wake-ups never add up.
        """
        if self.countdown.paused:
            return PAUSED_POLL_SECONDS  # only a key changes the screen now
        now = self.clock.monotonic()
        elapsed = self.countdown.elapsed(now)
        step = max(1.0, self.countdown.speed) / REFRESHES_PER_SECOND
        redraw = (math.floor(elapsed / step + 1e-9) + 1) * step
        cues = [at for at in self.cues if at not in self.countdown.fired and at > elapsed]
        target = min([*cues, redraw, self.step.seconds])
        return self.countdown.real_seconds_until(target, now)

    async def _tick(self) -> None:
        """Fire cues when due and end the hold on time; any error ends the screen with it."""
        try:
            while not self.done:
                now = self.clock.monotonic()
                for at in self.countdown.due(sorted(self.cues), now):
                    self.cue_text = self.cues[at]
                if self.countdown.finished(now):
                    self._finish(result=None)
                    return
                self._refresh()
                await self.clock.sleep(self._next_wait())
        except Exception as error:
            self._finish(exception=error)

    async def run(
        self, *, input: Input | None, output: Output | None, plain_style: bool
    ) -> Event | None:
        self.app = Application(
            layout=self.layout(),
            key_bindings=hold_bindings(self),
            style=build_style(plain_style),
            color_depth=color_depth(plain_style),
            input=input,
            output=output,
            erase_when_done=True,
        )
        self.app.create_background_task(self._tick())
        return await self.app.run_async()


class TerminalUI:
    """Questions with completion and validation; holds on the live display."""

    def __init__(
        self,
        clock: Clock,
        *,
        speed: float = 1.0,
        plain_style: bool = False,
        input: Input | None = None,
        output: Output | None = None,
        locale: str = DEFAULT_LOCALE,
        write: Any = print,
    ) -> None:
        self.clock = clock
        self.speed = speed
        self.plain_style = plain_style
        self.input = input
        self.output = output
        self.locale = locale
        self.write = write
        self.prompts: PromptSession[str] = PromptSession(
            input=input,
            output=output,
            style=build_style(plain_style),
            color_depth=color_depth(plain_style),
        )

    def columns(self) -> int:
        """The terminal's width now, read for each line printed."""
        return self.prompts.output.get_size().columns

    def show(self, text: str) -> None:
        self.write(wrap_text(text, self.columns()))

    def bell(self) -> None:
        if self.output is not None:
            self.output.bell()
            self.output.flush()

    @staticmethod
    def completer(ask: Ask, locale: str = DEFAULT_LOCALE) -> WordCompleter:
        """Sensible answers for the question on screen, completed with Tab."""
        return WordCompleter(answer_choices(ask, locale), ignore_case=True, sentence=True)

    async def ask(self, ask: Ask) -> str | None:
        choices = answer_choices(ask, self.locale)
        hint = messages.text("tutor.choices_hint", self.locale, choices=", ".join(choices[:4]))
        self.show(ask.text)
        validator = Validator.from_callable(
            lambda text: bool(text.strip()),
            error_message=messages.text("tutor.empty_answer", self.locale),
        )
        try:
            return await self.prompts.prompt_async(
                messages.text("tutor.prompt", self.locale),
                completer=self.completer(ask, self.locale),
                validator=validator,
                # a callable: wrapped again at each redraw, so a resize is followed
                bottom_toolbar=lambda: wrap_text(hint, self.columns()),
            )
        except EOFError:
            return None

    async def play(self, step: Hold | Rest) -> Event | None:
        screen = HoldScreen(step, self.clock, speed=self.speed, locale=self.locale)
        return await screen.run(input=self.input, output=self.output, plain_style=self.plain_style)
