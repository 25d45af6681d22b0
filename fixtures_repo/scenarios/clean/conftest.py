"""Clean fixtures only."""
import pytest


@pytest.fixture
def service_url():
    return "http://service.internal"
