"""Approved base for integration tests."""
from test_framework.ssot.base_test_case import SSotAsyncTestCase


class BaseIntegrationTest(SSotAsyncTestCase):
    """Connects to real services."""
