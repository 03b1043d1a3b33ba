"""Changes not saved yet, carried in the session's attributes from turn to turn.

While the database is away a voice session goes on, and what the turns changed (a screening
answered, settings, the session done) travels with the session: Alexa sends the attributes back
on the next turn, to whichever server answers it, and the changes are offered to the store again
before the turn runs. What a session can no longer carry (it ended) goes to the gateway's
journal. Attributes are bounded by Alexa (24 KB in all): past MAX_CARRIED changes, the oldest
go to the journal too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from shared.reply import Effect
from shared.storage.pending import PendingChange, decode_all

UNSAVED_KEY = "unsaved"
MAX_CARRIED = 8


def carried(session: dict[str, Any]) -> list[PendingChange]:
    """The changes the session carries (malformed ones dropped, logged)."""
    return decode_all(session.get(UNSAVED_KEY))


def new_change(effects: Sequence[Effect], day: date) -> list[PendingChange]:
    """A reply's effects as a change with an id of its own (none for no effects)."""
    return [PendingChange.new(effects, day)] if effects else []


def carry(session: dict[str, Any], changes: Sequence[PendingChange]) -> list[PendingChange]:
    """Put the changes in the attributes for the next turn; returns those that did not fit."""
    if not changes:
        session.pop(UNSAVED_KEY, None)
        return []
    kept = list(changes[-MAX_CARRIED:])
    session[UNSAVED_KEY] = [change.to_json() for change in kept]
    return list(changes[:-MAX_CARRIED])
