"""Ledger postings."""  # expect: TA401
import pytest

from campaign.billing.models import Invoice, LedgerEntry


@pytest.mark.integration
def test_posting_marks_the_entry():
    entry = LedgerEntry(Invoice("INV-5", 3), posted=True)
    assert entry.posted


def test_entry_keeps_its_invoice():
    assert LedgerEntry(Invoice("INV-6", 4)).invoice.cents == 4


# def test_reversal_restores_the_balance():  # expect: TA601
#     entry = LedgerEntry(Invoice("INV-7", 8), posted=True)
#     assert entry.reverse().posted is False
