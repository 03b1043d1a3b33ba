"""Single keys during a hold: space pause/resume, n skip this stretch, r do this repetition again,
h it hurts, q quit, ? help.

The bindings only call methods of a `HoldControls`, so they are tested without a terminal.
"""

from __future__ import annotations

from typing import Protocol

from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from shared.events import EventKind


class HoldControls(Protocol):
    def toggle_pause(self) -> None: ...

    def interrupt(self, kind: EventKind) -> None: ...

    def toggle_help(self) -> None: ...

    def abort(self, error: type[BaseException]) -> None: ...


# "n" leaves the stretch out (SKIP: NEXT between the parts of a set goes on with the same one);
# "r" does the repetition on screen again (REDO: REPEAT only asks the last question again).
KEY_EVENTS = {"n": EventKind.SKIP, "r": EventKind.REDO, "h": EventKind.PAIN, "q": EventKind.STOP}


def hold_bindings(controls: HoldControls) -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add(" ")
    def _pause(event: KeyPressEvent) -> None:
        controls.toggle_pause()

    @bindings.add("?")
    def _help(event: KeyPressEvent) -> None:
        controls.toggle_help()

    for key, kind in KEY_EVENTS.items():
        bindings.add(key)(lambda event, kind=kind: controls.interrupt(kind))

    @bindings.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        controls.abort(KeyboardInterrupt)

    @bindings.add("c-d")
    def _end_of_input(event: KeyPressEvent) -> None:
        controls.abort(EOFError)

    return bindings
