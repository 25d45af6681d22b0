"""Invoice export to the accounting system.

Business Value Justification (BVJ):
- Segment: Mid
- Business Goal: Expansion
- Value Impact: finance teams get invoices without re-keying them
- Strategic Impact: exports are a paid add-on
"""
from unittest.mock import MagicMock

import pytest

from campaign.billing.models import Invoice
from test_framework.base_integration_test import BaseIntegrationTest


@pytest.mark.integration
class TestInvoiceExport(BaseIntegrationTest):
    def test_exports_one_row_per_invoice(self):
        exporter = MagicMock()  # expect: TA101
        exporter.rows.return_value = [Invoice("INV-9", 10)]
        assert len(exporter.rows()) == 1

    def test_export_keeps_the_number(self):
        assert Invoice("INV-9", 10).number == "INV-9"

    def test_export_keeps_the_amount(self):
        assert Invoice("INV-9", 10).cents == 10
