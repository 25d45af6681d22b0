"""Approved base for e2e tests."""
from test_framework.ssot.base_test_case import SSotAsyncTestCase


class BaseE2ETest(SSotAsyncTestCase):
    """Runs against a deployed stack."""
