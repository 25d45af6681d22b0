"""Category from markers: the module is not in an integration directory.

Business Value Justification (BVJ):
- Segment: Mid
- Business Goal: Expansion
- Value Impact: marked integration tests follow integration rules
- Strategic Impact: consistent policy
"""
from unittest.mock import MagicMock

import pytest

from rules.helpers import make_user


@pytest.mark.integration
def test_marked_integration():
    assert MagicMock() is not None  # expect: TA101


@pytest.mark.unit
def test_marked_unit():
    assert MagicMock() is not None


def test_uncategorized():
    assert make_user("q") and MagicMock() is not None
