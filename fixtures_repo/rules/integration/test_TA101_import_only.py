"""An integration module that imports a mocking library but uses nothing from it here.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: a stray import signals mock-based habits
- Strategic Impact: keeps integration suites honest
"""
from unittest.mock import MagicMock  # expect: TA101

from rules.helpers import make_user


def test_real_user():
    assert make_user("z").name == "z"
    assert MagicMock is not None
