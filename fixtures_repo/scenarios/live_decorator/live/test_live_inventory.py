"""Inventory against the live stack: the whole module carries the team's decorator.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: stock levels shown to buyers are the warehouse's
- Strategic Impact: a green run means no overselling
"""
from unittest import mock

from scenarios.live_decorator.support import requires_live_stack

pytestmark = [requires_live_stack]


def test_stock_with_a_stub_warehouse():
    warehouse = mock.Mock()  # expect: TA101
    assert warehouse.count("sku") is not None
