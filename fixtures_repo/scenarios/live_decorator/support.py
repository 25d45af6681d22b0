"""The team's own decorators: `requires_live_stack` says a test runs against the live stack
(an e2e test, mapped in `fixtures_repo/pyproject.toml`); `retried` says nothing about that."""
import os

import pytest

requires_live_stack = pytest.mark.skipif(not os.path.exists("/run/stack.sock"), reason="needs the live stack")


def retried(times):
    def wrap(test):
        return test
    return wrap
