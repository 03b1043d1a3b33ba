"""The command line: options with friendly errors, plain mode, history, and clean interruption."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from tutor_fakes import RecordingSession, RecordingUI, to_first_stretch

from shared import messages
from shared.events import Event
from shared.profile import Profile, SessionRecord
from shared.reply import Ask, Hold, Rest
from shared.storage import SafeStore
from tutor.cli import main, parser
from tutor.clock import FakeClock
from tutor.history import chart, history_lines, sessions_per_week
from tutor.plain import PlainUI
from tutor.store import local_user_key

TODAY = date(2026, 1, 15)  # a Thursday


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hold", "5"], "Hold must be a whole number of seconds from 10 to 60."),
        (["--hold", "abc"], "Hold must be a whole number of seconds from 10 to 60."),
        (["--reps", "11"], "Repetitions must be a whole number from 1 to 10."),
        (["--area", "elbow"], "Unknown area 'elbow'. Choose neck, lower_back or both."),
        (["--speed", "0"], "Speed must be a number from 0.1 to 1000."),
    ],
)
def test_bad_options_get_a_friendly_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_options_parse() -> None:
    args = parser().parse_args(
        ["--area", "lower back", "--hold", "25", "--reps", "6", "--speed", "10", "--plain"]
    )
    assert (args.area, args.hold, args.reps, args.speed, args.plain) == (
        "lower_back",
        25,
        6,
        10.0,
        True,
    )


def test_plain_mode_runs_a_routine_from_piped_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([*to_first_stretch("neck"), "ready", "fine", "ready", "fine"])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(answers))
    sessions: list[RecordingSession] = []

    def recording(*args: object, **kwargs: object) -> RecordingSession:
        sessions.append(RecordingSession(*args, **kwargs))
        return sessions[-1]

    monkeypatch.setattr("tutor.cli.TutorSession", recording)
    clock = FakeClock(day=TODAY)
    code = main(
        ["--area", "neck", "--db", str(tmp_path / "p.sqlite3"), "--speed", "20"], clock=clock
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Hold 20 seconds: neck flexion - Rep 1 of 5." in out
    # the count and start, the form cue (first repetition only), then the halfway cue
    start = f"{messages.text('count.of', n=1, total=5)} {messages.text('cue.start_first')}"
    form = "Keep your shoulders down and relaxed."
    assert f"{start}\n{form}\n15 seconds left\n{messages.text('cue.halfway')}" in out
    assert out.count(form) == 1
    assert "Well done. See you next time!\nToday's session:" in out
    assert clock.slept == pytest.approx(sessions[0].timed_seconds / 20)


def test_plain_countdown_prints_cues_on_time() -> None:
    clock = FakeClock()
    lines: list[tuple[float, str]] = []
    ui = PlainUI(clock, write=lambda text: lines.append((clock.now - 1000.0, text)))
    hold = Hold("x", "x", 20, 1, 1, None, None, ())
    asyncio.run(ui.play(hold))
    assert [t for t, text in lines if text.endswith("seconds left")] == [5.0, 10.0, 15.0]
    asyncio.run(ui.play(Rest(5, "between_reps", "rest.between", "Relax.")))
    assert lines[-1][1] == "Relax. (5 seconds)" and clock.now - 1000.0 == 25.0


def test_end_of_input_at_a_question_says_goodbye(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def closed(_prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", closed)
    assert main(["--db", str(tmp_path / "p.sqlite3")], clock=FakeClock(day=TODAY)) == 0
    assert capsys.readouterr().out.rstrip().endswith("Stopped. What you did today is saved.")


def test_plain_ask_repeats_on_empty_and_returns_none_at_end_of_input() -> None:
    replies = iter(["", "yes"])
    shown: list[str] = []
    ui = PlainUI(FakeClock(), read=lambda _p: next(replies), write=shown.append)
    assert asyncio.run(ui.ask(Ask("k", "Ready?", "Ready?"))) == "yes"
    assert "Please type an answer, or ? for help." in shown

    def closed(_prompt: str) -> str:
        raise EOFError

    assert (
        asyncio.run(PlainUI(FakeClock(), read=closed, write=shown.append).ask(Ask("k", "Q", "Q")))
        is None
    )


def test_ctrl_c_mid_hold_saves_what_was_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(day=TODAY)

    class Interrupting(RecordingUI):
        async def play(self, step: Hold | Rest) -> Event | None:
            if isinstance(step, Hold) and step.exercise_id == "lateral_flexion":
                raise KeyboardInterrupt
            return await super().play(step)

    ui = Interrupting([*to_first_stretch("neck"), "ready", "fine", "ready"], clock)
    monkeypatch.setattr("tutor.cli.make_ui", lambda _args, _clock: ui)
    db = tmp_path / "p.sqlite3"
    code = main(["--area", "neck", "--db", str(db)], clock=clock)
    assert code == 130
    assert "Stopped. What you did today is saved." in capsys.readouterr().out
    store = SafeStore.open(str(db))
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None and profile.sessions[0].stretches == ("neck_flexion",)


def test_history_shows_sessions_streak_and_weekly_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "p.sqlite3"
    store = SafeStore.open(str(db))
    from shared.reply import RecordSession

    for days_ago, area in [(0, "neck"), (1, "neck"), (2, "lower_back"), (9, "both")]:
        record = SessionRecord(
            TODAY - timedelta(days=days_ago),
            area,
            ("neck_flexion",),
            1 if days_ago == 9 else 0,
            True,
        )
        store.apply(local_user_key("local"), [RecordSession(record)], TODAY)
    store.close()
    assert main(["history", "--db", str(db)], clock=FakeClock(day=TODAY)) == 0
    out = capsys.readouterr().out
    assert "2026-01-15  neck and shoulders" in out
    assert "(pain reported 1x)" in out
    assert "Current streak: 3 day(s) in a row. Sessions so far: 4." in out
    assert "week of 2026-01-12  ██████████████████████████████ 3" in out
    assert "week of 2026-01-05  ██████████ 1" in out


def test_history_without_sessions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", str(tmp_path / "empty.sqlite3")], clock=FakeClock()) == 0
    assert "No sessions yet." in capsys.readouterr().out


def test_weekly_counts_include_empty_weeks() -> None:
    sessions = (
        SessionRecord(TODAY, "neck", ()),
        SessionRecord(TODAY - timedelta(days=14), "neck", ()),
    )
    weekly = sessions_per_week(sessions, TODAY, weeks=3)
    assert [count for _monday, count in weekly] == [1, 0, 1]
    assert chart(weekly, width=4) == [
        "week of 2025-12-29  ████ 1",
        "week of 2026-01-05  0",
        "week of 2026-01-12  ████ 1",
    ]
    assert history_lines(Profile(), TODAY) == [
        "No sessions yet. Run backstretch-tutor to start one."
    ]


@pytest.mark.parametrize(
    ("error", "code"), [(BrokenPipeError, 1), (EOFError, 0), (KeyboardInterrupt, 130)]
)
def test_a_closed_terminal_or_end_of_input_mid_hold_saves_and_exits_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException], code: int
) -> None:
    clock = FakeClock(day=TODAY)

    class Closing(RecordingUI):
        async def play(self, step: Hold | Rest) -> Event | None:
            if isinstance(step, Hold) and step.exercise_id == "lateral_flexion":
                raise error
            return await super().play(step)

    monkeypatch.setattr(
        "tutor.cli.make_ui",
        lambda _args, _clock: Closing([*to_first_stretch("neck"), "ready", "fine", "ready"], clock),
    )
    db = tmp_path / "p.sqlite3"
    assert main(["--area", "neck", "--db", str(db)], clock=clock) == code
    store = SafeStore.open(str(db))
    profile = store.load(local_user_key("local"))
    store.close()
    assert profile is not None and profile.sessions[0].stretches == ("neck_flexion",)


def test_plain_bell_rings_without_an_empty_line(capsys: pytest.CaptureFixture[str]) -> None:
    shown: list[str] = []
    PlainUI(FakeClock(), write=shown.append).bell()
    assert capsys.readouterr().out == "\a" and shown == []
