"""A clean nearer fixture hides the parent's mock; one requesting its own name does not.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""
import pytest


def test_uses_real_database(database):
    assert database.name == "real.db"


def test_uses_extended_client(client):  # expect: TA102
    assert client is not None


@pytest.mark.parametrize("client", ["literal"])
def test_parametrize_shadows_the_fixture(client):
    assert client == "literal"
