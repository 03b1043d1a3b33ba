"""Request verification: certificate URL rules, the chain, the signature, freshness, skill id."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from skill.testing import CERT_URL, NOW, headers, make_ca, make_leaf, pem
from skill.verify import RequestVerifier, VerificationError, validate_cert_url

SKILL_ID = "amzn1.ask.skill.test"
CA = make_ca()


def _body(timestamp: datetime = NOW, skill_id: str = SKILL_ID) -> bytes:
    envelope = {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": skill_id}}},
        "request": {"type": "LaunchRequest", "timestamp": timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")},
    }
    return json.dumps(envelope).encode()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _verifier(
    chain: bytes | None = None, clock: Clock | None = None, **kwargs: Any
) -> tuple[RequestVerifier, list[str]]:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return chain if chain is not None else pem(make_leaf(CA))

    verifier = RequestVerifier(
        {SKILL_ID}, clock=clock or Clock(), fetch=fetch, trust_roots=[CA.cert], **kwargs
    )
    return verifier, fetched


def test_a_signed_request_passes() -> None:
    verifier, _ = _verifier()
    body = _body()
    verifier.verify(headers(body), body)


def test_header_names_are_matched_in_any_case() -> None:
    verifier, _ = _verifier()
    body = _body()
    signed = {k.lower(): v for k, v in headers(body).items()}
    verifier.verify(signed, body)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            lambda b, h: (b.replace(b"LaunchRequest", b"IntentRequest"), h),
            "signature does not match",
        ),
        (
            lambda b, h: (b, {**h, "Signature-256": headers(b, key_number=3)["Signature-256"]}),
            "signature does not match",
        ),
        (lambda b, h: (b, {**h, "Signature-256": "!!not base64!!"}), "not base64"),
        (
            lambda b, h: (b, {"Signature-256": h["Signature-256"]}),
            "SignatureCertChainUrl header is missing",
        ),
        (lambda b, h: (b, {"SignatureCertChainUrl": CERT_URL}), "Signature-256 header is missing"),
        (
            lambda b, h: (
                b,
                {**h, "SignatureCertChainUrl": "http://s3.amazonaws.com/echo.api/x.pem"},
            ),
            "https",
        ),
    ],
)
def test_tampered_requests_fail_with_a_reason(tamper: Any, reason: str) -> None:
    verifier, _ = _verifier()
    body = _body()
    body, signed = tamper(body, headers(body))
    with pytest.raises(VerificationError, match=reason):
        verifier.verify(signed, body)


@pytest.mark.parametrize(
    ("leaf", "reason"),
    [
        (lambda: make_leaf(CA, not_after=NOW - timedelta(seconds=1)), "not valid"),
        (lambda: make_leaf(CA, not_before=NOW + timedelta(hours=1)), "not valid"),
        (lambda: make_leaf(CA, dns="example.com"), "not for echo-api.amazon.com"),
        (lambda: make_leaf(make_ca("Other Root", key_number=4)), "not valid"),
    ],
)
def test_bad_certificates_fail(leaf: Any, reason: str) -> None:
    verifier, _ = _verifier(pem(leaf()))
    body = _body()
    with pytest.raises(VerificationError, match=reason):
        verifier.verify(headers(body), body)


@pytest.mark.parametrize(("offset", "ok"), [(150, True), (-150, True), (151, False), (-151, False)])
def test_timestamp_must_be_within_150_seconds(offset: int, ok: bool) -> None:
    verifier, _ = _verifier()
    body = _body(NOW + timedelta(seconds=offset))
    if ok:
        verifier.verify(headers(body), body)
    else:
        with pytest.raises(VerificationError, match="more than 150 s"):
            verifier.verify(headers(body), body)


def test_another_skill_and_no_configured_skill_fail() -> None:
    verifier, _ = _verifier()
    body = _body(skill_id="amzn1.ask.skill.other")
    with pytest.raises(VerificationError, match="unknown skill"):
        verifier.verify(headers(body), body)
    lonely = RequestVerifier(
        set(), clock=Clock(), fetch=lambda _u: pem(make_leaf(CA)), trust_roots=[CA.cert]
    )
    with pytest.raises(VerificationError, match="no skill id is configured"):
        lonely.verify(headers(_body()), _body())


def test_the_chain_is_cached_until_the_leaf_expires() -> None:
    clock = Clock()
    verifier, fetched = _verifier(pem(make_leaf(CA, not_after=NOW + timedelta(days=1))), clock)
    for _ in range(3):
        body = _body(clock.now)
        verifier.verify(headers(body), body)
    assert fetched == [CERT_URL]
    clock.now = NOW + timedelta(days=2)
    body = _body(clock.now)
    with pytest.raises(VerificationError, match="not valid"):
        verifier.verify(headers(body), body)
    assert len(fetched) == 2


def test_a_fetch_failure_is_a_verification_failure() -> None:
    def broken(_url: str) -> bytes:
        raise TimeoutError("timed out")

    verifier = RequestVerifier({SKILL_ID}, clock=Clock(), fetch=broken, trust_roots=[CA.cert])
    with pytest.raises(VerificationError, match="could not be fetched"):
        verifier.verify(headers(_body()), _body())
    junk = RequestVerifier(
        {SKILL_ID}, clock=Clock(), fetch=lambda _u: b"junk", trust_roots=[CA.cert]
    )
    with pytest.raises(VerificationError, match="not PEM"):
        junk.verify(headers(_body()), _body())


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/x.pem",
        "https://s3.amazonaws.com:443/echo.api/x.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/x.pem",
    ],
)
def test_valid_certificate_urls(url: str) -> None:
    assert validate_cert_url(url).startswith("https://s3.amazonaws.com/echo.api/")


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/x.pem",
    ],
)
def test_invalid_certificate_urls(url: str) -> None:
    with pytest.raises(VerificationError):
        validate_cert_url(url)
