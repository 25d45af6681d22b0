"""A sibling directory: the autouse fixture is not in scope here.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""


def test_sibling():
    assert 3 + 3 == 6
