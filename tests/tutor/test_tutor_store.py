"""The in-memory store behind a tutor session, and the key a local profile is saved under."""

from __future__ import annotations

from datetime import date

from shared.events import Event, EventKind
from shared.profile import Profile
from shared.reply import ClearScreening, DeleteProfile, MarkScreened, SavePreferences
from tutor.session import TUTOR_CHUNK_SECONDS, TutorSession
from tutor.store import MemoryStore, local_user_key

TODAY = date(2026, 1, 15)


def test_local_profiles_have_their_own_keys() -> None:
    assert local_user_key("local") == "local:local"
    assert local_user_key("anna") != local_user_key("local")


def test_memory_store_applies_effects_and_deletes() -> None:
    store = MemoryStore()
    key = local_user_key("local")
    assert store.load(key) is None
    assert store.apply(key, [SavePreferences(30, 2), MarkScreened()], TODAY)
    assert store.load(key) == Profile(hold_seconds=30, reps=2, screened_on=TODAY)
    assert store.apply(key, [DeleteProfile()], TODAY)
    assert store.load(key) is None and store.profiles == {}


def test_memory_store_clears_the_screen_keeping_the_rest() -> None:
    store = MemoryStore()
    key = local_user_key("local")
    assert store.apply(key, [SavePreferences(30, 2), MarkScreened()], TODAY)
    assert store.apply(key, [ClearScreening()], TODAY)
    assert store.load(key) == Profile(hold_seconds=30, reps=2, screened_on=None)


def test_a_session_reads_and_writes_its_user_in_the_store() -> None:
    store = MemoryStore({local_user_key("anna"): Profile(hold_seconds=45, reps=4)})
    session = TutorSession(store, TODAY, user="anna")
    assert session.profile == Profile(hold_seconds=45, reps=4)
    assert session.context.max_chunk_seconds == TUTOR_CHUNK_SECONDS
    session.feed(Event(EventKind.LAUNCH))
    session.feed(Event(EventKind.NO))  # no emergency signs: the urgent question
    session.feed(Event(EventKind.NO))  # no urgent signs either: the screen is saved
    saved = store.load(local_user_key("anna"))
    assert saved is not None and saved.screened_on == TODAY and saved.hold_seconds == 45
    assert store.load(local_user_key("local")) is None


def test_the_chunk_size_is_a_parameter() -> None:
    session = TutorSession(MemoryStore(), TODAY, chunk_seconds=200)
    assert session.context.max_chunk_seconds == 200
