"""Checkout integration tests whose imports pytest would have to resolve at collection.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a test module that cannot be imported never runs
- Strategic Impact: collection errors are found before CI runs
"""
import pytest
import requests
from fastapi.testclient import TestClient

import scenarios.imports.shop.pricing
import scenarios.imports.shop.shipping  # expect: TA202
from scenarios.imports.shop import Purchase, legacy_total, discount, models, reports
from scenarios.imports.shop import Customer  # expect: TA202
from scenarios.imports.shop import __path__ as shop_path, __name__ as shop_name  # a package has both
from scenarios.imports.shop.models import __file__ as models_file
from scenarios.imports.shop.models import __path__ as models_path  # expect: TA202
from scenarios.imports.shop.lazy import anything_at_all
from checkout_helpers import make_order  # beside this module: pytest puts the directory on sys.path
from scenarios.imports.shop.aliases.prices import price_of  # registered in sys.modules by `aliases`
from scenarios.imports.shop.pricing.rates import vat  # expect: TA202
from scenarios.imports.shop.models import (
    CURRENCY, DEFAULT_LIMIT, FEES, LAST_STATUS, LIMIT, RATE, REGISTRY, Order, PriceTable, dumps,
)
from scenarios.imports.shop.models import (
    Order as PlacedOrder,
    Invoice,  # expect: TA202
)
from scenarios.imports.shop.models import User  # expect: TA202
from scenarios.imports.shop.payments import charge, refund_payment  # expect: TA202
from scenarios.imports.shop.plugins import PluginBase
from scenarios.imports.shop.registry import card_gateway
from scenarios.imports.shop.reports import daily
from scenarios.imports.shop.reports import weekly  # expect: TA202
from scenarios.imports.shop.reports.daily import daily_summary
from test_framework.base_integration_test import BaseIntegrationTest

try:
    from scenarios.imports.shop.models import FastOrder
except ImportError:
    FastOrder = None


class TestCheckout(BaseIntegrationTest):
    def test_order_total(self):
        assert Order().total() == 0

    def test_removed_module_stays_removed(self):
        with pytest.raises(ImportError):
            from scenarios.imports.shop.legacy_checkout import checkout

            assert checkout

    def test_refund(self):
        from scenarios.imports.shop.models import Refund  # expect: TA202

        assert Refund
