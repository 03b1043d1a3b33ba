"""A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the tutor like Ctrl-C does.

By default these signals kill the process on the spot, losing the session in progress. Here they
end the conversation with `TerminalClosed` (of the KeyboardInterrupt family) so the command line
saves what was done. How depends on where the signal lands:
- in the conversation's own code (a blocking `input()` in plain mode): raised right there;
- anywhere else (the event loop waiting, a display task): the conversation task is cancelled, so
  prompt_toolkit unwinds inside it, and `watch` turns whatever comes out into TerminalClosed.
Raising into the idle event loop instead would leave the task to be torn down by asyncio's
shutdown, which prints its errors as tracebacks.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from types import FrameType, TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
CLOSING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)


class TerminalClosed(KeyboardInterrupt):
    """The terminal went away or the process was asked to stop; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal."""
        return 128 + self.signum


class ClosingSignals:
    """Within `with`, SIGHUP and SIGTERM end the watched conversation; old handlers come back after.

    Outside the main thread (where handlers cannot be set) nothing changes.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._main: asyncio.Task[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> ClosingSignals:
        try:
            for closing in CLOSING_SIGNALS:
                self._previous[closing] = signal.signal(closing, self._on_signal)
        except ValueError:  # not the main thread
            pass
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for closing, handler in self._previous.items():
            signal.signal(closing, handler)
        self._previous.clear()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.signum is not None:
            return  # already closing: let the save finish
        self.signum = signum
        main, loop = self._main, self._loop
        if main is None or loop is None or main.done() or asyncio.current_task(loop) is main:
            raise TerminalClosed(signum)
        loop.call_soon_threadsafe(main.cancel)

    async def watch(self, conversation: Coroutine[Any, Any, T]) -> T:
        """Run `conversation`; once a closing signal came, whatever ends it is TerminalClosed."""
        self._main, self._loop = asyncio.current_task(), asyncio.get_running_loop()
        try:
            return await conversation
        except (asyncio.CancelledError, OSError, EOFError) as ended:
            if self.signum is not None:
                raise TerminalClosed(self.signum) from ended
            raise
        finally:
            self._main = self._loop = None
