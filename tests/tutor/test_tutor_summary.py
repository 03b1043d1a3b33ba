"""The summary at the end of a session: stretches done, repetitions held on screen, time spent.

Time comes from the fake clock (holds and rests advance it, nothing sleeps for real)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tutor_fakes import RecordingSession, RecordingUI, to_first_stretch

from shared import messages
from shared.events import Event, EventKind
from shared.reply import Hold, Rest
from shared.storage import SafeStore
from tutor.cli import main
from tutor.clock import FakeClock
from tutor.driver import run_conversation
from tutor.session import Preferences
from tutor.summary import Summary, Tally, duration_text, summary_lines


def _expected(stretches: int, reps: int, time: str) -> str:
    return "\n".join(
        [
            messages.text("tutor.summary.title"),
            messages.text("tutor.summary.stretches", count=stretches),
            messages.text("tutor.summary.reps", count=reps),
            messages.text("tutor.summary.time", time=time),
        ]
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (35.4, "35 s"), (59.6, "1 min 00 s"), (245, "4 min 05 s"), (3725, "62 min 05 s")],
)
def test_time_spent_reads_as_minutes_and_seconds(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text


def test_summary_lines_name_each_count() -> None:
    assert "\n".join(summary_lines(Summary(2, 15, 245))) == _expected(2, 15, "4 min 05 s")
    assert "\n".join(summary_lines(Summary(2, 15, 245))) == (
        "Today's session:\n  Stretches done: 2\n  Repetitions done: 15\n  Time spent: 4 min 05 s"
    )


def test_the_tally_counts_only_holds_held_to_the_end() -> None:
    clock = FakeClock()
    tally = Tally(clock)
    hold = Hold("x", "x", 20, 1, 2, None, None, ())
    rest = Rest(5, "between_reps", "rest.between", "Relax.")
    assert not tally.under_way
    for step in (hold, rest):
        tally.began(step)
        tally.finished(step)
    tally.began(hold)  # interrupted: began, never finished
    clock.now += 90
    assert tally.under_way and tally.summary(stretches=0) == Summary(0, 1, 90.0)


def _session(tmp_path: Path, clock: FakeClock, **prefs: object) -> RecordingSession:
    store = SafeStore.open(str(tmp_path / "progress.sqlite3"))
    return RecordingSession(store, clock.today(), preferences=Preferences(**prefs))  # type: ignore[arg-type]


def test_a_finished_session_ends_with_its_summary(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck", reps=2)
    # step 2 is neck flexion's second hold: "do it again" cuts it short and it is held again
    answers = [*to_first_stretch("neck"), "ready", "fine", "ready", "fine"]
    ui = RecordingUI(answers, clock, keys={2: Event(EventKind.REDO)})
    start = clock.now
    assert asyncio.run(run_conversation(session, ui, tally=Tally(clock))) is None
    holds = [s for s in ui.played if isinstance(s, Hold)]
    assert len(holds) == 2 + 1 + 2 * 2  # neck flexion's second hold twice, lateral's both sides
    minutes, seconds = divmod(round(clock.now - start), 60)
    assert ui.shown[-2] == "Well done. See you next time!"
    assert ui.shown[-1] == _expected(2, len(holds) - 1, f"{minutes} min {seconds:02d} s")
    session.store.close()


def test_stopping_mid_hold_sums_up_what_was_held(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    # neck flexion's first three holds, each with its rest, then "q" in the fourth hold (step 6),
    # which is not counted
    ui = RecordingUI([*to_first_stretch("neck"), "ready"], clock, keys={6: Event(EventKind.STOP)})
    asyncio.run(run_conversation(session, ui, tally=Tally(clock)))
    assert ui.shown[-2] == messages.text("stop.goodbye")
    assert ui.shown[-1] == _expected(0, 3, "1 min 15 s")  # 3 * 20 + 3 * 5 seconds
    session.store.close()


def test_no_summary_before_a_routine_got_under_way(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock)
    ui = RecordingUI(["stop"], clock)
    asyncio.run(run_conversation(session, ui, tally=Tally(clock)))
    assert not any(text.startswith(messages.text("tutor.summary.title")) for text in ui.shown)
    session.store.close()


def test_end_of_input_at_the_check_in_sums_up_the_stretch_on_screen(tmp_path: Path) -> None:
    clock = FakeClock()
    session = _session(tmp_path, clock, area="neck")
    ui = RecordingUI([*to_first_stretch("neck"), "ready"], clock)  # input ends at the check-in
    assert asyncio.run(run_conversation(session, ui, tally=Tally(clock))) is True
    assert ui.questions[-1].key == "checkin.question"
    assert ui.shown[-1] == _expected(1, 5, "2 min 00 s")  # five holds of 20 s, four rests of 5 s
    session.store.close()


def test_ctrl_c_mid_hold_prints_the_summary_before_the_goodbye(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()

    class Interrupting(RecordingUI):
        async def play(self, step: Hold | Rest) -> Event | None:
            if isinstance(step, Hold) and step.exercise_id == "lateral_flexion" and step.rep == 2:
                await self.clock.sleep(8)  # 8 s into the hold: not counted
                raise KeyboardInterrupt
            return await super().play(step)

    ui = Interrupting([*to_first_stretch("neck"), "ready", "fine", "ready"], clock)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    start = clock.now
    assert main(["--area", "neck", "--db", str(tmp_path / "p.sqlite3")], clock=clock) == 130
    out = capsys.readouterr().out
    elapsed = clock.now - start
    assert elapsed == 5 * 20 + 4 * 5 + 20 + 5 + 8  # neck flexion, lateral's first hold and rest
    summary = _expected(1, 6, f"2 min {round(elapsed) - 120:02d} s")
    assert out.endswith(f"{summary}\n{messages.text('tutor.goodbye_saved')}\n")
