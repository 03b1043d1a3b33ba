"""When a reminder goes off, as Alexa's Reminders API takes it and as the coach says it. Pure.

A schedule is a time of day and the days it repeats on (none: every day). The API gets an RFC 5545
rule (FREQ=DAILY or FREQ=WEEKLY;BYDAY=...) with BYHOUR/BYMINUTE, and the first time it goes off,
in the device's local time (no zone suffix; the zone goes beside it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from shared import messages

SCOPE = "alexa::alerts:reminders:skill:readwrite"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The RecurrenceType slot's ids and the days each means (none: every day).
RECURRENCES: dict[str, tuple[str, ...]] = {
    "daily": (),
    "weekdays": DAYS[:5],
    "weekends": DAYS[5:],
    **{name: (DAYS[i],) for i, name in enumerate(DAY_NAMES)},
}
# AMAZON.TIME's vague values, as a clock time.
_PARTS_OF_DAY = {"MO": time(8), "AF": time(14), "EV": time(18), "NI": time(20)}
_SAID = re.compile(r"^(\d{1,2})(?:[: ](\d{2}))?\s*([ap])?\.?\s*m?\.?$")
_WORDS = {"noon": time(12), "midnight": time(0), "morning": time(8), "afternoon": time(14)}
_WORDS |= {"evening": time(18), "night": time(20)}


@dataclass(frozen=True, slots=True)
class Schedule:
    at: time
    days: tuple[str, ...] = ()  # BYDAY codes in week order; empty: every day

    def rrule(self) -> str:
        when = f"BYHOUR={self.at.hour};BYMINUTE={self.at.minute};BYSECOND=0;INTERVAL=1"
        if not self.days:
            return f"FREQ=DAILY;{when}"
        return f"FREQ=WEEKLY;BYDAY={','.join(self.days)};{when}"

    def first_after(self, now: datetime) -> datetime:
        """The first time it goes off after `now` (local, naive)."""
        for offset in range(8):
            candidate = datetime.combine(now.date() + timedelta(days=offset), self.at)
            on_day = not self.days or DAYS[candidate.weekday()] in self.days
            if on_day and candidate > now:
                return candidate
        raise AssertionError("a weekly schedule goes off within eight days")

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.strftime("%H:%M"), "days": list(self.days)}

    @classmethod
    def from_json(cls, data: Any) -> Schedule | None:
        """A schedule kept in the session while permission is asked; None if it is not one."""
        if not isinstance(data, dict):
            return None
        at, days = parse_time(data.get("at")), data.get("days")
        if at is None or not isinstance(days, list) or not all(d in DAYS for d in days):
            return None
        return cls(at, tuple(d for d in DAYS if d in days))


def parse_time(value: Any) -> time | None:
    """AMAZON.TIME's value ("08:00", "MO" for morning) or a time as typed ("8 am", "7 30 pm")."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if value.strip().upper() in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[value.strip().upper()]
    if text in _WORDS:
        return _WORDS[text]
    found = _SAID.match(text)
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half is not None and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def from_rule(rules: Sequence[Any], first: datetime | None) -> Schedule | None:
    """A reminder read back from the API (its recurrence rule, else its first time)."""
    for rule in rules:
        parts = dict(p.split("=", 1) for p in str(rule).split(";") if "=" in p)
        if parts.get("FREQ") not in ("DAILY", "WEEKLY"):
            continue
        try:
            at = time(int(parts.get("BYHOUR", "0")), int(parts.get("BYMINUTE", "0")))
        except ValueError:
            continue
        days = tuple(d for d in DAYS if d in parts.get("BYDAY", "").split(","))
        return Schedule(at, () if parts["FREQ"] == "DAILY" else days)
    return Schedule(first.time()) if first is not None else None


def said_time(at: time, locale: str) -> str:
    """ "8 AM", "7:30 PM", "noon"."""
    if at == time(12):
        return messages.text("reminder.noon", locale)
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    key = "reminder.clock_am" if at.hour < 12 else "reminder.clock_pm"
    return messages.text(key, locale, hour=hour, minutes=minutes)


def said_when(schedule: Schedule, locale: str) -> str:
    """ "every day at 8 AM", "on weekdays at 7 AM", "every Monday at 6:30 PM"."""
    at = said_time(schedule.at, locale)
    if not schedule.days:
        return messages.text("reminder.when.daily", locale, time=at)
    for name, days in (("weekdays", DAYS[:5]), ("weekends", DAYS[5:])):
        if schedule.days == days:
            return messages.text(f"reminder.when.{name}", locale, time=at)
    names = [
        messages.text(f"reminder.day.{DAY_NAMES[DAYS.index(d)]}", locale) for d in schedule.days
    ]
    days_said = (
        names[0]
        if len(names) == 1
        else messages.text("list.and", locale, items=", ".join(names[:-1]), last=names[-1])
    )
    return messages.text("reminder.when.days", locale, days=days_said, time=at)
