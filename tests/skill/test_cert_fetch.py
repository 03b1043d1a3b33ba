"""Certificate downloads nobody can abuse: one per URL at a time, failures remembered, a cap on
downloads at once, one overall deadline, no redirects, a size cap (against loopback servers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.cert_fetch import CertFetcher, FetchError, fetch_url

CHAIN = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        route = self.path.strip("/")
        if route == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
        elif route == "big":
            body = b"x" * (300 * 1024)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif route in ("drip", "drip-headers"):
            if route == "drip-headers":
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: yes":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
                return
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(CHAIN)))
            self.end_headers()
            self.wfile.write(CHAIN)


@pytest.fixture
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_chain_is_downloaded(base_url: str) -> None:
    assert fetch_url(f"{base_url}/chain") == CHAIN


@pytest.mark.parametrize("route", ["drip", "drip-headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_overall_deadline(
    base_url: str, route: str
) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        fetch_url(f"{base_url}/{route}", deadline=0.5)
    assert time.monotonic() - started < 1.5  # one deadline for everything, not one per read


def test_redirects_are_not_followed(base_url: str) -> None:
    with pytest.raises(FetchError, match="HTTP 302"):
        fetch_url(f"{base_url}/redirect")


def test_an_oversized_body_is_refused_and_the_cap_is_stated(base_url: str) -> None:
    with pytest.raises(FetchError, match="larger than 256 KiB"):
        fetch_url(f"{base_url}/big")


def test_concurrent_misses_for_one_url_make_one_download() -> None:
    calls: list[str] = []
    release = threading.Event()

    def slow_fetch(url: str) -> bytes:
        calls.append(url)
        release.wait(2)
        return CHAIN

    fetcher = CertFetcher(slow_fetch)
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(fetcher.get("u"))) for _ in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    release.set()
    for thread in threads:
        thread.join(5)
    assert calls == ["u"] and results == [CHAIN] * 10


def test_a_failed_url_is_not_tried_again_for_a_while() -> None:
    now = [0.0]
    calls: list[str] = []

    def failing(url: str) -> bytes:
        calls.append(url)
        raise OSError("connection refused")

    fetcher = CertFetcher(failing, failed_url_seconds=60, clock=lambda: now[0])
    for _ in range(5):
        with pytest.raises(FetchError, match="connection refused"):
            fetcher.get("u")
    assert calls == ["u"]
    now[0] = 61.0
    with pytest.raises(FetchError):
        fetcher.get("u")
    assert calls == ["u", "u"]  # tried again once the failure is old


def test_downloads_at_once_are_capped() -> None:
    running, most = [0], [0]
    lock = threading.Lock()

    def counted(url: str) -> bytes:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return CHAIN

    fetcher = CertFetcher(counted, max_downloads=2, wait_seconds=5)
    threads = [threading.Thread(target=fetcher.get, args=(f"u{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert most[0] == 2 and fetcher.downloads == 8


def test_a_flood_past_the_cap_is_refused_rather_than_queued_forever() -> None:
    release = threading.Event()
    fetcher = CertFetcher(lambda url: release.wait(3) and CHAIN, max_downloads=1, wait_seconds=0.2)
    first = threading.Thread(target=fetcher.get, args=("slow",))
    first.start()
    time.sleep(0.05)
    with pytest.raises(FetchError, match="too many certificate downloads"):
        fetcher.get("another")
    release.set()
    first.join(5)
