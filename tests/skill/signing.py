"""Certificates and signatures for verification tests: roots, intermediates, odd leaves.

Builds on `skill.testing` (its clock reading NOW, certificate URL and cached RSA keys), adding
what the verifier's own tests need: intermediates, leaves with chosen names, keys and usages,
unreadable extensions, a `Signer` that turns a body into Alexa's two headers, request bodies,
a clock the test moves and a stand-in for S3 that counts downloads.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from skill.testing import CERT_URL, NOW
from skill.testing import key as rsa_key

ECHO_API = "echo-api.amazon.com"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class Issued:
    """A certificate with the private key it certifies (to sign bodies or other certificates)."""

    cert: x509.Certificate
    key: PrivateKey


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca_usage() -> x509.KeyUsage:
    """keyCertSign and cRLSign, which the WebPKI policy asks of every CA."""
    return x509.KeyUsage(False, False, False, False, False, True, True, False, False)


def _leaf_usage() -> x509.KeyUsage:
    """digitalSignature and keyEncipherment, as on Amazon's echo-api certificate."""
    return x509.KeyUsage(True, False, True, False, False, False, False, False, False)


def _ca_leaf_usage() -> x509.KeyUsage:
    """digitalSignature with keyCertSign: what a CA that also signs requests would carry."""
    return x509.KeyUsage(True, False, False, False, False, True, True, False, False)


def make_ca(
    name: str = "Test Root CA",
    *,
    issuer: Issued | None = None,
    key_number: int = 1,
    not_before: datetime = NOW - timedelta(days=365),
    not_after: datetime = NOW + timedelta(days=3650),
) -> Issued:
    """A root (self-signed) or, given an issuer, an intermediate CA signed by it."""
    private = rsa_key(key_number)
    signer = issuer.key if issuer else private
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.cert.subject if issuer else _name(name))
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(private.public_key()), critical=False
        )
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    return Issued(builder.sign(signer, hashes.SHA256()), private)


@dataclass(frozen=True)
class LeafSpec:
    """How a leaf differs from a good echo-api certificate (the defaults are a good one)."""

    names: Sequence[str] = (ECHO_API,)
    not_before: datetime = NOW - timedelta(days=1)
    not_after: datetime = NOW + timedelta(days=30)
    key: PrivateKey = field(default_factory=lambda: rsa_key(2))
    usages: Sequence[x509.ObjectIdentifier] = (ExtendedKeyUsageOID.SERVER_AUTH,)
    raw_san: bytes | None = None  # DER to put in place of the SAN, e.g. something unreadable
    ca: bool = False  # mark the leaf as a CA (with keyCertSign), which no end entity may be


def make_leaf(ca: Issued, spec: LeafSpec | None = None) -> Issued:
    """An end-entity certificate signed by `ca`, as `spec` says."""
    spec = spec or LeafSpec()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(spec.names[0] if spec.names else "no name"))
        .issuer_name(ca.cert.subject)
        .public_key(spec.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
        .add_extension(x509.BasicConstraints(ca=spec.ca, path_length=None), critical=True)
        .add_extension(_ca_leaf_usage() if spec.ca else _leaf_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage(list(spec.usages)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    if spec.raw_san is not None:
        san = x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, spec.raw_san)
        builder = builder.add_extension(san, critical=False)
    elif spec.names:
        dns = [x509.DNSName(name) for name in spec.names]
        builder = builder.add_extension(x509.SubjectAlternativeName(dns), critical=False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), spec.key)


def pem(*certs: x509.Certificate) -> bytes:
    """A PEM chain, leaf first, as Amazon serves it."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def sign(body: bytes, key: PrivateKey) -> str:
    """The Signature-256 value: base64 of RSA PKCS#1 v1.5 over SHA-256 of the body (an EC key
    signs with ECDSA, to show that the verifier refuses such leaves)."""
    if not isinstance(key, rsa.RSAPrivateKey):
        return base64.b64encode(key.sign(body, ec.ECDSA(hashes.SHA256()))).decode()
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


@dataclass(frozen=True)
class Signer:
    """Signs bodies as Alexa would, pointing at the chain served at `url`."""

    key: PrivateKey
    url: str = CERT_URL

    def headers(self, body: bytes) -> dict[str, str]:
        return {"SignatureCertChainUrl": self.url, "Signature-256": sign(body, self.key)}


SKILL_ID = "amzn1.ask.skill.test"


def alexa_time(moment: datetime) -> str:
    """A timestamp as Alexa writes it: ISO 8601 in UTC, ending with Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def request_body(moment: datetime = NOW, skill_id: str = SKILL_ID) -> bytes:
    """A minimal LaunchRequest envelope for `skill_id`, sent at `moment`."""
    return (
        '{"version": "1.0", '
        f'"context": {{"System": {{"application": {{"applicationId": "{skill_id}"}}}}}}, '
        f'"request": {{"type": "LaunchRequest", "timestamp": "{alexa_time(moment)}"}}}}'
    ).encode()


class Clock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ChainServer:
    """Stands in for S3: serves PEM bytes (or raises) by URL and remembers every download."""

    def __init__(self) -> None:
        self.files: dict[str, bytes | Exception] = {}
        self.fetched: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        served = self.files.get(url, FileNotFoundError(f"404 for {url}"))
        if isinstance(served, Exception):
            raise served
        return served
