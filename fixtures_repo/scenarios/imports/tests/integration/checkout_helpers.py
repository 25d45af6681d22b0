"""Helpers shared by the checkout tests (a support module: its imports are checked too)."""
from scenarios.imports.shop.models import Order, OrderFactory  # expect: TA202


def make_order():
    return Order()
