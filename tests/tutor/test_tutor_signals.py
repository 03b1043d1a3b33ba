"""A closed terminal (SIGHUP) or a kill (SIGTERM) saves what was done and exits quietly."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from datetime import date
from pathlib import Path

import pytest
from tutor_fakes import RecordingUI, to_first_stretch

from shared.events import Event
from shared.reply import Hold, Rest
from shared.storage import SafeStore
from tutor.cli import main
from tutor.clock import FakeClock
from tutor.plain import PlainUI
from tutor.signals import ClosingSignals, TerminalClosed
from tutor.store import local_user_key

TODAY = date(2026, 1, 15)
# Neck flexion done and checked in, lateral flexion introduced and started.
ANSWERS = [*to_first_stretch("neck"), "ready", "fine", "ready"]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this OS")


def _saved_stretches(db: Path) -> tuple[str, ...]:
    store = SafeStore.open(str(db))
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None, "nothing was saved"
    return profile.sessions[0].stretches


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ui: RecordingUI) -> int:
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    return main(["--area", "neck", "--db", str(tmp_path / "p.sqlite3")], clock=ui.clock)


def test_a_hangup_while_the_loop_waits_cancels_the_conversation_and_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    class HungUp(RecordingUI):
        async def play(self, step: Hold | Rest) -> Event | None:
            if isinstance(step, Hold) and step.exercise_id == "lateral_flexion":
                # delivered from the event loop, outside the conversation task
                asyncio.get_running_loop().call_soon(os.kill, os.getpid(), signal.SIGHUP)
                try:
                    await asyncio.sleep(60)  # real time: only the cancellation ends this
                except asyncio.CancelledError:  # as prompt_toolkit does, cleaning up a gone tty
                    raise OSError(5, "Input/output error") from None
            return await super().play(step)

    code = _run(tmp_path, monkeypatch, HungUp(ANSWERS, FakeClock(day=TODAY)))
    assert code == 128 + signal.SIGHUP
    assert _saved_stretches(tmp_path / "p.sqlite3") == ("neck_flexion",)
    # nothing logged: asyncio did not have to tear the conversation down (that logs tracebacks)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_kill_while_plain_mode_waits_for_an_answer_saves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([*ANSWERS])
    shown: list[str] = []

    def read(_prompt: str) -> str:
        if shown[-1] == "How did that feel?" and any("lateral" in text for text in shown):
            os.kill(os.getpid(), signal.SIGTERM)  # as if it arrived while input() waits
            raise AssertionError("the signal should have ended the wait")
        return next(answers)

    clock = FakeClock(day=TODAY)
    ui = PlainUI(clock, read=read, write=shown.append)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    code = main(["--area", "neck", "--db", str(tmp_path / "p.sqlite3")], clock=clock)
    assert code == 128 + signal.SIGTERM
    assert _saved_stretches(tmp_path / "p.sqlite3") == ("neck_flexion", "lateral_flexion")
    assert "Stopped. What you did today is saved." in capsys.readouterr().out


def test_handlers_come_back_and_other_errors_pass_through() -> None:
    before = signal.getsignal(signal.SIGTERM)
    closing = ClosingSignals()
    with closing:
        assert signal.getsignal(signal.SIGTERM) != before

        async def broken() -> None:
            raise OSError("disk")

        with pytest.raises(OSError, match="disk"):  # no signal came: not a closed terminal
            asyncio.run(closing.watch(broken()))
    assert signal.getsignal(signal.SIGTERM) == before
    assert TerminalClosed(signal.SIGHUP).exit_code == 129


def test_a_signal_outside_the_conversation_is_noted_not_raised() -> None:
    """During a save it must not abort the save; a conversation not yet begun never begins."""
    with ClosingSignals() as closing:
        os.kill(os.getpid(), signal.SIGHUP)  # no conversation running: nothing raised here
        os.kill(os.getpid(), signal.SIGTERM)  # a second signal is ignored
        assert closing.signum == signal.SIGHUP

        async def conversation() -> None:
            raise AssertionError("must not run")

        with pytest.raises(TerminalClosed):
            asyncio.run(closing.watch(conversation()))
