"""A clean-looking fixture that requests the mocking one."""
import pytest


@pytest.fixture
def session(auth_client):
    return {"client": auth_client}
