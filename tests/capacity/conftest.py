import pytest


@pytest.fixture
def counts():
    """A training's counts: 12 participants, 7 women, 4 men, 1 unknown."""
    return {
        "government": {"F": 3, "M": 2},
        "health_staff": {"F": 4, "M": 1, "unknown": 1},
        "iom": {"M": 1},
    }


@pytest.fixture
def client_for():
    """An API client signed in as `user` (None: anonymous)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make
