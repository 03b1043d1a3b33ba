"""Fixtures for verifying signed requests: a test root, a good echo-api leaf, a fake S3 that
counts its downloads, a clock the test moves, and a verifier wired to all of them."""

from __future__ import annotations

import pytest
from signing import SKILL_ID, ChainServer, Clock, Issued, Signer, make_ca, make_leaf, pem

from skill.testing import CERT_URL
from skill.verify import RequestVerifier


@pytest.fixture(scope="session")
def root() -> Issued:
    return make_ca()


@pytest.fixture(scope="session")
def leaf(root: Issued) -> Issued:
    return make_leaf(root)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(leaf: Issued) -> ChainServer:
    chains = ChainServer()
    chains.files[CERT_URL] = pem(leaf.cert)
    return chains


@pytest.fixture
def signer(leaf: Issued) -> Signer:
    return Signer(leaf.key)


@pytest.fixture
def verifier(root: Issued, clock: Clock, server: ChainServer) -> RequestVerifier:
    return RequestVerifier({SKILL_ID}, clock=clock, fetch=server, trust_roots=[root.cert])
