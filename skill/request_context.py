"""What the code running for one request may want to know about it, without being handed it.

The endpoint opens a context for each request it answers (`answering`); log lines written
meanwhile carry its request id (skill/logs.py), and the skill's apology handler marks it, so the
request is counted as an apology rather than an answer (skill/metrics.py). Standard library only:
the Lambda entry imports it through the handlers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

MAX_ID_LENGTH = 100  # request ids are caller-supplied until verified: bounded in log lines


@dataclass
class RequestContext:
    request_id: str | None = None
    request_type: str | None = None  # as sent: skill/metrics.py bounds it for its labels
    apologised: bool = False

    def read(self, data: Any) -> None:
        """Take the request's id and type from an envelope, whatever the caller sent."""
        request = data.get("request") if isinstance(data, dict) else None
        if not isinstance(request, dict):
            return
        found_id, found_type = request.get("requestId"), request.get("type")
        self.request_id = found_id[:MAX_ID_LENGTH] if isinstance(found_id, str) else None
        self.request_type = found_type if isinstance(found_type, str) else None


_CURRENT: ContextVar[RequestContext | None] = ContextVar("backstretch_request", default=None)


def current() -> RequestContext | None:
    """The request being answered in this thread, or None outside one."""
    return _CURRENT.get()


def current_request_id() -> str | None:
    found = _CURRENT.get()
    return found.request_id if found is not None else None


def note_apology() -> None:
    """The skill answered with its apology (a bug of ours): told by the exception handlers."""
    found = _CURRENT.get()
    if found is not None:
        found.apologised = True


@contextlib.contextmanager
def answering() -> Iterator[RequestContext]:
    """A fresh context for one request, closed however the request ends."""
    context = RequestContext()
    token = _CURRENT.set(context)
    try:
        yield context
    finally:
        _CURRENT.reset(token)
