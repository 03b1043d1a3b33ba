"""Which handler takes an event: the order of precedence, written down once.

1. A phase that answers first (a conversation not yet begun) takes what it answers.
2. Commands before the phase: stop, pain, start, choose an area.
3. The phase's own answers (shared/engine/phases.py).
4. Commands valid at every step: help, pause, repeat, settings, history, ...
5. Anything left was not understood.
A handler may decline (return False); the event then goes on down the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from shared import messages
from shared.engine import commands, sets
from shared.engine.answers import Answer
from shared.engine.phase import Phase
from shared.engine.phases import PHASES, PhaseSpec
from shared.engine.turn import Turn
from shared.events import AREAS, STOP_FEELINGS, Event, EventKind, Feeling
from shared.locales import DEFAULT_LOCALE


class TableError(AssertionError):
    """The engine's tables leave a phase or an event without an answer (a bug, found at import)."""


def dispatch(t: Turn, event: Event) -> None:
    if event.area is not None and event.area not in AREAS:
        event = replace(event, area=None)  # an area we don't coach is as good as none
    if event.kind is not EventKind.UNKNOWN:
        t.update(misses=0)
    _settle_last_part(t, event)
    for table in _precedence(t.spec):
        handler = table.get(event.kind)
        if handler is not None and handler(t, event) is not False:
            return
    commands.not_understood(t, event)


# What may cut a response short ("Alexa, pause" in the middle of a set): the part of the set it
# carried is rewound, not counted. Any other answer means the user heard it to the end.
# "Skip" too: skipping in the middle of a set's last part leaves the stretch not done.
_INTERRUPTIONS = frozenset({EventKind.PAUSE, EventKind.STOP, EventKind.PAIN, EventKind.SKIP})
_INTERRUPTING_FEELINGS = frozenset({*STOP_FEELINGS, Feeling.PAINFUL})


def _settle_last_part(t: Turn, event: Event) -> None:
    """Confirm or rewind the part of a set sent last, once the next event shows which it was."""
    if not t.st.part_unconfirmed:
        return
    interrupted = event.kind in _INTERRUPTIONS or (
        event.kind is EventKind.FEELING and event.feeling in _INTERRUPTING_FEELINGS
    )
    if interrupted:
        sets.rewind_unconfirmed(t)
    else:
        sets.confirm_part(t)


def _precedence(spec: PhaseSpec) -> tuple[Mapping[EventKind, Answer], ...]:
    if spec.answers_first:
        return (spec.answers, commands.BEFORE_PHASE, commands.AFTER_PHASE)
    return (commands.BEFORE_PHASE, spec.answers, commands.AFTER_PHASE)


def check_tables(
    phases: Mapping[Phase, PhaseSpec],
    before: Mapping[EventKind, Answer],
    after: Mapping[EventKind, Answer],
) -> None:
    """Every phase has a question, a help message in the catalog and answers of its own; every
    kind of event is handled somewhere once the conversation is under way (a phase that answers
    first, like one not yet begun, takes nearly anything and would hide a missing command)."""
    for phase in Phase:
        spec = phases.get(phase)
        if spec is None:
            raise TableError(f"phase {phase} has no row in the phase table")
        if not callable(spec.ask) or not spec.answers:
            raise TableError(f"phase {phase} needs a question and answers of its own")
        if not messages.has(spec.help_key, DEFAULT_LOCALE):
            raise TableError(f"phase {phase}: help message {spec.help_key!r} is not in the catalog")
    under_way = [spec for spec in phases.values() if not spec.answers_first]
    handled = set(before) | set(after) | {k for spec in under_way for k in spec.answers}
    missing = sorted(set(EventKind) - handled)
    if missing:
        raise TableError(f"no handler for events {missing}")


check_tables(PHASES, commands.BEFORE_PHASE, commands.AFTER_PHASE)
