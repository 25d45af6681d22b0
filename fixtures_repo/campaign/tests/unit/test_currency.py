"""Currency arithmetic of the billing models.

Business Value Justification (BVJ):
- Segment: Free, Early, Mid, Enterprise
- Business Goal: Stability
- Value Impact: amounts are computed in integer cents, never floats
- Strategic Impact: a rounding error on an invoice costs trust
"""
import pytest

from campaign.billing.models import Invoice, total_cents


@pytest.mark.unit
def test_total_of_nothing_is_zero():
    assert total_cents([]) == 0


@pytest.mark.unit
def test_total_of_one():
    assert total_cents([Invoice("a", 5)]) == 5


@pytest.mark.unit
def test_total_of_many():
    assert total_cents([Invoice("a", 5), Invoice("b", 6)]) == 11
