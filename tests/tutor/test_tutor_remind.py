"""`backstretch-tutor remind` (#18 point 4): the iCalendar file, parsed back as a calendar app
would, its cancellation, and the friendly refusals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from tutor.cli import main
from tutor.clock import FakeClock
from tutor.reminder import Reminder, first_day, parse_days

THURSDAY = date(2026, 1, 15)


def _event(path: Path) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(path.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def test_remind_writes_a_recurring_event_with_an_alarm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.ics"
    argv = ["remind", "--at", "08:00", "--days", "mon,wed,fri", "--output", str(path)]
    assert main(argv, clock=FakeClock(day=THURSDAY)) == 0
    out = capsys.readouterr().out
    assert f"Reminder written to {path}: Mon, Wed, Fri at 08:00." in out
    cal, event = _event(path)
    assert str(cal["method"]) == "PUBLISH" and str(cal["version"]) == "2.0"
    assert event["summary"] == "Back stretches"  # type: ignore[index]
    start = event.decoded("dtstart")  # type: ignore[attr-defined]
    assert start == datetime(2026, 1, 16, 8, 0) and start.tzinfo is None  # Friday, local time
    assert event.decoded("dtend") - start == timedelta(minutes=10)  # type: ignore[attr-defined]
    rule = event["rrule"]  # type: ignore[index]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "WE", "FR"]
    alarms = event.walk("VALARM")  # type: ignore[attr-defined]
    assert len(alarms) == 1 and str(alarms[0]["action"]) == "DISPLAY"
    assert alarms[0].decoded("trigger") == timedelta(0)


def test_every_day_is_the_default_and_a_new_file_replaces_the_same_event(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert main(["remind", "--at", "7:30", "--output", str(first)], clock=FakeClock()) == 0
    assert main(["remind", "--at", "19:00", "--output", str(second)], clock=FakeClock()) == 0
    _, one = _event(first)
    _, two = _event(second)
    assert one["rrule"]["FREQ"] == ["DAILY"] and "BYDAY" not in one["rrule"]  # type: ignore[index]
    assert one.decoded("dtstart").time() == time(7, 30)  # type: ignore[attr-defined]
    assert str(one["uid"]) == str(two["uid"])  # type: ignore[index]


def test_profiles_get_events_of_their_own(tmp_path: Path) -> None:
    paths = [tmp_path / f"{name}.ics" for name in ("ann", "bob")]
    for path in paths:
        argv = ["remind", "--at", "08:00", "--profile", path.stem, "--output", str(path)]
        assert main(argv, clock=FakeClock()) == 0
    assert len({str(_event(path)[1]["uid"]) for path in paths}) == 2  # type: ignore[index]


def test_remove_writes_the_cancellation_and_says_how_to_undo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made, cancelled = tmp_path / "r.ics", tmp_path / "c.ics"
    main(["remind", "--at", "08:00", "--output", str(made)], clock=FakeClock())
    assert main(["remind", "--remove", "--output", str(cancelled)], clock=FakeClock()) == 0
    out = capsys.readouterr().out
    assert "delete the 'Back stretches' event" in out
    cal, event = _event(cancelled)
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"  # type: ignore[index]
    assert str(event["uid"]) == str(_event(made)[1]["uid"])  # type: ignore[index]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["remind"], "Say when: backstretch-tutor remind --at 08:00"),
        (["remind", "--at", "25:00"], "'25:00' is not a time."),
        (["remind", "--at", "eight"], "'eight' is not a time."),
        (["remind", "--at", "08:00", "--days", "mon,funday"], "'mon,funday' are not days."),
    ],
)
def test_bad_input_is_refused_in_words(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--output", str(tmp_path / "r.ics")], clock=FakeClock()) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "r.ics").exists()


def test_an_unwritable_place_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    argv = ["remind", "--at", "08:00", "--output", str(blocker / "r.ics")]
    assert main(argv, clock=FakeClock()) == 1
    assert "Choose another place with --output FILE." in capsys.readouterr().err


def test_days_and_the_first_day() -> None:
    assert parse_days("Fri,mon, WED") == (0, 2, 4)
    assert first_day(Reminder(time(8), (3,)), THURSDAY) == THURSDAY
    assert first_day(Reminder(time(8), (2,)), THURSDAY) == THURSDAY + timedelta(days=6)
