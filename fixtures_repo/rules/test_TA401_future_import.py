from __future__ import annotations  # expect: TA401

"""Settlement rounding: not the module docstring, and no justification header either."""

from decimal import Decimal


def test_rounds_half_even():
    assert round(Decimal("2.5")) == 2
