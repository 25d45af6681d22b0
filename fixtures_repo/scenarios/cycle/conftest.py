"""Fixtures that request each other in a cycle, and helpers that recurse: no hang, no finding."""
import pytest

from scenarios.cycle.recursive import ping


@pytest.fixture
def left(right):
    return right


@pytest.fixture
def right(left):
    return ping(3)
