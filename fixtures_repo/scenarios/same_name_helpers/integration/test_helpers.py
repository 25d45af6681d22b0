"""Helpers with the same name in two modules: only the mocking one is reported.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""
import scenarios.same_name_helpers.mocking_helpers as mh
from scenarios.same_name_helpers import wrapped
from scenarios.same_name_helpers.mocking_helpers import FakeGatewayFactory  # expect: TA103
from scenarios.same_name_helpers.mocking_helpers import LazyGateway
from scenarios.same_name_helpers.mocking_helpers import make_client as build_double
from scenarios.same_name_helpers.real_helpers import make_client


def test_real_helper():
    assert make_client()["kind"] == "real"


def test_aliased_mocking_helper():  # expect: TA102
    assert build_double() is not None


def test_module_alias():  # expect: TA102
    assert mh.make_client() is not None


def test_reexported_helper_through_another_helper():  # expect: TA102
    assert wrapped() is not None


def test_instantiates_mocking_class():  # expect: TA102
    assert FakeGatewayFactory() is not None


def test_instantiates_class_that_mocks_only_later():
    assert LazyGateway() is not None
