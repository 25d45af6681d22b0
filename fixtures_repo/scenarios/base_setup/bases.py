"""A base class whose setUp patches, and a clean one."""
from unittest.mock import patch

from test_framework.base_integration_test import BaseIntegrationTest


class PatchedServiceTest(BaseIntegrationTest):
    def setUp(self):
        self.patcher = patch("app.services.billing.BillingClient")
        self.patcher.start()


class CleanServiceTest(BaseIntegrationTest):
    def setUp(self):
        self.ready = True
