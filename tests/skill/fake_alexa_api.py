"""A stand-in for Alexa's Reminders and Settings APIs on loopback, for the reminder tests.

It checks what a real one would refuse (the bearer token, the trigger's type and local time, the
recurrence rule, the time zone), keeps the reminders it was given, and can be told to fail."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "FAKE-API-ACCESS-TOKEN"
ZONE = "Europe/London"
_LOCAL_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$")  # no zone suffix
_RULE = re.compile(
    r"^FREQ=(DAILY|WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*);"
    r"BYHOUR=\d{1,2};BYMINUTE=\d{1,2};BYSECOND=0;INTERVAL=1$"
)


@dataclass
class FakeAlexaApi:
    token: str = TOKEN
    zone: str = ZONE
    fail_with: int | None = None  # an HTTP status every reminders call answers with
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was refused
    url: str = ""


def _problems(body: dict[str, Any], api: FakeAlexaApi) -> list[str]:
    trigger = body.get("trigger") or {}
    rules = (trigger.get("recurrence") or {}).get("recurrenceRules") or []
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    checks = {
        "trigger type": trigger.get("type") == "SCHEDULED_ABSOLUTE",
        "scheduledTime in local time": bool(_LOCAL_TIME.match(str(trigger.get("scheduledTime")))),
        "requestTime in local time": bool(_LOCAL_TIME.match(str(body.get("requestTime")))),
        "timeZoneId": trigger.get("timeZoneId") == api.zone,
        "one recurrence rule": len(rules) == 1 and bool(_RULE.match(str(rules[0]))),
        "spoken text": bool(content) and all(c.get("text") and c.get("locale") for c in content),
        "push notification": (body.get("pushNotification") or {}).get("status") == "ENABLED",
    }
    return [name for name, ok in checks.items() if not ok]


def _handler(api: FakeAlexaApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _answer(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            api.calls.append((method, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.headers.get("Authorization") != f"Bearer {api.token}":
                api.refused.append("bearer token")
                self._answer(401, {"code": "INVALID_TOKEN", "message": "bad token"})
                return
            if re.fullmatch(r"/v2/devices/[^/]+/settings/System.timeZone", self.path):
                self._answer(200, api.zone)
                return
            if not self.path.startswith("/v1/alerts/reminders"):
                self._answer(404, {"code": "NOT_FOUND", "message": self.path})
                return
            if api.fail_with is not None:
                self._answer(api.fail_with, {"code": "FAILED", "message": "as told"})
                return
            self._reminders(method, raw)

        def _reminders(self, method: str, raw: bytes) -> None:
            token = self.path.removeprefix("/v1/alerts/reminders").strip("/")
            if method == "POST" and not token:
                body = json.loads(raw or b"{}")
                problems = _problems(body, api)
                if problems:
                    api.refused.extend(problems)
                    self._answer(400, {"code": "INVALID", "message": ", ".join(problems)})
                    return
                alert = uuid.uuid4().hex
                api.reminders[alert] = body
                stamp = "2026-01-15T08:00:00.000Z"
                self._answer(
                    200,
                    {
                        "alertToken": alert,
                        "createdTime": stamp,
                        "updatedTime": stamp,
                        "status": "ON",
                        "version": "1",
                        "href": f"/v1/alerts/reminders/{alert}",
                    },
                )
            elif method == "GET" and not token:
                alerts = [
                    {"alertToken": alert, "status": "ON", "version": "1", **body}
                    for alert, body in api.reminders.items()
                ]
                self._answer(200, {"totalCount": str(len(alerts)), "alerts": alerts})
            elif method == "DELETE" and token in api.reminders:
                del api.reminders[token]
                self._answer(200, {})
            else:
                self._answer(404, {"code": "NOT_FOUND", "message": token})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler


@contextmanager
def fake_alexa_api(**settings: Any) -> Iterator[FakeAlexaApi]:
    api = FakeAlexaApi(**settings)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
