"""Test classes and their bases in an integration directory.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: integration tests get real services from their base
- Strategic Impact: trustworthy integration coverage
"""
import unittest

import test_framework
from rules.legacy_helpers import BaseIntegrationTest as LegacyBase
from rules.legacy_helpers import ServiceMixin
from test_framework.base import BaseTestCase
from test_framework.base_e2e_test import BaseE2ETest
from test_framework.base_integration_test import BaseIntegrationTest
from test_framework.ssot.base_test_case import SSotBaseTestCase
from unknown_plugin.bases import PluginBase


class TestOnUnittest(unittest.TestCase):  # expect: TA501
    def test_one(self):
        self.assertEqual(1 + 1, 2)


class TestOnLegacyBase(BaseTestCase):  # expect: TA501
    def test_one(self):
        assert True is not False


class TestSameNameDifferentClass(LegacyBase):  # expect: TA501
    def test_one(self):
        assert 2 > 1


class TestMixinOnly(ServiceMixin):
    """Only plain project classes in its ancestry: a plain pytest class (require-base is off)."""

    def test_one(self):
        assert 3 > 2




class TestOnE2EBase(BaseE2ETest):  # expect: TA501
    def test_one(self):
        assert 4 > 3


# compliant look-alikes
class TestApproved(BaseIntegrationTest):
    def test_one(self):
        assert 5 > 4


class TestApprovedViaPackageReexport(test_framework.BaseIntegrationTest):
    def test_one(self):
        assert 6 > 5


class TestSsot(SSotBaseTestCase):
    def test_one(self):
        assert 7 > 6


class TestForbiddenMixedWithApproved(BaseIntegrationTest, unittest.TestCase):
    def test_one(self):
        assert 8 > 7


class TestPlainPytestClass:
    def test_one(self):
        assert 9 > 8


class TestExtendsPlainTestClass(TestPlainPytestClass):
    def test_two(self):
        assert 9 > 7


class TestUnresolvableBaseIsNotGuessed(PluginBase):
    def test_one(self):
        assert 10 > 9


class HelperNotATest(unittest.TestCase):
    """Holds no test methods and is not named Test*: not a test class."""

    def helper(self):
        return 1
