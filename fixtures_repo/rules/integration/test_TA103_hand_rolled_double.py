"""Hand-rolled doubles in integration tests.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests talk to real Redis
- Strategic Impact: cache bugs are caught before release
"""
from unittest.mock import MagicMock

from rules.doubles import FakeClock  # expect: TA103
from rules.doubles import StubMailer  # imported but never used: not reported
from rules.helpers import make_user


class FakeRedis:  # expect: TA103
    def get(self, key):
        return None


class WebSocketMock:  # expect: TA103
    async def send(self, data):
        return data


class MockingbirdConfig:
    """Not a double: `Mockingbird` does not match `^Mock[A-Z_]`."""

    name = "mockingbird"


class FakeNews:  # expect: TA103
    pass


class Mock:  # expect: TA103
    """Named like the library's class, but written here: a hand-rolled double."""

    def send(self, data):
        return data


class Mocha:
    """Not a double: a name that only starts like one."""


def test_cache_miss():
    redis = FakeRedis()
    assert redis.get("k") is None
    assert FakeClock().now() > 0
    assert make_user("m")
    assert MockingbirdConfig.name
    assert Mock().send("x") == "x" and Mocha.__doc__


def test_library_double_is_ta101_not_ta103():
    assert MagicMock() is not None  # expect: TA101
