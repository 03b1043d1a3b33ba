"""The tutor's side of the conversation: engine state, the local profile and its store.

Front ends (full-screen or plain) only render replies and report what the user did; this class
feeds the engine, applies effects to the store, and saves what was done if the session is cut short.
The dialog tool drives this same class for its text channel (with a `MemoryStore`, the dialog's
day and locale, and the voice chunking), so dialogs check the tutor's real conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.effects import apply_effects
from shared.engine import Context, handle, played_to_end, session_record
from shared.events import CueLevel, Event, EventKind
from shared.locales import DEFAULT_LOCALE
from shared.matcher import Matcher
from shared.profile import SessionRecord
from shared.reply import RecordSession, Reply
from tutor.store import SessionStore, local_user_key

# One repetition per reply: the tutor reports each finished hold, so pause, skip, redo and
# "it hurts" apply to exactly the repetition on screen.
TUTOR_CHUNK_SECONDS = 0


@dataclass
class Preferences:
    """Command-line choices that the engine should start from."""

    area: str | None = None
    hold: int | None = None
    reps: int | None = None
    cues: CueLevel | None = None


class TutorSession:
    """One conversation of one local user. `chunk_seconds` is how much of a routine one reply may
    hold (the engine's `max_chunk_seconds`): the tutor's one repetition, unless a caller needs the
    voice chunking to line its turns up with the skill's."""

    def __init__(
        self,
        store: SessionStore,
        today: date,
        user: str = "local",
        preferences: Preferences | None = None,
        locale: str = DEFAULT_LOCALE,
        *,
        chunk_seconds: int | None = TUTOR_CHUNK_SECONDS,
    ) -> None:
        self.store = store
        self.today = today
        self.user_id = local_user_key(user)
        self.locale = locale
        self.chunk_seconds = chunk_seconds
        self.matcher = Matcher.for_locale(locale)
        self.profile = store.load(self.user_id)
        self.state: dict[str, Any] | None = None
        self.preferences = preferences or Preferences()
        self.saved = True
        self.finished = False
        # Whether the front end finished showing the last reply (every hold counted down, its
        # question on screen): only then does a part of a set it carried count if cut short.
        self.shown_to_end = False
        # The session record saved so far (by the engine's end, or by `save_partial`).
        self.record: SessionRecord | None = None

    @property
    def context(self) -> Context:
        return Context(
            today=self.today,
            profile=self.profile,
            max_chunk_seconds=self.chunk_seconds,
            locale=self.locale,
        )

    def feed(self, event: Event) -> Reply:
        """One event through the engine; effects saved; the state kept unless the talk ended."""
        reply = handle(self.state, event, self.context)
        self._apply(reply)
        self.state = None if reply.ended else reply.state
        self.finished = reply.ended
        self.shown_to_end = False
        return reply

    def shown(self) -> None:
        """The front end showed the last reply to its end: a hold it carried was held through.

        The engine treats a part of a set as unconfirmed until the next event shows it played,
        and rewinds it on "stop", "pause" or "it hurts", because a voice front end cannot know
        where it was interrupted. The tutor does know: once a reply was shown to its end, a
        "stop" typed at the check-in must not take back the stretch it just counted down."""
        self.shown_to_end = True
        if self.state is not None:
            self.state = played_to_end(self.state)

    def feed_text(self, text: str) -> Reply:
        """Typed words, understood through the interaction model (more forgivingly than voice)."""
        return self.feed(self.matcher.to_event(text))

    def start(self) -> list[Reply]:
        """The opening replies: the welcome, then any pacing, cue level and area given on the
        command line (each said as the engine says it, and remembered in the profile)."""
        prefs = self.preferences
        first = self.feed(
            Event(EventKind.START, area=prefs.area) if prefs.area else Event(EventKind.LAUNCH)
        )
        replies = [first]
        settings = [
            Event(kind, value=value)
            for kind, value in ((EventKind.SET_HOLD, prefs.hold), (EventKind.SET_REPS, prefs.reps))
            if value is not None
        ]
        if prefs.cues is not None:
            settings.append(Event(EventKind.SET_CUES, cue_level=prefs.cues))
        for event in settings:
            if not self.finished:
                replies.append(self.feed(event))
        return replies

    def _apply(self, reply: Reply) -> None:
        if not reply.effects:
            return
        for effect in reply.effects:
            if isinstance(effect, RecordSession):
                self.record = effect.record
        self.saved = self.store.apply(self.user_id, reply.effects, self.today) and self.saved
        self.profile = apply_effects(self.profile, reply.effects, self.today)

    def save_partial(self) -> bool:
        """Ctrl-C, Ctrl-D or a closed terminal: keep what was done; False if saving failed.

        A part of a set in the last reply counts only if the front end showed it to the end (a
        hold cut short mid-countdown is not counted; a set whose check-in is on screen is)."""
        record = session_record(self.state, self.context, played_to_end=self.shown_to_end)
        self.state = None
        self.finished = True
        if record is None:
            return True
        self.record = record
        return self.store.apply(self.user_id, [RecordSession(record)], self.today)

    @property
    def stretches_done(self) -> int:
        """How many stretches the saved record counts as done today."""
        return len(self.record.stretches) if self.record is not None else 0
