"""The ApiClient behind ask-sdk's service clients: ask-sdk's DefaultApiClient with a timeout.

The skill must answer within about 8 s, and DefaultApiClient waits for Alexa's API as long as the
connection lasts; here each call gives up after `timeout` seconds and the skill apologises.
Plain HTTP is refused as DefaultApiClient refuses it, except on loopback, where the tests' fake
Alexa API listens (a request's apiEndpoint is Amazon's HTTPS address in real use). `requests` is
imported on the first call, not with the skill: it is a tenth of a cold start on Lambda (#16),
and most sessions never set a reminder.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services.api_client import ApiClient
from ask_sdk_model.services.api_client_request import ApiClientRequest
from ask_sdk_model.services.api_client_response import ApiClientResponse

API_TIMEOUT_SECONDS = 2.5
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class TimedApiClient(ApiClient):
    """Sends a service client's request with `requests`, within `timeout` seconds."""

    def __init__(self, timeout: float = API_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        url = urlparse(request.url or "")
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK):
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        headers: dict[str, str] = {}
        for key, value in request.headers or []:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body = request.body
        if body and "json" in headers.get("Content-type", ""):
            body = json.dumps(body)
        import requests  # on first use: see the module's docstring

        try:
            answer = requests.request(
                request.method or "GET",
                request.url,
                headers=headers,
                data=body or None,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ApiClientException(f"Error executing the request: {error}") from error
        return ApiClientResponse(
            headers=list(answer.headers.items()), status_code=answer.status_code, body=answer.text
        )
