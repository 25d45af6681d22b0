"""Test framework bases (the approved ones and a forbidden legacy one)."""
from test_framework.base_integration_test import BaseIntegrationTest

__all__ = ["BaseIntegrationTest"]
