"""Checkout against the live stack, marked by the team's own decorator, not by its directory.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Conversion
- Value Impact: a customer can pay through the deployed stack
- Strategic Impact: a green run means checkout works end to end
"""
from unittest.mock import MagicMock

from scenarios.live_decorator import support
from scenarios.live_decorator.support import requires_live_stack, retried


@requires_live_stack
def test_checkout_with_a_stub_gateway():
    gateway = MagicMock()  # expect: TA101
    assert gateway.charge(100)


@support.requires_live_stack
class TestRefunds:
    def test_refund_with_a_stub_ledger(self):
        ledger = MagicMock()  # expect: TA101
        assert ledger.refund(1)


@retried(3)
def test_price_rounding_with_a_stub():
    # not e2e: `retried` names no category, and neither does the directory
    rounding = MagicMock(return_value=2)
    assert rounding(1.5) == 2
