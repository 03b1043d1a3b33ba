"""The text channel drives the tutor's real session: its matcher, its store, its partial save."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from shared.profile import SessionRecord
from shared.reply import Reply
from skill.config import VOICE_CHUNK_SECONDS
from skill.dialogs.model import Dialog, parse_dialog
from skill.dialogs.replay import run_on_channel
from skill.dialogs.text_channel import TextChannel
from tutor.session import TutorSession
from tutor.store import local_user_key

# Cut short after the first stretch: only the tutor's save of a cut-short session, through its
# store, lets the next launch greet a returning user with their usual routine.
CUT_SHORT = """
name: cut short, then back
today: 2026-03-02
profile: {hold_seconds: 25, reps: 2}
turns:
  - launch: true
  - say: "no"
  - say: "no"
  - say: my neck is stiff
  - say: "no"
  - say: "no"
  - say: ready
  - say: fine
  - session_end: USER_INITIATED
  - launch: true
    expect:
      speech: Welcome back to Back Stretch Coach.
"""


def _dialog() -> Dialog:
    return parse_dialog(yaml.safe_load(CUT_SHORT), Path("cut_short.yaml"))


def test_typed_words_reach_the_tutor_session(monkeypatch: pytest.MonkeyPatch) -> None:
    typed: list[str] = []
    feed_text = TutorSession.feed_text

    def spy(session: TutorSession, text: str) -> Reply:
        typed.append(text)
        return feed_text(session, text)

    monkeypatch.setattr(TutorSession, "feed_text", spy)
    result = run_on_channel(_dialog(), "text")
    assert result.ok
    assert typed == ["no", "no", "my neck is stiff", "no", "no", "ready", "fine"]


def test_a_cut_short_session_is_saved_in_the_channel_store() -> None:
    channel = TextChannel(_dialog(), VOICE_CHUNK_SECONDS)
    first = channel.session
    assert channel.replay().ok
    profile = channel.store.load(local_user_key("local"))
    assert profile is not None and profile.hold_seconds == 25
    assert profile.sessions == (
        SessionRecord(
            date(2026, 3, 2),
            "neck",
            ("neck_flexion",),
            pain_reports=0,
            completed=False,
            feelings=(("neck_flexion", "good"),),  # "fine" at the check-in
            levels=(("neck_flexion", 25, 2),),  # the pacing the dialog set
        ),
    )
    # the relaunch is a new tutor session, paced like the voice channel
    assert channel.session is not first and channel.session.profile == profile
    assert channel.session.chunk_seconds == VOICE_CHUNK_SECONDS
