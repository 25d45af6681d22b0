"""Tests under `e2e/integration/`: both directories name a category.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a marker that agrees with one of its directories is not a contradiction
- Strategic Impact: only real misfilings are reported
"""
import pytest

from rules.helpers import make_user


@pytest.mark.e2e
def test_marked_like_the_outer_directory():
    assert make_user("a").name == "a"


@pytest.mark.integration
def test_marked_like_the_inner_directory():
    assert make_user("b").name == "b"


@pytest.mark.unit
def test_marked_like_neither():  # expect: TA804
    assert make_user("c").name == "c"
