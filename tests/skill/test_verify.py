"""RequestVerifier against real certificates and signatures made by a test CA.

Every refusal must be a VerificationError with a reason a person can read; nothing else may
escape, whatever the headers, the body or the downloaded chain hold.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from signing import (
    SKILL_ID,
    ChainServer,
    Clock,
    Issued,
    LeafSpec,
    Signer,
    alexa_time,
    make_ca,
    make_leaf,
    pem,
    request_body,
)
from werkzeug.datastructures import Headers

from skill.testing import CERT_URL, NOW
from skill.testing import key as rsa_key
from skill.verify import (
    REASONS,
    RequestVerifier,
    VerificationError,
    default_trust_roots,
    fetch_url,
    validate_cert_url,
)


def _refused(verifier: RequestVerifier, headers: Any, body: bytes, reason: str) -> None:
    with pytest.raises(VerificationError, match=reason) as caught:
        verifier.verify(headers, body)
    assert caught.value.reason in REASONS  # the caller is told one stable phrase per rule


def _serve(server: ChainServer, *certs: Issued) -> None:
    server.files[CERT_URL] = pem(*(issued.cert for issued in certs))


# A good request, and the headers carrying it


def test_a_request_signed_by_the_echo_api_leaf_passes(
    verifier: RequestVerifier, signer: Signer
) -> None:
    body = request_body()
    verifier.verify(signer.headers(body), body)


def test_a_body_already_parsed_by_the_caller_is_checked_the_same(
    verifier: RequestVerifier, signer: Signer
) -> None:
    body = request_body()
    verifier.verify(signer.headers(body), body, json.loads(body))
    stale = json.loads(request_body(NOW - timedelta(minutes=5)))
    with pytest.raises(VerificationError, match="old"):
        verifier.verify(signer.headers(body), body, stale)


@pytest.mark.parametrize("spell", [str.lower, str.upper, str.swapcase])
def test_header_names_match_in_any_case(
    verifier: RequestVerifier, signer: Signer, spell: Any
) -> None:
    body = request_body()
    verifier.verify({spell(k): v for k, v in signer.headers(body).items()}, body)


def test_werkzeug_headers_work_as_flask_passes_them(
    verifier: RequestVerifier, signer: Signer
) -> None:
    body = request_body()
    verifier.verify(Headers(list(signer.headers(body).items())), body)


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
@pytest.mark.parametrize("how", ["absent", "empty", "blank"])
def test_a_missing_header_is_named(
    verifier: RequestVerifier, signer: Signer, missing: str, how: str
) -> None:
    body = request_body()
    headers = signer.headers(body)
    if how == "absent":
        del headers[missing]
    else:
        headers[missing] = "" if how == "empty" else "   "
    _refused(verifier, headers, body, f"the {missing} header is missing")


def test_the_old_sha1_signature_header_is_not_enough(
    verifier: RequestVerifier, signer: Signer
) -> None:
    body = request_body()
    headers = signer.headers(body)
    headers["Signature"] = headers.pop("Signature-256")
    _refused(verifier, headers, body, "Signature-256 header is missing")


@pytest.mark.parametrize("garbled", ["!!not base64!!", "abc", "Zm9v\u00e9", "Zm9v YmFy", "===="])
def test_a_garbled_signature_header_is_refused(
    verifier: RequestVerifier, signer: Signer, garbled: str
) -> None:
    body = request_body()
    headers = {**signer.headers(body), "Signature-256": garbled}
    _refused(verifier, headers, body, "not base64")


# Signatures


def test_a_tampered_body_is_refused(verifier: RequestVerifier, signer: Signer) -> None:
    body = request_body()
    headers = signer.headers(body)
    _refused(verifier, headers, body.replace(b"Launch", b"Intent"), "signature does not match")


@pytest.mark.parametrize(
    ("size", "reason"),
    [(256, "signature does not match"), (512, "signature does not match"),
     (255, "signature malformed"), (3, "signature malformed"), (1000, "signature malformed")],
)  # fmt: skip
def test_a_wrong_signature_is_refused(
    verifier: RequestVerifier, signer: Signer, size: int, reason: str
) -> None:
    body = request_body()
    forged = base64.b64encode(bytes([7]) * size).decode()
    headers = {**signer.headers(body), "Signature-256": forged}
    _refused(verifier, headers, body, reason)


def test_a_signature_no_rsa_key_could_make_is_refused_before_any_download(
    root: Issued, clock: Clock
) -> None:
    """Its length alone shows it is forged: nobody can make us download for nothing."""
    downloads: list[str] = []
    verifier = RequestVerifier(
        {SKILL_ID},
        clock=clock,
        fetch=lambda url: downloads.append(url) or b"",
        trust_roots=[root.cert],
    )
    body = request_body()
    headers = {
        **Signer(rsa_key(2)).headers(body),
        "Signature-256": base64.b64encode(b"x" * 70).decode(),
    }
    _refused(verifier, headers, body, "signature malformed")
    assert downloads == []


def test_a_signature_by_another_key_is_refused(verifier: RequestVerifier) -> None:
    body = request_body()
    _refused(verifier, Signer(rsa_key(3)).headers(body), body, "signature does not match")


def test_a_leaf_with_an_ec_key_is_refused(root: Issued, clock: Clock, server: ChainServer) -> None:
    ec_leaf = make_leaf(root, LeafSpec(key=ec.generate_private_key(ec.SECP256R1())))
    _serve(server, ec_leaf)
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    body = request_body()
    headers = {
        **Signer(ec_leaf.key).headers(body),  # an EC signature: padded to an RSA length
        "Signature-256": base64.b64encode(bytes(256)).decode(),
    }
    _refused(verifier, headers, body, "holds no RSA key")


# The certificate chain


def _verify_with(server: ChainServer, root: Issued, clock: Clock, *chain: Issued) -> None:
    """Serve `chain` and verify a request signed by its leaf's key."""
    _serve(server, *chain)
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    body = request_body(clock.now)
    verifier.verify(Signer(chain[0].key).headers(body), body)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (LeafSpec(not_after=NOW - timedelta(seconds=1)), "not valid"),
        (LeafSpec(not_before=NOW + timedelta(seconds=1)), "not valid"),
        (LeafSpec(names=("example.com",)), "not for echo-api.amazon.com"),
        (LeafSpec(names=("echo-api.amazon.com.evil.com",)), "not for echo-api.amazon.com"),
        (LeafSpec(names=()), "not for echo-api.amazon.com"),
        (LeafSpec(raw_san=b"\x30\x03\x82\x01"), "unreadable extensions"),
        (LeafSpec(usages=(ExtendedKeyUsageOID.CLIENT_AUTH,)), "not valid"),
    ],
    ids=["expired", "not-yet-valid", "other-name", "suffix", "no-san", "bad-san", "client-eku"],
)
def test_a_bad_leaf_is_refused(
    root: Issued, clock: Clock, server: ChainServer, spec: LeafSpec, reason: str
) -> None:
    with pytest.raises(VerificationError, match=reason):
        _verify_with(server, root, clock, make_leaf(root, spec))


