"""Verifying that a request really comes from Alexa, built on `cryptography`.

Amazon's rules for skills hosted as web services: the signing certificate's URL must point at
Amazon's bucket, the chain must validate to a trusted root for echo-api.amazon.com, the body must be
signed by it (Signature-256), the timestamp must be fresh and the skill id ours. (flask-ask-sdk and
ask-sdk-webservice-support do this too, but fail to import on OpenSSL 3.0.10 and newer.)

Whatever a caller sends, the only exception that leaves `RequestVerifier.verify` is
`VerificationError`, whose reason is short English fit for a JSON 400 answer.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re
import threading
import urllib.request
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

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
ECHO_API_NAME = "echo-api.amazon.com"
MAX_SKEW = timedelta(seconds=150)
FETCH_TIMEOUT = 5.0
MAX_CHAIN_BYTES = 256 * 1024  # Amazon's chain is about 6 KB; more is not a certificate chain

_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)

# What `cryptography` raises for a certificate whose extensions it cannot parse.
_BAD_EXTENSIONS = (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType)


class HeaderItems(Protocol):
    """Request headers as a web framework holds them: a dict, or werkzeug's Headers (which is
    no Mapping, and may repeat a name)."""

    def items(self) -> Iterable[tuple[str, str]]: ...


class VerificationError(Exception):
    """The request is not verifiably from Alexa; `reason` says why, for a 400 answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def validate_cert_url(url: str) -> str:
    """Apply the SignatureCertChainUrl rules; return the URL to fetch, rebuilt from the checked
    parts only (no user info, query or fragment can ride along), or raise VerificationError."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a bad port or a broken [IPv6] host
        raise VerificationError("the certificate URL is not a valid URL") from error
    if parts.scheme.lower() != "https":
        raise VerificationError("the certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationError(f"the certificate URL must be on {CERT_HOST}")
    if port not in (None, 443):
        raise VerificationError("the certificate URL must use port 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationError(f"the certificate URL path must start with {CERT_PATH_PREFIX}")
    return f"https://{CERT_HOST}{path}"


def fetch_url(url: str, timeout: float = FETCH_TIMEOUT) -> bytes:
    """Download a certificate chain; the timeout keeps a slow S3 from holding a request past
    Alexa's 8 s deadline, and the size cap keeps a wrong URL from filling memory."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        chain: bytes = response.read(MAX_CHAIN_BYTES)
    return chain


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
    raise VerificationError(f"the {name} header is missing")


def _signature(raw: str) -> bytes:
    """Decode the Signature-256 header strictly: garbage is refused, not half-read."""
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("the Signature-256 header is not base64") from error


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
        raise VerificationError("the request body is not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        raise VerificationError("the body is not an Alexa request envelope")
    return data


def _timestamp(data: Mapping[str, Any]) -> datetime:
    """request.timestamp as an aware datetime (ISO 8601; Alexa ends it with Z)."""
    raw = _field(data, "request", "timestamp")
    if not isinstance(raw, str) or not raw:
        raise VerificationError("the request has no timestamp")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as error:
        raise VerificationError("the request timestamp is not a valid date") from error
    return _utc(moment)


def _application_id(data: Mapping[str, Any]) -> str:
    """The skill the request is for; context.System is present on every request, session only
    on some, so it is asked first."""
    for path in (("context", "System"), ("session",)):
        found = _field(data, *path, "application", "applicationId")
        if isinstance(found, str) and found:
            return found
    raise VerificationError("the request does not say which skill it is for")


def _names_echo_api(leaf: x509.Certificate) -> bool:
    """Checked apart from the chain so that a wrong name gets its own clear reason."""
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    except _BAD_EXTENSIONS as error:
        raise VerificationError("the signing certificate has unreadable extensions") from error
    return ECHO_API_NAME in names.get_values_for_type(x509.DNSName)


def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    """Signature-256 is RSA PKCS#1 v1.5 over SHA-256 of the raw body bytes."""
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("the signing certificate does not hold an RSA key")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("the signature does not match the request body") from error


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
        self.fetch = fetch
        self.max_skew = max_skew
        self._roots = list(trust_roots) if trust_roots is not None else None
        self._store: Store | None = None
        self._cache: dict[str, tuple[x509.Certificate, datetime]] = {}
        self._lock = threading.Lock()

    def verify(self, headers: HeaderItems, body: bytes, parsed: Any = None) -> None:
        """Raise VerificationError unless the request is verifiably from Alexa for our skill.
        `parsed` is the body already decoded from JSON, when the caller has it."""
        if not self.skill_ids:
            raise VerificationError("no skill id is configured (set BACKSTRETCH_SKILL_IDS)")
        url = validate_cert_url(_header(headers, "SignatureCertChainUrl"))
        signature = _signature(_header(headers, "Signature-256"))
        now = _utc(self.clock())
        _check_signature(self._leaf(url, now), signature, body)
        data = _envelope(body if parsed is None else parsed)
        self._check_fresh(_timestamp(data), now)
        if _application_id(data) not in self.skill_ids:
            raise VerificationError("the request is for another skill")

    def _check_fresh(self, moment: datetime, now: datetime) -> None:
        """Old requests are replays; ones from the future come from a wrong clock or a forger."""
        limit = int(self.max_skew.total_seconds())
        if now - moment > self.max_skew:
            raise VerificationError(f"the request timestamp is more than {limit} seconds old")
        if moment - now > self.max_skew:
            raise VerificationError(
                f"the request timestamp is more than {limit} seconds in the future"
            )

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
            raise VerificationError(f"the signing certificate is not for {ECHO_API_NAME}")
        verifier = (
            PolicyBuilder()
            .store(self._trust_store())
            .time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_NAME))
        )
        try:
            verifier.verify(leaf, intermediates)
        except ChainError as error:
            raise VerificationError(f"the signing certificate is not valid: {error}") from error
        return chain

    def _fetch_chain(self, url: str) -> list[x509.Certificate]:
        """Download and parse the PEM chain; any failure is the request's, never a crash."""
        try:
            pem = self.fetch(url)
        except Exception as error:  # timeouts, DNS, HTTP errors, TLS: all mean "cannot verify"
            raise VerificationError(
                f"the signing certificate could not be fetched ({error})"
            ) from error
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except (ValueError, TypeError) as error:
            raise VerificationError("the signing certificate is not a PEM chain") from error
        return chain

    def _trust_store(self) -> Store:
        """Built once: reading certifi's bundle costs milliseconds, a cache miss should not."""
        if self._store is None:
            roots = self._roots if self._roots is not None else default_trust_roots()
            self._store = Store(roots)
        return self._store
