"""Relative imports in a test module.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: tests collect from any working directory
- Strategic Impact: fewer broken CI runs
"""
import importlib
from . import conftest_helpers  # expect: TA201
from .helpers import make_user  # expect: TA201
from ..shared.factories import (  # expect: TA201
    build_thread,
)
from rules.helpers import make_user as absolute_user
from rules import helpers

# compliant look-alikes: prose about `from . import x` and strings are not imports
NOTE = "from . import x is forbidden"
# from .helpers import make_user  (a comment, not code)


def test_builds_user():
    user = absolute_user("alice")
    assert user.name == "alice"
    assert importlib.import_module("rules.helpers") is helpers
