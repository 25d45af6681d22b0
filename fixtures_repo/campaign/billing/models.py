"""Billing records the campaign's tests exercise (a report claims an import of them was fixed)."""
from dataclasses import dataclass


@dataclass
class Invoice:
    number: str
    cents: int


@dataclass
class LedgerEntry:
    invoice: Invoice
    posted: bool = False


def total_cents(invoices):
    return sum(invoice.cents for invoice in invoices)
