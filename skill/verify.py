"""Verifying that a request really comes from Alexa, built on `cryptography`.

Amazon's rules for skills hosted as web services: the signing certificate's URL must point at
Amazon's bucket, the chain must validate to a trusted root for echo-api.amazon.com, the body must be
signed by it (Signature-256), the timestamp must be fresh and the skill id ours. (flask-ask-sdk and
ask-sdk-webservice-support do this too, but fail to import on OpenSSL 3.0.10 and newer.)

Whatever a caller sends, the only exception that leaves `RequestVerifier.verify` is
`VerificationError`: its `reason` is one short, stable phrase per rule, fit for the caller's JSON
400 ("signature does not match"); its `detail` says more, for the log only (a caller who is not
Alexa learns nothing about our proxy, our certificates or our codecs).
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

from skill.cert_fetch import CertFetcher, FetchError, fetch_url

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
ECHO_API_NAME = "echo-api.amazon.com"
MAX_SKEW = timedelta(seconds=150)
# An RSA signature is as long as its key: 1024- to 4096-bit keys (Amazon signs with 2048 bits).
RSA_SIGNATURE_BYTES = frozenset({128, 256, 384, 512})
# Epoch timestamps past this are milliseconds (it is 1973 in milliseconds, year 33658 in seconds).
_EPOCH_MILLISECONDS_FROM = 10**12

# The reasons a caller is told: one short phrase per rule, stable across versions.
CERT_URL_MISSING = "certificate URL missing"
CERT_URL_NOT_ALLOWED = "certificate URL not allowed"
CERT_NOT_VALID = "certificate not valid"
CERT_UNAVAILABLE = "certificate could not be fetched"
SIGNATURE_MISSING = "signature missing"
SIGNATURE_MALFORMED = "signature malformed"
SIGNATURE_MISMATCH = "signature does not match"
TIMESTAMP_MISSING = "timestamp missing"
TIMESTAMP_INVALID = "timestamp invalid"
TIMESTAMP_TOO_OLD = "timestamp too old"
TIMESTAMP_IN_FUTURE = "timestamp in the future"
NOT_AN_ALEXA_REQUEST = "not an Alexa request"
UNKNOWN_SKILL = "unknown skill"
NO_SKILL_CONFIGURED = "no skill id configured"
REASONS = frozenset(
    {
        CERT_URL_MISSING,
        CERT_URL_NOT_ALLOWED,
        CERT_NOT_VALID,
        CERT_UNAVAILABLE,
        SIGNATURE_MISSING,
        SIGNATURE_MALFORMED,
        SIGNATURE_MISMATCH,
        TIMESTAMP_MISSING,
        TIMESTAMP_INVALID,
        TIMESTAMP_TOO_OLD,
        TIMESTAMP_IN_FUTURE,
        NOT_AN_ALEXA_REQUEST,
        UNKNOWN_SKILL,
        NO_SKILL_CONFIGURED,
    }
)

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)

# What `cryptography` raises for a certificate whose extensions it cannot parse.
_BAD_EXTENSIONS = (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType)


class HeaderItems(Protocol):
    """Request headers as a web framework holds them: a dict, or werkzeug's Headers (which is
    no Mapping, and may repeat a name)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


class VerificationError(Exception):
    """The request is not verifiably from Alexa: `reason` for the caller, `detail` for the log."""

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail and detail != reason else reason)
        self.reason = reason
        self.detail = detail or reason


