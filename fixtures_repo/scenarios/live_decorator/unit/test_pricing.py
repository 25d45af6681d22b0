"""Pricing rules, in the unit tree.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Conversion
- Value Impact: prices shown match prices charged
- Strategic Impact: no refunds for rounding errors
"""
from unittest.mock import MagicMock

from scenarios.live_decorator.support import requires_live_stack, retried


@requires_live_stack
def test_price_against_the_stack():  # expect: TA804
    assert round(2.5) == 2


@retried(2)
def test_discount_with_a_stub():
    catalogue = MagicMock(return_value=10)
    assert catalogue() == 10
