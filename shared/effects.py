"""Applying a reply's effects to a profile in memory: what the store will hold afterwards.

Front ends keep their copy of the profile in step with the database this way, without reading it
back after every change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from shared.profile import Profile
from shared.reply import (
    ClearScreening,
    DeleteProfile,
    Effect,
    MarkScreened,
    RecordSession,
    SaveCueLevel,
    SavePreferences,
    SaveWeeklyGoal,
)


def apply_effects(
    profile: Profile | None, effects: Iterable[Effect], today: date
) -> Profile | None:
    for effect in effects:
        base = profile or Profile()
        if isinstance(effect, DeleteProfile):
            profile = None
        elif isinstance(effect, RecordSession):
            profile = base.with_session(effect.record)
        elif isinstance(effect, SavePreferences):
            profile = replace(base, hold_seconds=effect.hold_seconds, reps=effect.reps)
        elif isinstance(effect, SaveCueLevel):
            profile = replace(base, cue_level=effect.cue_level)
        elif isinstance(effect, SaveWeeklyGoal):
            profile = replace(base, weekly_goal=effect.weekly_goal)
        elif isinstance(effect, MarkScreened):
            profile = replace(base, screened_on=today)
        elif isinstance(effect, ClearScreening):
            profile = replace(base, screened_on=None)
    return profile
