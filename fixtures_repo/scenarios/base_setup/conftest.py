"""A mocking fixture requested by class-level usefixtures."""
from unittest.mock import MagicMock

import pytest


@pytest.fixture
def auth_double():
    return MagicMock()
