"""Test classes in a unit directory: only forbidden bases are reported by default.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: unit tests use the SSOT base
- Strategic Impact: consistent isolation
"""
import unittest

from rules.legacy_helpers import ServiceMixin
from test_framework.base_integration_test import BaseIntegrationTest
from test_framework.ssot.base_test_case import SSotAsyncTestCase


class TestAsyncOnly(unittest.IsolatedAsyncioTestCase):  # expect: TA501
    async def test_one(self):
        assert 1 == 1


class TestUnitOnIntegrationBase(BaseIntegrationTest):  # expect: TA501
    def test_one(self):
        assert 2 == 2


class TestMixinIsFineInUnit(ServiceMixin):
    def test_one(self):
        assert 3 == 3


class TestSsotAsync(SSotAsyncTestCase):
    async def test_one(self):
        assert 4 == 4
