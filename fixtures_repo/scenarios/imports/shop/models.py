"""Order models, bound in every way a module can bind a name."""
from typing import TYPE_CHECKING

try:
    from ujson import dumps
except ImportError:
    from json import dumps

if TYPE_CHECKING:
    from scenarios.imports.shop.pricing import PriceTable

CURRENCY, (RATE, *FEES) = "EUR", (1.0, 0.1)
DEFAULT_LIMIT: int = 10
LIMIT = DEFAULT_LIMIT
LIMIT += 5
for LAST_STATUS in ("new", "paid"):
    pass


class Order:
    status = "new"

    def total(self):
        return 0


def reset_registry():
    global REGISTRY
    REGISTRY = {}


def encode(order):
    return dumps({"status": order.status})
