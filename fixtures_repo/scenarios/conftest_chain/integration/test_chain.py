"""Chains across conftest levels.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""


def test_login(session):  # expect: TA102
    assert session["client"] is not None


def test_direct(auth_client):  # expect: TA102
    assert auth_client is not None


def test_unrelated(tmp_path):
    assert tmp_path.exists()