def validate_cert_url(url: str) -> str:
    """Apply the SignatureCertChainUrl rules; return the URL to fetch, rebuilt from the checked
    parts only (no user info, query or fragment can ride along), or raise VerificationError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a bad port or a broken [IPv6] host
        raise VerificationError(CERT_URL_NOT_ALLOWED, f"not a valid URL: {url!r}") from error
    if parts.scheme.lower() != "https":
        raise VerificationError(CERT_URL_NOT_ALLOWED, f"must use https: {url!r}")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationError(CERT_URL_NOT_ALLOWED, f"must be on {CERT_HOST}: {url!r}")
    if port not in (None, 443):
        raise VerificationError(CERT_URL_NOT_ALLOWED, f"must use port 443: {url!r}")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationError(
            CERT_URL_NOT_ALLOWED, f"path must start with {CERT_PATH_PREFIX}: {url!r}"
        )
    return f"https://{CERT_HOST}{path}"


def default_trust_roots() -> list[x509.Certificate]:
    """The public web roots, which include Amazon's, read one by one: a few old roots in the
    bundle have serial numbers RFC 5280 forbids, which `cryptography` warns about today and
    will refuse later. Those are kept while they load and skipped once they do not, so neither
    the warning nor the future error reaches a request."""
    with open(certifi.where(), "rb") as bundle:
        blocks = _PEM_BLOCK.findall(bundle.read())
    roots: list[x509.Certificate] = []
    for block in blocks:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


def _utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so an injected clock cannot break comparisons."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _header(headers: HeaderItems, name: str) -> str:
    """HTTP header names are case-insensitive; proxies and test clients spell them freely."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted and value and value.strip():
            return value.strip()
    missing = SIGNATURE_MISSING if name.startswith("Signature-") else CERT_URL_MISSING
    raise VerificationError(missing, f"the {name} header is missing")


def _signature(raw: str) -> bytes:
    """Decode the Signature-256 header strictly: garbage is refused, not half-read, and so is
    anything that cannot be an RSA signature by its length, before any download is made."""
    try:
        signature = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError(SIGNATURE_MALFORMED, "Signature-256 is not base64") from error
    if len(signature) not in RSA_SIGNATURE_BYTES:
        detail = f"Signature-256 is {len(signature)} bytes, no RSA signature's length"
        raise VerificationError(SIGNATURE_MALFORMED, detail)
    return signature


def _field(data: Any, *path: str) -> Any:
    """Walk nested objects, giving None where a step is missing or is not an object."""
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _envelope(body: Any) -> dict[str, Any]:
    """The request envelope as a dict, from raw bytes or from JSON the caller already parsed."""
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else body
    except (ValueError, RecursionError) as error:
        raise VerificationError(NOT_AN_ALEXA_REQUEST, "the body is not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        raise VerificationError(NOT_AN_ALEXA_REQUEST, "the body is not a request envelope")
    return data


def _timestamp(data: Mapping[str, Any]) -> datetime:
    """request.timestamp as an aware datetime, in any form Alexa has sent: ISO 8601 (usually
    ending in Z), or epoch seconds or milliseconds (some requests, such as AudioPlayer and
    SessionEnded events, have carried a number)."""
    raw = _field(data, "request", "timestamp")
    if raw is None or raw == "":
        raise VerificationError(TIMESTAMP_MISSING, "the request has no timestamp")
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _from_epoch(raw)
    if not isinstance(raw, str):
        raise VerificationError(TIMESTAMP_INVALID, f"the timestamp is a {type(raw).__name__}")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as error:
        raise VerificationError(TIMESTAMP_INVALID, f"not a date: {raw[:40]!r}") from error
    return _utc(moment)


def _from_epoch(value: float) -> datetime:
    seconds = value / 1000 if abs(value) >= _EPOCH_MILLISECONDS_FROM else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise VerificationError(TIMESTAMP_INVALID, f"epoch {value!r} is out of range") from error


def _application_id(data: Mapping[str, Any]) -> str:
    """The skill the request is for; context.System is present on every request, session only
    on some, so it is asked first."""
    for path in (("context", "System"), ("session",)):
        found = _field(data, *path, "application", "applicationId")
        if isinstance(found, str) and found:
            return found
    raise VerificationError(UNKNOWN_SKILL, "the request does not say which skill it is for")


def _names_echo_api(leaf: x509.Certificate) -> bool:
    """Checked apart from the chain so that a wrong name gets its own clear reason."""
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    except _BAD_EXTENSIONS as error:
        detail = "the signing certificate has unreadable extensions"
        raise VerificationError(CERT_NOT_VALID, detail) from error
    return ECHO_API_NAME in names.get_values_for_type(x509.DNSName)


def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    """Signature-256 is RSA PKCS#1 v1.5 over SHA-256 of the raw body bytes."""
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError(CERT_NOT_VALID, "the signing certificate holds no RSA key")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError) as error:
        raise VerificationError(SIGNATURE_MISMATCH, "Signature-256 does not match") from error


