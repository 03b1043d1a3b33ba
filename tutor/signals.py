"""A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends the tutor like Ctrl-C does.

By default these signals kill the process on the spot, losing the session in progress. Here they
end the conversation with `TerminalClosed` (of the KeyboardInterrupt family) so the command line
saves what was done. While the conversation runs, the signal cancels its task: prompt_toolkit then
unwinds inside the task, and `watch` turns whatever comes out into TerminalClosed. Raising from the
handler instead could land anywhere (a garbage-collection callback or a database driver swallows
it, printing a traceback; it would abort the very save it is meant to allow), so it raises only
inside `blocking()`: plain mode's `input()`, where the event loop cannot run a cancellation until
the call returns. Between conversation and exit (saving), the signal is noted and otherwise ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Coroutine, Iterator
from types import FrameType, TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
CLOSING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)


_blocked = [0]  # how many `blocking()` blocks the main thread is in


@contextlib.contextmanager
def blocking() -> Iterator[None]:
    """Around a blocking call on the event loop's thread: a closing signal raises right there,
    and so does Ctrl-C. (asyncio.run's own Ctrl-C handler only cancels the main task, which
    cannot happen while `input()` blocks the loop: the first Ctrl-C would be swallowed.)"""
    _blocked[0] += 1
    previous = _set_sigint(signal.default_int_handler)
    try:
        yield
    finally:
        _blocked[0] -= 1
        if previous is not None:
            _set_sigint(previous)


def _set_sigint(handler: Any) -> Any:
    """Install `handler` for SIGINT and return the old one; None outside the main thread."""
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: signals are not ours to set
        return None


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
        if _blocked[0]:
            raise TerminalClosed(signum)
        main, loop = self._main, self._loop
        if main is not None and loop is not None and not main.done():
            loop.call_soon_threadsafe(main.cancel)
        # otherwise no conversation runs: `watch` will not start one, and a save under way ends

    async def watch(self, conversation: Coroutine[Any, Any, T]) -> T:
        """Run `conversation`; once a closing signal came, whatever ends it is TerminalClosed."""
        if self.signum is not None:  # the terminal closed before the conversation began
            conversation.close()
            raise TerminalClosed(self.signum)
        self._main, self._loop = asyncio.current_task(), asyncio.get_running_loop()
        try:
            return await conversation
        except (asyncio.CancelledError, OSError, EOFError) as ended:
            if self.signum is not None:
                raise TerminalClosed(self.signum) from ended
            raise
        finally:
            self._main = self._loop = None
