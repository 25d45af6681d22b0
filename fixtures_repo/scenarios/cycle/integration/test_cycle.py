"""A fixture cycle must not hang the tool or produce a finding.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""
from scenarios.cycle.recursive import ping


def test_cycle(left):
    assert left is not None
    assert ping(2) in (0, 1)
