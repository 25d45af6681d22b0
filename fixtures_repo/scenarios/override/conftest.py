"""Parent definitions: both mock."""
from unittest.mock import MagicMock

import pytest


@pytest.fixture
def database():
    return MagicMock(name="db")


@pytest.fixture
def client():
    return MagicMock(name="client")