def test_a_leaf_naming_echo_api_among_others_passes(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    names = ("www.example.com", "echo-api.amazon.com")
    _verify_with(server, root, clock, make_leaf(root, LeafSpec(names=names)))


def test_a_leaf_is_good_on_its_last_second(root: Issued, clock: Clock, server: ChainServer) -> None:
    leaf = make_leaf(root, LeafSpec(not_after=NOW + timedelta(hours=1)))
    clock.now = NOW + timedelta(hours=1)
    _verify_with(server, root, clock, leaf)


def test_a_leaf_that_is_a_ca_is_refused(root: Issued, clock: Clock, server: ChainServer) -> None:
    with pytest.raises(VerificationError, match="not valid"):
        _verify_with(server, root, clock, make_leaf(root, LeafSpec(ca=True)))


def test_the_trusted_root_served_as_the_leaf_is_refused(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    with pytest.raises(VerificationError, match=r"not for echo-api\.amazon\.com"):
        _verify_with(server, root, clock, root)


def test_a_chain_that_includes_the_root_passes(
    root: Issued, leaf: Issued, clock: Clock, server: ChainServer
) -> None:
    _verify_with(server, root, clock, leaf, root)


def test_a_chain_to_an_untrusted_root_is_refused(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    stranger = make_ca("Stranger Root", key_number=4)
    with pytest.raises(VerificationError, match="not valid"):
        _verify_with(server, root, clock, make_leaf(stranger))


def test_a_leaf_issued_by_an_intermediate_passes_only_with_the_intermediate(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    middle = make_ca("Test Intermediate", issuer=root, key_number=5)
    leaf = make_leaf(middle)
    _verify_with(server, root, clock, leaf, middle)
    with pytest.raises(VerificationError, match="not valid"):
        _verify_with(server, root, clock, leaf)


def test_an_expired_intermediate_is_refused(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    middle = make_ca(
        "Old Intermediate", issuer=root, key_number=5, not_after=NOW - timedelta(days=1)
    )
    with pytest.raises(VerificationError, match="not valid"):
        _verify_with(server, root, clock, make_leaf(middle), middle)


def test_the_default_trust_is_certifi_which_knows_no_test_root(
    clock: Clock, server: ChainServer, signer: Signer
) -> None:
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server)
    body = request_body()
    _refused(verifier, signer.headers(body), body, "not valid")


def test_an_empty_trust_list_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="trust_roots is empty"):
        RequestVerifier({SKILL_ID}, trust_roots=[])


# Downloading and caching the chain


def test_the_chain_is_fetched_once_for_many_requests(
    verifier: RequestVerifier, signer: Signer, server: ChainServer
) -> None:
    for _ in range(2):
        body = request_body()
        verifier.verify(signer.headers(body), body)
    assert server.fetched == [CERT_URL]


def test_spellings_of_one_url_share_one_download(
    verifier: RequestVerifier, signer: Signer, server: ChainServer
) -> None:
    body = request_body()
    for url in [
        CERT_URL,
        CERT_URL.replace("https://s3.amazonaws.com", "HTTPS://S3.amazonaws.com:443"),
    ]:
        verifier.verify(Signer(signer.key, url).headers(body), body)
    assert server.fetched == [CERT_URL]


def test_the_chain_is_fetched_again_once_the_leaf_expires(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    old = make_leaf(root, LeafSpec(not_after=NOW + timedelta(days=1)))
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    _serve(server, old)
    body = request_body()
    verifier.verify(Signer(old.key).headers(body), body)
    clock.now = NOW + timedelta(days=1, seconds=1)
    _serve(server, make_leaf(root, LeafSpec(not_after=NOW + timedelta(days=60))))
    body = request_body(clock.now)
    verifier.verify(Signer(old.key).headers(body), body)  # same key, renewed certificate
    assert server.fetched == [CERT_URL, CERT_URL]


def test_an_expired_cached_chain_is_not_used(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    old = make_leaf(root, LeafSpec(not_after=NOW + timedelta(days=1)))
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    _serve(server, old)
    body = request_body()
    verifier.verify(Signer(old.key).headers(body), body)
    clock.now = NOW + timedelta(days=2)
    body = request_body(clock.now)
    _refused(verifier, Signer(old.key).headers(body), body, "not valid")
    assert len(server.fetched) == 2


def test_the_cache_ends_when_the_intermediate_expires_first(
    root: Issued, clock: Clock, server: ChainServer
) -> None:
    soon = NOW + timedelta(hours=1)
    middle = make_ca("Short Intermediate", issuer=root, key_number=5, not_after=soon)
    leaf = make_leaf(middle)
    _serve(server, leaf, middle)
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    body = request_body()
    verifier.verify(Signer(leaf.key).headers(body), body)
    clock.now = soon + timedelta(seconds=1)
    body = request_body(clock.now)
    _refused(verifier, Signer(leaf.key).headers(body), body, "not valid")
    assert server.fetched == [CERT_URL, CERT_URL]


def test_a_refused_chain_is_not_cached(
    root: Issued, clock: Clock, server: ChainServer, signer: Signer
) -> None:
    verifier = RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
    server.files[CERT_URL] = pem(make_leaf(root, LeafSpec(names=("example.com",))).cert)
    body = request_body()
    _refused(verifier, signer.headers(body), body, "not for echo-api")
    _serve(server, make_leaf(root))
    verifier.verify(signer.headers(body), body)
    assert len(server.fetched) == 2


@pytest.mark.parametrize(
    "failure",
    [TimeoutError("timed out"), OSError("network is unreachable"), RuntimeError("surprise")],
)
def test_a_failed_download_is_a_refusal(
    verifier: RequestVerifier, signer: Signer, server: ChainServer, failure: Exception
) -> None:
    server.files[CERT_URL] = failure
    body = request_body()
    _refused(verifier, signer.headers(body), body, "could not be fetched")


@pytest.mark.parametrize(
    "served",
    [b"", b"junk", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
)
def test_a_download_that_is_no_chain_is_a_refusal(
    verifier: RequestVerifier, signer: Signer, server: ChainServer, served: bytes
) -> None:
    server.files[CERT_URL] = served
    body = request_body()
    _refused(verifier, signer.headers(body), body, "not PEM")


def test_a_url_outside_amazons_bucket_is_never_fetched(
    verifier: RequestVerifier, signer: Signer, server: ChainServer
) -> None:
    body = request_body()
    headers = {**signer.headers(body), "SignatureCertChainUrl": "https://evil.com/echo.api/x"}
    _refused(verifier, headers, body, "must be on s3.amazonaws.com")
    assert server.fetched == []


# The body: freshness, skill id, shape


@pytest.mark.parametrize(
    ("offset", "reason"),
    [(-150, None), (150, None), (-151, "timestamp too old"), (151, "timestamp in the future")],
)
def test_the_timestamp_may_be_150_seconds_either_side(
    verifier: RequestVerifier, signer: Signer, offset: int, reason: str | None
) -> None:
    body = request_body(NOW + timedelta(seconds=offset))
    if reason is None:
        verifier.verify(signer.headers(body), body)
    else:
        _refused(verifier, signer.headers(body), body, reason)


@pytest.mark.parametrize(
    ("stamp", "reason"),
    [
        (int(NOW.timestamp()), None),  # epoch seconds
        (int(NOW.timestamp() * 1000), None),  # epoch milliseconds
        (f'"{int(NOW.timestamp())}"', None),  # epoch seconds as text
        (int(NOW.timestamp()) - 151, "timestamp too old"),
        (int(NOW.timestamp() * 1000) + 151_000, "timestamp in the future"),
    ],
)
def test_epoch_timestamps_are_read_and_checked(
    verifier: RequestVerifier, signer: Signer, stamp: object, reason: str | None
) -> None:
    body = request_body().replace(f'"{alexa_time(NOW)}"'.encode(), str(stamp).encode())
    assert body != request_body()
    if reason is None:
        verifier.verify(signer.headers(body), body)
    else:
        _refused(verifier, signer.headers(body), body, reason)


def test_the_allowed_skew_can_be_set(root: Issued, clock: Clock, server: ChainServer) -> None:
    verifier = RequestVerifier(
        {SKILL_ID},
        clock=clock,
        fetch=server,
        trust_roots=[root.cert],
        max_skew=timedelta(seconds=30),
    )
    body = request_body(NOW - timedelta(seconds=31))
    _refused(verifier, Signer(rsa_key(2)).headers(body), body, "more than 30 s before")


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-01-15T09:00:00Z",
        "2026-01-15T09:00:00.123Z",
        "2026-01-15T10:00:00+01:00",
        "2026-01-15T09:00:00",
        "2026-01-15t09:00:00z",
    ],
)
def test_timestamps_in_iso_8601_spellings_pass(
    verifier: RequestVerifier, signer: Signer, stamp: str
) -> None:
    body = request_body().replace(b"2026-01-15T09:00:00Z", stamp.encode())
    verifier.verify(signer.headers(body), body)


def test_a_naive_clock_is_taken_as_utc(root: Issued, server: ChainServer, signer: Signer) -> None:
    naive = Clock(NOW.replace(tzinfo=None))
    verifier = RequestVerifier({SKILL_ID}, clock=naive, fetch=server, trust_roots=[root.cert])
    body = request_body()
    verifier.verify(signer.headers(body), body)


def _envelope(**fields: Any) -> bytes:
    request = {"type": "LaunchRequest", "timestamp": "2026-01-15T09:00:00Z"}
    return json.dumps({"version": "1.0", "request": request, **fields}).encode()


def _app(skill_id: Any) -> dict[str, Any]:
    return {"application": {"applicationId": skill_id}}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (request_body(skill_id="amzn1.ask.skill.other"), "unknown skill"),
        (
            _envelope(context={"System": _app("amzn1.ask.skill.other")}, session=_app(SKILL_ID)),
            "unknown skill",
        ),
        (_envelope(), "does not say which skill"),
        (_envelope(context={"System": _app(["a"])}), "does not say which skill"),
        (_envelope(context="system", session=[1]), "does not say which skill"),
        (_envelope(context={"System": {"application": 5}}), "does not say which skill"),
        (b"not json", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        (b"[" * 100_000, "not JSON"),
        (b"[]", "not a request envelope"),
        (b'{"request": "LaunchRequest"}', "not a request envelope"),
        (b'{"request": {}}', "no timestamp"),
        (b'{"request": {"timestamp": true}}', "timestamp invalid"),
        (b'{"request": {"timestamp": 10e300}}', "timestamp invalid"),
        (b'{"request": {"timestamp": "yesterday"}}', "timestamp invalid"),
    ],
    ids=[
        "other-skill",
        "context-wins",
        "no-app-id",
        "list-app-id",
        "odd-shapes",
        "odd-app",
        "not-json",
        "not-utf8",
        "deep",
        "list",
        "request-str",
        "no-stamp",
        "bool-stamp",
        "huge-stamp",
        "word-stamp",
    ],
)
def test_a_signed_body_that_is_wrong_is_refused_with_a_reason(
    verifier: RequestVerifier, signer: Signer, body: bytes, reason: str
) -> None:
    _refused(verifier, signer.headers(body), body, reason)


def test_the_session_names_the_skill_when_the_context_does_not(
    verifier: RequestVerifier, signer: Signer
) -> None:
    body = _envelope(session=_app(SKILL_ID))
    verifier.verify(signer.headers(body), body)


def test_with_no_skill_id_configured_everything_is_refused(
    root: Issued, clock: Clock, server: ChainServer, signer: Signer
) -> None:
    lonely = RequestVerifier(set(), clock=clock, fetch=server, trust_roots=[root.cert])
    body = request_body()
    _refused(lonely, signer.headers(body), body, "no skill id is configured")
    _refused(lonely, {}, b"", "no skill id is configured")
    assert server.fetched == []


# The certificate URL rules (alexa-facts.md, "Verifying requests")


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", "/echo.api/echo-api-cert.pem"),
        ("HTTPS://S3.AMAZONAWS.COM/echo.api/x.pem", "/echo.api/x.pem"),
        ("https://s3.amazonaws.com:443/echo.api/x.pem", "/echo.api/x.pem"),
        ("https://s3.amazonaws.com/echo.api/../echo.api/x.pem", "/echo.api/x.pem"),
        ("https://s3.amazonaws.com/echo.api/a/./b/../x.pem", "/echo.api/a/x.pem"),
        ("https://someone@s3.amazonaws.com/echo.api/x.pem", "/echo.api/x.pem"),
        ("https://s3.amazonaws.com/echo.api/x.pem?v=2#top", "/echo.api/x.pem"),
    ],
)
def test_valid_certificate_urls_are_normalised(url: str, normalised: str) -> None:
    assert validate_cert_url(url) == "https://s3.amazonaws.com" + normalised


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "on s3.amazonaws.com"),
        ("https://s3.amazonaws.com.evil.com/echo.api/x.pem", "on s3.amazonaws.com"),
        ("https://evil.com/s3.amazonaws.com/echo.api/x.pem", "on s3.amazonaws.com"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path must start"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path must start"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/x.pem", "path must start"),
        ("https://s3.amazonaws.com/echo.api", "path must start"),
        ("https://s3.amazonaws.com", "path must start"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port 443"),
        ("https://s3.amazonaws.com:80/echo.api/x.pem", "port 443"),
        ("https://s3.amazonaws.com:99999/echo.api/x.pem", "not a valid URL"),
        ("https://s3.amazonaws.com:https/echo.api/x.pem", "not a valid URL"),
        ("https://[s3.amazonaws.com/echo.api/x.pem", "not a valid URL"),
        ("not a url", "https"),
    ],
)
def test_invalid_certificate_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(VerificationError, match=reason):
        validate_cert_url(url)


