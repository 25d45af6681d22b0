"""Fixtures shared by the whole scenario: the mock sits two directories up from the tests."""
from unittest.mock import MagicMock

import pytest


@pytest.fixture
def auth_client():
    return MagicMock(name="auth")
