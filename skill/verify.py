"""Verifying that a request really comes from Alexa, built on `cryptography`.

Amazon's rules for skills hosted as web services: the signing certificate's URL must point at
Amazon's bucket, the chain must validate to a trusted root for echo-api.amazon.com, the body must be
signed by it (Signature-256), the timestamp must be fresh and the skill id ours. (flask-ask-sdk and
ask-sdk-webservice-support do this too, but fail to import on OpenSSL 3.0.10 and newer.)
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import threading
import urllib.request
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
ECHO_API_NAME = "echo-api.amazon.com"
MAX_SKEW = timedelta(seconds=150)
FETCH_TIMEOUT = 5.0


class VerificationError(Exception):
    """The request is not verifiably from Alexa; `reason` says why, for a 400 answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def validate_cert_url(url: str) -> str:
    """The SignatureCertChainUrl rules; returns the normalised URL or raises VerificationError."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        raise VerificationError("the certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationError(f"the certificate URL must be on {CERT_HOST}")
    try:
        port = parts.port
    except ValueError as error:
        raise VerificationError("the certificate URL has an invalid port") from error
    if port not in (None, 443):
        raise VerificationError("the certificate URL must use port 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationError(f"the certificate URL path must start with {CERT_PATH_PREFIX}")
    return f"https://{CERT_HOST}{path}"


def fetch_url(url: str, timeout: float = FETCH_TIMEOUT) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read(256 * 1024)


def _certifi_roots() -> list[x509.Certificate]:
    with open(certifi.where(), "rb") as bundle:
        return x509.load_pem_x509_certificates(bundle.read())


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted and value:
            return value
    raise VerificationError(f"the {name} header is missing")


def _parse_timestamp(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise VerificationError("the request has no timestamp")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise VerificationError("the request timestamp is not a valid date") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _application_id(body: Mapping[str, Any]) -> str | None:
    system = (body.get("context") or {}).get("System") or {}
    found = (system.get("application") or {}).get("applicationId")
    if found:
        return str(found)
    session = body.get("session") or {}
    return (session.get("application") or {}).get("applicationId")


class RequestVerifier:
    """Checks requests; the certificate chain of each URL is cached until its leaf expires."""

    def __init__(
        self,
        skill_ids: Collection[str],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        fetch: Callable[[str], bytes] = fetch_url,
        trust_roots: Sequence[x509.Certificate] | None = None,
        max_skew: timedelta = MAX_SKEW,
    ) -> None:
        self.skill_ids = frozenset(skill_ids)
        self.clock = clock
        self.fetch = fetch
        self._roots = list(trust_roots) if trust_roots is not None else None
        self.max_skew = max_skew
        self._cache: dict[str, tuple[x509.Certificate, datetime]] = {}
        self._lock = threading.Lock()

    @property
    def roots(self) -> list[x509.Certificate]:
        if self._roots is None:
            self._roots = _certifi_roots()
        return self._roots

    def verify(self, headers: Mapping[str, str], body: bytes, parsed: Any = None) -> None:
        """Raise VerificationError unless the request is verifiably from Alexa for our skill.
        `parsed` is the body already decoded from JSON, when the caller has it."""
        url = validate_cert_url(_header(headers, "SignatureCertChainUrl"))
        signature = self._signature(_header(headers, "Signature-256"))
        leaf = self._leaf(url)
        self._check_signature(leaf, signature, body)
        self._check_body(body if parsed is None else parsed)

    @staticmethod
    def _signature(raw: str) -> bytes:
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationError("the Signature-256 header is not base64") from error

    def _leaf(self, url: str) -> x509.Certificate:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(url)
        if cached and now < cached[1]:
            return cached[0]
        leaf = self._validated_chain(url, now)
        with self._lock:
            self._cache[url] = (leaf, leaf.not_valid_after_utc)
        return leaf

    def _validated_chain(self, url: str, now: datetime) -> x509.Certificate:
        try:
            pem = self.fetch(url)
        except Exception as error:  # any failure to fetch is the request's failure, not ours
            raise VerificationError(
                f"the signing certificate could not be fetched ({error})"
            ) from error
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise VerificationError("the signing certificate is not a PEM chain") from error
        leaf, intermediates = chain[0], chain[1:]
        if not self._names_echo_api(leaf):
            raise VerificationError(f"the signing certificate is not for {ECHO_API_NAME}")
        verifier = (
            PolicyBuilder()
            .store(Store(self.roots))
            .time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_NAME))
        )
        try:
            verifier.verify(leaf, intermediates)
        except ChainError as error:
            raise VerificationError(f"the signing certificate is not valid: {error}") from error
        return leaf

    @staticmethod
    def _names_echo_api(leaf: x509.Certificate) -> bool:
        try:
            names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            return False
        return ECHO_API_NAME in names.get_values_for_type(x509.DNSName)

    @staticmethod
    def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("the signing certificate does not hold an RSA key")
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise VerificationError("the signature does not match the request body") from error

    def _check_body(self, body: Any) -> None:
        try:
            data = json.loads(body) if isinstance(body, bytes | str) else body
        except ValueError as error:
            raise VerificationError("the request body is not JSON") from error
        if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
            raise VerificationError("the body is not an Alexa request envelope")
        moment = _parse_timestamp(data["request"].get("timestamp"))
        if abs(self.clock() - moment) > self.max_skew:
            raise VerificationError("the request timestamp is more than 150 seconds from now")
        if not self.skill_ids:
            raise VerificationError("no skill id is configured (set BACKSTRETCH_SKILL_IDS)")
        if _application_id(data) not in self.skill_ids:
            raise VerificationError("the request is for another skill")
