"""The one mapping from interaction-model intents to engine events.

The Alexa skill and the terminal tutor's text matcher both read utterances through the interaction
model in `interaction_models/`; this table turns the intent they found into an engine event, so
voice and text follow one conversation.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.events import AREAS, CueLevel, Event, EventKind, Feeling

AREA_SLOT = "area"
SECONDS_SLOT = "seconds"
COUNT_SLOT = "count"
FEELING_SLOT = "feeling"
LEVEL_SLOT = "level"
TIME_SLOT = "time"
RECURRENCE_SLOT = "recurrence"
RECURRENCE_SLOT_TYPE = "RecurrenceType"
AREA_SLOT_TYPE = "AreaType"
FEELING_SLOT_TYPE = "FeelingType"
CUE_LEVEL_SLOT_TYPE = "CueLevelType"
FEELINGS: frozenset[str] = frozenset(Feeling)
CUE_LEVELS: frozenset[str] = frozenset(CueLevel)

INTENT_EVENTS: dict[str, EventKind] = {
    # custom intents
    "StartRoutineIntent": EventKind.START,
    "ChooseAreaIntent": EventKind.CHOOSE_AREA,
    "ContinueIntent": EventKind.CONTINUE,
    "PainIntent": EventKind.PAIN,
    "CheckInIntent": EventKind.FEELING,
    "SetHoldIntent": EventKind.SET_HOLD,
    "SetRepsIntent": EventKind.SET_REPS,
    "DurationIntent": EventKind.DURATION,
    "HistoryIntent": EventKind.HISTORY,
    "DeleteDataIntent": EventKind.DELETE_DATA,
    "PrivacyIntent": EventKind.PRIVACY,
    "SkipIntent": EventKind.SKIP,  # "skip this stretch", "next stretch" ("next" alone is NEXT)
    "ExplainIntent": EventKind.EXPLAIN,
    "RedoIntent": EventKind.REDO,  # "do it again" ("say that again" is REPEAT)
    "TipsIntent": EventKind.TIPS,
    "CuesIntent": EventKind.SET_CUES,
    "SetGoalIntent": EventKind.SET_GOAL,  # "I want to stretch three times a week"
    "ProgressIntent": EventKind.PROGRESS,  # "how am I doing?"
    # answered by skill/reminders/ on Alexa; by the engine (how to get one) in the tutor
    "RemindIntent": EventKind.SET_REMINDER,
    "ListRemindersIntent": EventKind.LIST_REMINDERS,
    "CancelReminderIntent": EventKind.CANCEL_REMINDER,
    # built-in intents
    "AMAZON.YesIntent": EventKind.YES,
    "AMAZON.NoIntent": EventKind.NO,
    "AMAZON.NextIntent": EventKind.NEXT,
    "AMAZON.RepeatIntent": EventKind.REPEAT,
    "AMAZON.PauseIntent": EventKind.PAUSE,
    "AMAZON.ResumeIntent": EventKind.RESUME,
    "AMAZON.HelpIntent": EventKind.HELP,
    "AMAZON.StopIntent": EventKind.STOP,
    "AMAZON.CancelIntent": EventKind.STOP,
    "AMAZON.NavigateHomeIntent": EventKind.STOP,
    "AMAZON.StartOverIntent": EventKind.START_OVER,
    "AMAZON.FallbackIntent": EventKind.UNKNOWN,
}

# Custom intents and the slots (name -> slot type) each declares in every locale's model.
CUSTOM_INTENT_SLOTS: dict[str, dict[str, str]] = {
    "StartRoutineIntent": {AREA_SLOT: AREA_SLOT_TYPE},
    "ChooseAreaIntent": {AREA_SLOT: AREA_SLOT_TYPE},
    "ContinueIntent": {},
    "PainIntent": {AREA_SLOT: AREA_SLOT_TYPE},
    "CheckInIntent": {FEELING_SLOT: FEELING_SLOT_TYPE},
    "SetHoldIntent": {SECONDS_SLOT: "AMAZON.NUMBER"},
    "SetRepsIntent": {COUNT_SLOT: "AMAZON.NUMBER"},
    "DurationIntent": {},
    "HistoryIntent": {},
    "DeleteDataIntent": {},
    "PrivacyIntent": {},
    "SkipIntent": {},
    "ExplainIntent": {},
    "RedoIntent": {},
    "TipsIntent": {},
    "CuesIntent": {LEVEL_SLOT: CUE_LEVEL_SLOT_TYPE},
    "SetGoalIntent": {COUNT_SLOT: "AMAZON.NUMBER"},
    "ProgressIntent": {},
    "RemindIntent": {TIME_SLOT: "AMAZON.TIME", RECURRENCE_SLOT: RECURRENCE_SLOT_TYPE},
    "ListRemindersIntent": {},
    "CancelReminderIntent": {},
}


def _parse_int(raw: str | None) -> int | None:
    """AMAZON.NUMBER arrives as text ("20", or "?" when unsure); a non-number is None."""
    if raw is None:
        return None
    try:
        return int(raw.strip())
    except ValueError:
        return None


def event_for_intent(
    intent_name: str,
    slots: Mapping[str, str | None] | None = None,
    text: str | None = None,
) -> Event:
    """Build the engine event for an intent and its resolved slot values.

    `slots` maps slot names to resolved values: the area, feeling and cue-level slots' canonical
    ids (one of `AREAS`, `Feeling`, `CueLevel`) and numbers as text. An unknown intent, or an area
    or feeling that did not resolve, degrades gracefully: the engine gets UNKNOWN, or the event
    without an area, and asks again. A check-in answer nobody understood is UNKNOWN, never taken
    as "fine". A cue level that did not resolve is SET_CUES without one: the engine names them.
    """
    slots = slots or {}
    kind = INTENT_EVENTS.get(intent_name, EventKind.UNKNOWN)
    area = slots.get(AREA_SLOT)
    area = area if area in AREAS else None
    if kind in (EventKind.SET_HOLD, EventKind.SET_REPS, EventKind.SET_GOAL):
        raw = slots.get(SECONDS_SLOT if kind is EventKind.SET_HOLD else COUNT_SLOT)
        return Event(kind, value=_parse_int(raw), text=text)
    if kind is EventKind.FEELING:
        feeling = slots.get(FEELING_SLOT)
        if feeling is None or feeling not in FEELINGS:
            return Event(EventKind.UNKNOWN, text=text or intent_name)
        return Event(kind, feeling=Feeling(feeling), text=text)
    if kind is EventKind.SET_CUES:
        level = slots.get(LEVEL_SLOT)
        cue_level = CueLevel(level) if level is not None and level in CUE_LEVELS else None
        return Event(kind, cue_level=cue_level, text=text)
    if kind is EventKind.CHOOSE_AREA and area is None:
        return Event(EventKind.UNKNOWN, text=text or intent_name)
    if kind is EventKind.UNKNOWN:
        return Event(kind, text=text or intent_name)
    return Event(kind, area=area, text=text)
