"""`backstretch-tutor remind`: a reminder to stretch as an iCalendar file any calendar app imports.

The terminal cannot wake anyone up tomorrow, but a calendar can: one recurring event (every day,
or on the days given) at the time given, with an alarm as it starts. Written with the `icalendar`
library, in floating local time (no time zone: 08:00 is 08:00 wherever the calendar is). The event
keeps one UID per profile, so importing a new file replaces the old reminder, and `--remove`
writes the cancellation of that same event and says how to take it out of the calendar.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import platformdirs
from icalendar import Alarm, Calendar, Event, vRecur

from shared import messages

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVENT_MINUTES = 10
PRODUCT = "-//Back Stretch Coach//backstretch-tutor remind//EN"


class ReminderError(ValueError):
    """A time or list of days the command cannot use (its message says how to write one)."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """When to stretch: a time of day, and the weekdays (0 = Monday; all seven = every day)."""

    at: time
    days: tuple[int, ...] = tuple(range(7))

    @property
    def daily(self) -> bool:
        return len(self.days) == 7


def parse_time(text: str) -> time:
    """ "08:00", "8:30", "19:05" (24-hour clock)."""
    hours, _, minutes = text.strip().partition(":")
    try:
        at = time(int(hours), int(minutes))
    except ValueError:
        raise ReminderError(messages.text("tutor.remind.bad_time", value=text)) from None
    return at


def parse_days(text: str) -> tuple[int, ...]:
    """ "mon,wed,fri" (three-letter names, any case, any order) as sorted weekday numbers."""
    names = [name.strip().lower()[:3] for name in text.split(",") if name.strip()]
    if not names or any(name not in DAYS for name in names):
        raise ReminderError(messages.text("tutor.remind.bad_days", value=text))
    return tuple(sorted({DAYS.index(name) for name in names}))


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("backstretch")) / "stretch-reminder.ics"


def _uid(profile: str) -> str:
    """One event per profile: a new file replaces the reminder imported before."""
    digest = hashlib.sha256(profile.encode()).hexdigest()[:16]
    return f"stretch-reminder-{digest}@backstretch"


def first_day(reminder: Reminder, today: date) -> date:
    """The first day on or after `today` that the reminder falls on."""
    return next(
        today + timedelta(days=n) for n in range(7) if (today.weekday() + n) % 7 in reminder.days
    )


def calendar(reminder: Reminder, today: date, profile: str = "local") -> Calendar:
    """The calendar with the recurring event and its alarm."""
    start = datetime.combine(first_day(reminder, today), reminder.at)
    rule: dict[str, object] = {"FREQ": "DAILY"}
    if not reminder.daily:
        rule = {"FREQ": "WEEKLY", "BYDAY": [DAYS[d][:2].upper() for d in reminder.days]}
    event = Event()
    event.add("uid", _uid(profile))
    event.add("summary", messages.text("tutor.remind.summary"))
    event.add("description", messages.text("tutor.remind.description"))
    event.add("dtstamp", datetime.combine(today, time()))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=EVENT_MINUTES))
    event.add("rrule", vRecur(rule))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", messages.text("tutor.remind.summary"))
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return _wrapped(event)


def cancellation(today: date, profile: str = "local") -> Calendar:
    """The same event cancelled (METHOD:CANCEL), for calendar apps that take it on import."""
    event = Event()
    event.add("uid", _uid(profile))
    event.add("summary", messages.text("tutor.remind.summary"))
    event.add("dtstamp", datetime.combine(today, time()))
    event.add("dtstart", datetime.combine(today, time()))
    event.add("status", "CANCELLED")
    event.add("sequence", 1)
    return _wrapped(event, method="CANCEL")


def _wrapped(event: Event, method: str = "PUBLISH") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add_component(event)
    return cal


def spoken_days(reminder: Reminder) -> str:
    """ "every day", or the days named: "Mon, Wed, Fri"."""
    if reminder.daily:
        return messages.text("tutor.remind.every_day")
    return ", ".join(DAYS[d].capitalize() for d in reminder.days)


def write(path: Path, cal: Calendar) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cal.to_ical())
