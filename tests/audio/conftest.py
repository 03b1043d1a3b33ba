"""The audio tests' fixtures: espeak-ng (the tests are skipped without it) with one render cache
for the whole run, and a new user talking to the real skill."""

from __future__ import annotations

import pytest

from .heard import ESPEAK, Espeak, espeak_available
from .talk import Talk


@pytest.fixture(scope="session")
def espeak(tmp_path_factory: pytest.TempPathFactory) -> Espeak:
    if not espeak_available():
        pytest.skip(
            f"{ESPEAK} is not installed: the audio tests render speech with it "
            "(Debian: apt-get install espeak-ng; .ci/run installs it)"
        )
    return Espeak(tmp_path_factory.mktemp("espeak"))


@pytest.fixture
def talk(monkeypatch: pytest.MonkeyPatch) -> Talk:
    return Talk(monkeypatch)
