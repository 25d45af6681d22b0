"""The shop package: re-exports its public names for `from scenarios.imports.shop import …`."""
from scenarios.imports.shop.models import Order as Purchase
from scenarios.imports.shop.legacy import *  # noqa: F403 - legacy names, re-exported

__all__ = ["Purchase", "legacy_total"]
