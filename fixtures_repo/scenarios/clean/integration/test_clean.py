"""A clean project: nothing may be reported.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""


def test_service(service_url):
    assert service_url.startswith("http")
