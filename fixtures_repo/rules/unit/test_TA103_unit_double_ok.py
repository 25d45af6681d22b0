"""Hand-rolled doubles are fine in unit tests.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Velocity
- Value Impact: fast isolated unit tests
- Strategic Impact: quick feedback
"""


class FakeRedis:
    def get(self, key):
        return None


def test_cache_miss():
    assert FakeRedis().get("k") is None
