"""mypy over the package, with unused ``# type: ignore`` comments reported (issue 28 step 7):
an ignore that no longer silences anything hides the next real error on its line.

Business Value Justification (BVJ):
- Segment: Platform/Internal (the engineers who change testaudit)
- Business Goal: Stability
- Value Impact: a type error in a rarely run path is caught before a user meets it
- Strategic Impact: a core a newcomer can change with confidence
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_mypy_is_clean_with_no_unused_ignores(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is a dev dependency (pip install -e .[dev], Python 3.10+)")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy_cache")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
