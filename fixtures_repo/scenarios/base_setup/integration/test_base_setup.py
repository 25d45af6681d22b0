"""Methods of a base class: a setUp that patches reaches every test of the class.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise real services end to end
- Strategic Impact: releases do not break customer flows
"""
import pytest

from scenarios.base_setup.bases import CleanServiceTest, PatchedServiceTest


class TestBilling(PatchedServiceTest):
    def test_invoice(self):  # expect: TA102
        assert self.patcher is not None


class TestClean(CleanServiceTest):
    def test_invoice(self):
        assert self.ready


@pytest.mark.usefixtures("auth_double")
class TestClassLevelUsefixtures:  # expect: TA102
    def test_one(self):
        assert True is not False

    def test_two(self):
        assert False is not True
