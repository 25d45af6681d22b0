"""Markers that contradict the `integration/` directory, and ones that agree with it.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: `pytest -m integration` selects exactly the integration tests
- Strategic Impact: the no-mocks policy reaches every real-service test
"""
import pytest

from rules.helpers import make_user


@pytest.mark.unit
def test_user_roundtrip_marked_unit():  # expect: TA804
    assert make_user("a").name == "a"


@pytest.mark.integration
@pytest.mark.slow
def test_user_roundtrip_marked_integration():
    assert make_user("b").name == "b"


@pytest.mark.asyncio
async def test_user_roundtrip_unmarked():
    assert make_user("c").name == "c"


@pytest.mark.e2e
class TestSignupJourney:
    def test_signup(self):  # expect: TA804
        assert make_user("d").name == "d"
