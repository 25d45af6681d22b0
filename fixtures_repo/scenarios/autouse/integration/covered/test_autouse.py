"""Tests under an autouse mock.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""


def test_first():  # expect: TA102
    assert 1 + 1 == 2


def test_second():  # expect: TA102
    assert 2 + 2 == 4