class RequestVerifier:
    """Checks requests; the certificate chain of each URL is cached until its first certificate
    expires (normally the leaf), so S3 is asked about once a year, not once a request."""

    def __init__(
        self,
        skill_ids: Collection[str],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        fetch: Callable[[str], bytes] = fetch_url,
        trust_roots: Sequence[x509.Certificate] | None = None,
        max_skew: timedelta = MAX_SKEW,
    ) -> None:
        if trust_roots is not None and not trust_roots:
            raise ValueError("trust_roots is empty: give at least one root, or None for certifi")
        self.skill_ids = frozenset(skill_ids)
        self.clock = clock
        self.fetcher = CertFetcher(fetch)
        self.max_skew = max_skew
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self._cache: dict[str, tuple[x509.Certificate, datetime]] = {}
        self._lock = threading.Lock()

    def verify(self, headers: HeaderItems, body: bytes, parsed: Any = None) -> None:
        """Raise VerificationError unless the request is verifiably from Alexa for our skill.
        `parsed` is the body already decoded from JSON, when the caller has it."""
        if not self.skill_ids:
            detail = "no skill id is configured (set BACKSTRETCH_SKILL_IDS)"
            raise VerificationError(NO_SKILL_CONFIGURED, detail)
        url = validate_cert_url(_header(headers, "SignatureCertChainUrl"))
        signature = _signature(_header(headers, "Signature-256"))
        now = _utc(self.clock())
        _check_signature(self._leaf(url, now), signature, body)
        data = _envelope(body if parsed is None else parsed)
        self._check_fresh(_timestamp(data), now)
        skill = _application_id(data)
        if skill not in self.skill_ids:
            raise VerificationError(UNKNOWN_SKILL, f"the request is for {skill[:80]!r}")

    def _check_fresh(self, moment: datetime, now: datetime) -> None:
        """Old requests are replays; ones from the future come from a wrong clock or a forger."""
        limit = int(self.max_skew.total_seconds())
        if now - moment > self.max_skew:
            detail = f"{moment.isoformat()} is more than {limit} s before {now.isoformat()}"
            raise VerificationError(TIMESTAMP_TOO_OLD, detail)
        if moment - now > self.max_skew:
            detail = f"{moment.isoformat()} is more than {limit} s after {now.isoformat()}"
            raise VerificationError(TIMESTAMP_IN_FUTURE, detail)

    def _leaf(self, url: str, now: datetime) -> x509.Certificate:
        """The validated leaf for `url`, from the cache while its chain is still in date."""
        with self._lock:
            cached = self._cache.get(url)
        if cached and now < cached[1]:
            return cached[0]
        chain = self._validated_chain(url, now)
        expires = min(cert.not_valid_after_utc for cert in chain)
        with self._lock:
            self._cache = {u: c for u, c in self._cache.items() if now < c[1]}
            self._cache[url] = (chain[0], expires)
        return chain[0]

    def _validated_chain(self, url: str, now: datetime) -> list[x509.Certificate]:
        """Fetch and check the chain at `url`: in date, up to a trusted root, for echo-api."""
        chain = self._fetch_chain(url)
        leaf, intermediates = chain[0], chain[1:]
        if not _names_echo_api(leaf):
            detail = f"the signing certificate is not for {ECHO_API_NAME}"
            raise VerificationError(CERT_NOT_VALID, detail)
        verifier = (
            PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_NAME))
        )
        try:
            verifier.verify(leaf, intermediates)
        except ChainError as error:
            detail = f"the signing certificate is not valid: {error}"
            raise VerificationError(CERT_NOT_VALID, detail) from error
        return chain

    def _fetch_chain(self, url: str) -> list[x509.Certificate]:
        """Download and parse the PEM chain; any failure is the request's, never a crash."""
        try:
            pem = self.fetcher.get(url)
        except FetchError as error:  # timeouts, DNS, HTTP errors, TLS: all mean "cannot verify"
            raise VerificationError(CERT_UNAVAILABLE, str(error)) from error
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except (ValueError, TypeError) as error:
            raise VerificationError(CERT_NOT_VALID, "the chain is not PEM") from error
        return chain

    def _trust_store(self) -> Store:
        """Built once: reading certifi's bundle costs milliseconds, a cache miss should not."""
        if self._store is None:
            roots = self._roots if self._roots is not None else default_trust_roots()
            self._store = Store(roots)
        return self._store
