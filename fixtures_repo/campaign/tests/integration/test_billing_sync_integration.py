"""Billing sync against the real ledger database.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: invoices reach the ledger exactly once, so customers are never billed twice
- Strategic Impact: billing accuracy is a contractual obligation
"""
import pytest

from campaign.billing.models import Invoice, LedgerEntry, total_cents
from test_framework.base_integration_test import BaseIntegrationTest


@pytest.mark.integration
class TestBillingSync(BaseIntegrationTest):
    def test_posts_one_entry_per_invoice(self):
        entry = LedgerEntry(Invoice("INV-1", 1200))
        assert entry.invoice.number == "INV-1"

    @pytest.mark.parametrize("cents", [0, 1, 99_999])
    def test_keeps_amounts_exact(self, cents):
        assert Invoice("INV-2", cents).cents == cents

    def test_totals_add_up(self):
        assert total_cents([Invoice("a", 1), Invoice("b", 2)]) == 3

    def test_unposted_by_default(self):
        assert LedgerEntry(Invoice("INV-3", 5)).posted is False


@pytest.mark.integration
class TestBillingRetry(BaseIntegrationTest):
    def test_retry_keeps_the_number(self):
        assert Invoice("INV-4", 7).number == "INV-4"

    def test_retry_keeps_the_amount(self):
        assert Invoice("INV-4", 7).cents == 7
