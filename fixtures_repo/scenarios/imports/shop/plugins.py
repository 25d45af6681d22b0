"""Re-exports a third-party plugin API: which names that brings is not ours to know."""
from shop_plugin_sdk import *  # noqa: F403
