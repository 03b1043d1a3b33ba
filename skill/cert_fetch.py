"""Downloading Alexa's signing certificate chains so that no caller can abuse it.

Every request names its certificate URL, so anyone can make the endpoint download: a download
must cost a forger more than it costs us. Here one download is in flight per URL (other requests
for it wait for its result), failed URLs are remembered for a short while, only a few downloads
run at once, each has one overall deadline (connecting and reading together, well inside Alexa's
8 s), redirects are never followed, and the body is capped.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from urllib.parse import urlsplit

DOWNLOAD_DEADLINE = 2.0  # seconds for connecting and reading a chain, all told
MAX_CHAIN_BYTES = 256 * 1024  # Amazon's chain is about 6 KB; more is not a certificate chain
FAILED_URL_SECONDS = 60.0  # how long a URL that could not be fetched is not tried again
MAX_DOWNLOADS = 4  # downloads at once; a flood of new URLs waits or is refused
_READ_SIZE = 16 * 1024


class FetchError(Exception):
    """A chain could not be downloaded; the message is for the log, not for the caller."""


def fetch_url(
    url: str, deadline: float = DOWNLOAD_DEADLINE, max_bytes: int = MAX_CHAIN_BYTES
) -> bytes:
    """GET `url` within `deadline` seconds in all, following no redirect, at most `max_bytes`."""
    parts = urlsplit(url)
    ends_at = time.monotonic() + deadline
    connection = _connection(parts.scheme, parts.hostname or "", parts.port, deadline)
    # A server that drips its headers a byte at a time beats per-read timeouts: past the
    # deadline, the watchdog shuts the socket, and whatever read is waiting fails at once.
    watchdog = threading.Timer(deadline, _shut, (connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", parts.path or "/", headers={"Accept": "*/*"})
        _within(connection, ends_at)
        response = connection.getresponse()
        if response.status != 200:  # a redirect included: its target is never checked
            raise FetchError(f"{url} answered HTTP {response.status}")
        return _read(connection, response, ends_at, max_bytes)
    except (OSError, http.client.HTTPException) as error:
        if time.monotonic() >= ends_at:
            raise FetchError("the download took longer than its deadline") from error
        raise FetchError(f"{url}: {error}") from error
    finally:
        watchdog.cancel()
        connection.close()


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _connection(
    scheme: str, host: str, port: int | None, deadline: float
) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=deadline)
    if scheme == "http":  # only for tests against loopback servers: validated URLs are https
        return http.client.HTTPConnection(host, port, timeout=deadline)
    raise FetchError(f"cannot download a {scheme!r} URL")


def _within(connection: http.client.HTTPConnection, ends_at: float) -> None:
    """Give the socket only the time left, so the deadline holds across every read."""
    left = ends_at - time.monotonic()
    if left <= 0:
        raise FetchError("the download took longer than its deadline")
    if connection.sock is not None:
        connection.sock.settimeout(left)


def _read(
    connection: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    ends_at: float,
    max_bytes: int,
) -> bytes:
    body = bytearray()
    while True:
        _within(connection, ends_at)
        try:
            chunk = response.read1(_READ_SIZE)
        except TimeoutError as error:
            raise FetchError("the download took longer than its deadline") from error
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"the chain is larger than {max_bytes // 1024} KiB")


@dataclass
class _Failure:
    until: float
    message: str


class CertFetcher:
    """Downloads through `fetch`, once per URL at a time, remembering failures for a while."""

    def __init__(
        self,
        fetch: Callable[[str], bytes] = fetch_url,
        *,
        failed_url_seconds: float = FAILED_URL_SECONDS,
        max_downloads: int = MAX_DOWNLOADS,
        wait_seconds: float = DOWNLOAD_DEADLINE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetch = fetch
        self.failed_url_seconds = failed_url_seconds
        self.wait_seconds = wait_seconds
        self.clock = clock
        self.downloads = 0  # started, for tests and metrics
        self._slots = threading.BoundedSemaphore(max_downloads)
        self._lock = threading.Lock()
        self._in_flight: dict[str, Future[bytes]] = {}
        self._failed: dict[str, _Failure] = {}

    def get(self, url: str) -> bytes:
        """The chain at `url`; FetchError when it cannot be had (now, or recently)."""
        with self._lock:
            failure = self._failed.get(url)
            if failure is not None and self.clock() < failure.until:
                raise FetchError(f"{failure.message} (not tried again yet)")
            future = self._in_flight.get(url)
            leader = future is None
            if future is None:
                future = Future()
                self._in_flight[url] = future
        if leader:
            self._download(url, future)
        try:
            return future.result(timeout=self.wait_seconds * 2)
        except TimeoutError as error:
            raise FetchError(f"waited too long for {url}") from error

    def _download(self, url: str, future: Future[bytes]) -> None:
        try:
            if not self._slots.acquire(timeout=self.wait_seconds):
                raise FetchError("too many certificate downloads at once")
            try:
                self.downloads += 1
                future.set_result(self.fetch(url))
            finally:
                self._slots.release()
        except Exception as error:  # every failure is the request's: remembered, then raised
            message = str(error) if isinstance(error, FetchError) else f"{url}: {error!r}"
            with self._lock:
                self._forget_old_failures()
                self._failed[url] = _Failure(self.clock() + self.failed_url_seconds, message)
            future.set_exception(FetchError(message))
        finally:
            with self._lock:
                self._in_flight.pop(url, None)

    def _forget_old_failures(self) -> None:
        now = self.clock()
        self._failed = {u: f for u, f in self._failed.items() if now < f.until}
