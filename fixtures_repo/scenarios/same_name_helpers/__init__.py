"""Re-exports: `from scenarios.same_name_helpers import wrapped` reaches the mocking helper."""
from scenarios.same_name_helpers.mocking_helpers import make_wrapped_client as wrapped

__all__ = ["wrapped"]
