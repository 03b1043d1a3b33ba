import pytest
from engine_talk import Talk


@pytest.fixture
def talk() -> Talk:
    return Talk()
