"""A gunicorn worker whose own refusals are JSON, like the app's.

gunicorn refuses some requests before the app sees them (a request line or a header too large,
too many headers, a request that is not valid HTTP) and answers those with an HTML page. This
worker lets gunicorn decide, log and count them exactly as it does (its status for each case,
its warning, its access log line), but catches the page it writes and sends the caller
{"error": ..., "status": ...} with the same status instead. Used by the shipped gunicorn.conf.py.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from gunicorn import util  # type: ignore[import-untyped]
from gunicorn.workers.sync import SyncWorker  # type: ignore[import-untyped]

from shared import messages

# The message for each status gunicorn refuses with; any other status gets "server.other".
MESSAGE_KEYS = {
    400: "server.bad_request",
    403: "server.forbidden",
    414: "server.request_line_too_long",
    417: "server.expectation_failed",
    431: "server.headers_too_large",
    500: "server.server_error",
    501: "server.not_implemented",
}
_STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3}) ([^\r\n]*)")


class _Captured:
    """Stands in for the client's socket while gunicorn writes its HTML page: keeps the bytes."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0  # "non-blocking already": gunicorn then writes at once

    def sendall(self, data: bytes) -> None:
        self.data += data


def json_error(written: bytes) -> bytes:
    """The JSON response replacing the page gunicorn wrote (its status and reason kept)."""
    found = _STATUS_LINE.match(written)
    status, reason = (int(found[1]), found[2].decode("latin-1")) if found else (400, "Bad Request")
    body = orjson.dumps(
        {"error": messages.text(MESSAGE_KEYS.get(status, "server.other")), "status": status}
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class JsonErrorWorker(SyncWorker):  # type: ignore[misc]
    """gunicorn's sync worker, with JSON refusals."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        try:
            util.write_nonblock(client, json_error(captured.data))
        except Exception:  # the client went away: nothing to tell it
            self.log.debug("Failed to send error message.")
