"""A realistic conversation's requests, made once, for the benchmarks and the soak."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from skill.dialogs.requests import RequestFactory, Session

# What a user says through a whole neck routine, turn by turn.
# (Two parts of the safety screen, the area, its neck part, the tips, the first stretch, an answer
# not understood at its check-in, the second stretch's two sides, and on to the end.)
NECK_ROUTINE = [
    "no",
    "no",
    "neck",
    "no",
    "no",
    "ready",
    "@fallback",
    "fine",
    "ready",
    "yes",
    "continue",
]


def conversation_requests(
    answer: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    user_id: str = "amzn1.ask.account.BENCH",
    clock: Callable[[], datetime] | None = None,
) -> list[dict[str, Any]]:
    """Run one routine through `answer` (a skill) and return every request it was sent, with the
    session attributes Alexa would have carried, so they can be replayed in any order later."""
    factory = RequestFactory(user_id=user_id, **({"clock": clock} if clock else {}))
    session = Session()
    sent = [factory.launch(session)]
    session.after(answer(sent[-1]), ended=False)
    for said in NECK_ROUTINE:
        if said == "@fallback":
            request = factory.intent(session, "AMAZON.FallbackIntent", {})
        else:
            request = factory.utterance(session, said)
        sent.append(request)
        response = answer(request)
        session.after(response, bool(response.get("response", {}).get("shouldEndSession")))
    return sent
