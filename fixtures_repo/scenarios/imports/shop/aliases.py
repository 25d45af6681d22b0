"""Old import paths kept alive: the module registers its submodules in `sys.modules`."""
import sys

from scenarios.imports.shop import pricing

sys.modules["scenarios.imports.shop.aliases.prices"] = pricing
