"""A different class that is also called BaseIntegrationTest: same name, not the approved base."""
import unittest


class BaseIntegrationTest(unittest.TestCase):
    """Not test_framework.base_integration_test.BaseIntegrationTest."""


class ServiceMixin:
    """A plain mixin with no test-framework base."""
