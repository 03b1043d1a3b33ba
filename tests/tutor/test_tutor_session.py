"""What a cut-short session counts (only what the screen showed to the end), and the cue level
given on the command line (fed to the engine at start, remembered in the profile)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tutor_fakes import RecordingSession, RecordingUI, to_first_stretch

from shared import messages
from shared.events import CueLevel, Event, EventKind
from shared.reply import Hold, Rest
from shared.storage import SafeStore
from tutor.cli import main, parser
from tutor.clock import FakeClock
from tutor.driver import run_conversation
from tutor.session import Preferences
from tutor.store import local_user_key


def _session(tmp_path: Path, clock: FakeClock, **prefs: object) -> RecordingSession:
    store = SafeStore.open(str(tmp_path / "progress.sqlite3"))
    return RecordingSession(store, clock.today(), preferences=Preferences(**prefs))  # type: ignore[arg-type]


class CutShort(RecordingUI):
    """Ctrl-C in the middle of neck flexion's last hold."""

    async def play(self, step: Hold | Rest) -> Event | None:
        if isinstance(step, Hold) and step.rep == step.reps:
            await self.clock.sleep(step.seconds - 1)
            raise KeyboardInterrupt
        return await super().play(step)


def test_a_set_cut_short_in_its_last_hold_is_not_counted(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(
            run_conversation(session, CutShort([*to_first_stretch("neck"), "ready"], clock))
        )
    # the engine had counted the stretch when it sent that hold; the screen never finished it
    assert session.state is not None and session.state["done"] == ["neck_flexion"]
    assert session.save_partial() is True
    assert session.stretches_done == 0
    assert session.store.load(session.user_id).sessions == ()  # type: ignore[union-attr]
    session.store.close()


def test_a_set_whose_check_in_is_on_screen_is_counted(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    ui = RecordingUI([*to_first_stretch("neck"), "ready"], clock)
    assert asyncio.run(run_conversation(session, ui)) is True  # input ended at the check-in
    assert ui.questions[-1].key == "checkin.question" and session.shown_to_end
    assert session.stretches_done == 1
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].stretches == ("neck_flexion",)
    session.store.close()


@pytest.mark.parametrize("answer", ["stop", "pause"])
def test_stop_or_pause_typed_at_the_check_in_keeps_the_stretch_shown(
    tmp_path: Path, answer: str
) -> None:
    """The screen showed the whole set: typing stop or pause after it does not take it back."""
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    answers = [*to_first_stretch("neck"), "ready", answer, "resume", "stop"]
    ui = RecordingUI(answers, clock)
    asyncio.run(run_conversation(session, ui))
    holds = [s for s in ui.played if isinstance(s, Hold)]
    assert len(holds) == 5  # pause and resume asked the check-in again, no hold was replayed
    assert messages.text("pause.resumed_part") not in ui.shown
    profile = session.store.load(session.user_id)
    assert profile is not None and profile.sessions[-1].stretches == ("neck_flexion",)
    session.store.close()


def test_cues_option_parses_and_refuses_unknown_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert parser().parse_args(["--cues", "Fewer"]).cues is CueLevel.FEWER
    assert parser().parse_args([]).cues is None
    with pytest.raises(SystemExit):
        parser().parse_args(["--cues", "lots"])
    err = capsys.readouterr().err
    assert "Unknown cue level 'lots'. Choose fewer, normal or more." in err


def _cue_keys(ui: RecordingUI) -> list[tuple[str, ...]]:
    return [tuple(c.key for c in s.cues) for s in ui.played if isinstance(s, Hold)]


def test_cues_option_is_fed_to_the_engine_and_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    db = str(tmp_path / "p.sqlite3")
    ui = RecordingUI([*to_first_stretch("neck"), "ready", "stop"], clock)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    assert main(["--area", "neck", "--cues", "fewer", "--reps", "2", "--db", db], clock=clock) == 0
    assert messages.text("cues.fewer") in ui.shown
    assert _cue_keys(ui) == [("cue.start", "cue.release")] * 2  # the count and the release only
    store = SafeStore.open(db)
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None and profile.cue_level is CueLevel.FEWER

    # next time, without the option: the profile's level (the screen is not asked again today)
    again = RecordingUI(["ready", "stop"], clock)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: again)
    assert main(["--area", "neck", "--db", db], clock=clock) == 0
    assert _cue_keys(again) and all(
        keys == ("cue.start", "cue.release") for keys in _cue_keys(again)
    )


def test_more_cues_add_a_form_cue_to_every_repetition(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck", reps=3, cues=CueLevel.MORE)
    ui = RecordingUI([*to_first_stretch("neck"), "ready", "stop"], clock)
    asyncio.run(run_conversation(session, ui))
    assert all("cue.form" in keys for keys in _cue_keys(ui)) and len(_cue_keys(ui)) == 3
    session.store.close()


def test_start_feeds_the_settings_in_order(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, hold=25, reps=3, cues=CueLevel.NORMAL)
    events: list[Event] = []
    feed = session.feed
    session.feed = lambda event: (events.append(event), feed(event))[1]  # type: ignore[method-assign]
    assert len(session.start()) == 4  # the welcome, then each setting acknowledged
    assert [e.kind for e in events] == [
        EventKind.LAUNCH,
        EventKind.SET_HOLD,
        EventKind.SET_REPS,
        EventKind.SET_CUES,
    ]
    assert events[-1].cue_level is CueLevel.NORMAL
    assert messages.text("cues.normal") in session.replies[-1].text()
    assert session.state is not None and session.state["cues"] == "normal"
    session.store.close()
