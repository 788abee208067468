"""Fixtures of the sign-in security tests."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client_for():
    """An API client signed in as `user`."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make
