import pytest


@pytest.fixture
def counts():
    """A training's counts: 12 participants, 7 women, 4 men, 1 unknown."""
    return {
        "government": {"F": 3, "M": 2},
        "health_staff": {"F": 4, "M": 1, "unknown": 1},
        "iom": {"M": 1},
    }
