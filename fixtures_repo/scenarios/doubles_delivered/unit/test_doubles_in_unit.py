"""Unit tests may use doubles from fixtures and helpers.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: fast checks of the cache wrapper
- Strategic Impact: cache regressions are caught in seconds
"""
from scenarios.doubles_delivered.helpers import make_mailer


def test_cache_hit_in_a_unit_test(redis):
    assert redis.get("user:1") is None


def test_stub_mailer_in_a_unit_test():
    assert make_mailer().send("ops@example.test", "hi")
