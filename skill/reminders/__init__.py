"""Reminders by voice (#18 point 3): "remind me to stretch every day at 8 am" through Alexa's
Reminders API, with the permission asked for by voice; "what reminders do I have" and "cancel my
stretching reminder". schedule.py is pure (times, days, the recurrence rule, what is said);
service.py calls the API through ask-sdk's service clients; handlers.py answers the requests."""

from skill.reminders.api_client import TimedApiClient
from skill.reminders.handlers import REMINDER_HANDLERS

__all__ = ["REMINDER_HANDLERS", "TimedApiClient"]