# The defaults: certifi's roots and a real download


def test_the_default_roots_load_quietly_and_include_amazons() -> None:
    names = {root.subject.rfc4514_string() for root in default_trust_roots()}
    assert "CN=Amazon Root CA 1,O=Amazon,C=US" in names


class _Handler(BaseHTTPRequestHandler):
    """Serves a fixed PEM, or holds the answer back until the test's event is set."""

    chain = b""
    hold: threading.Event | None = None

    def do_GET(self) -> None:
        if self.hold is not None:
            self.hold.wait(10)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.chain)

    def log_message(self, *_args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def local_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/echo.api/chain.pem", handler
    if handler.hold is not None:
        handler.hold.set()
    httpd.shutdown()
    httpd.server_close()


def test_fetch_url_downloads_the_chain(
    local_server: tuple[str, type[_Handler]], leaf: Issued
) -> None:
    url, handler = local_server
    handler.chain = pem(leaf.cert)
    assert fetch_url(url) == pem(leaf.cert)


def test_a_slow_download_times_out_and_is_a_refusal(
    local_server: tuple[str, type[_Handler]], root: Issued, signer: Signer
) -> None:
    url, handler = local_server
    handler.hold = threading.Event()
    verifier = RequestVerifier(
        {SKILL_ID},
        clock=Clock(),
        fetch=lambda _url: fetch_url(url, deadline=0.2),
        trust_roots=[root.cert],
    )
    body = request_body()
    _refused(verifier, signer.headers(body), body, "could not be fetched: .*deadline")
