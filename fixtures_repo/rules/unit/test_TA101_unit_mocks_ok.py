"""Mocks in unit tests are allowed by default.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Velocity
- Value Impact: fast isolated unit tests
- Strategic Impact: quick feedback
"""
from unittest.mock import MagicMock, patch

from rules.helpers import make_user


@patch("app.orders.repository.OrderRepository.save")
def test_unit_may_mock(save, mocker):
    assert MagicMock() is not None
    assert make_user("u")
