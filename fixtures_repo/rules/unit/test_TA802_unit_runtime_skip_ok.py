"""A runtime skip inside `except` in a unit test (not reported by default).

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: optional local tools do not fail unit runs
- Strategic Impact: fast unit feedback
"""
import shutil

import pytest


def test_formatter_available():
    try:
        path = shutil.which("black") or ""
        version = run_version(path)
    except FileNotFoundError:
        pytest.skip("black is not installed on this machine")
    assert version.startswith("2")
