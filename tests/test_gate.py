"""The CI gate: `--fail-under` / `fail-under` flip the exit code exactly at the threshold.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: a pipeline fails exactly when the printed score is under the bar, and says why
- Strategic Impact: a gate that agrees with the number it prints is a gate teams keep
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import main

BVJ = "Business Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n- Value Impact: x\n"
COMPLETE = f'"""Doc.\n\n{BVJ}- Strategic Impact: y\n"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'
INCOMPLETE = f'"""Doc.\n\n{BVJ}"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def two_thirds(tmp_path: Path) -> Path:
    """Three test modules, one with an incomplete BVJ (a warning): TA403 score 66.666…, printed 66.7."""
    return write_project(tmp_path, {"tests/test_a.py": COMPLETE, "tests/test_b.py": COMPLETE,
                                    "tests/test_c.py": INCOMPLETE})


@pytest.mark.parametrize(("threshold", "code"), [
    ("66", 0), ("66.6", 0), ("66.7", 0), ("66.67", 0), ("66.667", 0),
    ("66.668", 1), ("66.8", 1), ("67", 1), ("100", 1),
])
def test_exit_code_flips_exactly_at_the_threshold(two_thirds: Path, threshold: str, code: int) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA403", "--fail-under", threshold)
    assert "Compliance score: 66.7" in res.output
    assert "Found 1 finding (0 errors, 1 warning)" in res.output  # warnings alone never fail the run
    assert res.exit_code == code, res.output
    failed_line = f"FAILED: compliance score 66.7 is below --fail-under {threshold}"
    assert (failed_line in res.output) == bool(code)


@pytest.mark.parametrize("fmt", ["concise", "json", "sarif", "junit", "github", "markdown"])
def test_every_format_says_so_on_stderr(two_thirds: Path, fmt: str) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA403", "--fail-under", "70", "--format", fmt)
    assert res.exit_code == 1
    assert "testaudit: FAILED: compliance score 66.7 is below --fail-under 70" in res.stderr
    assert "FAILED" not in res.stdout or fmt == "markdown"


def test_text_report_written_to_a_file_still_says_so(two_thirds: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    res = invoke("check", str(two_thirds), "--select", "TA403", "--fail-under", "70", "-o", str(out))
    assert res.exit_code == 1
    assert "below --fail-under 70" in out.read_text(encoding="utf-8")
    assert "below --fail-under 70" in res.stderr


def test_configured_threshold_and_flag_override(two_thirds: Path) -> None:
    pyproject = two_thirds / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "fail-under = 66.8\n", encoding="utf-8")
    res = invoke("check", str(two_thirds), "--select", "TA403")
    assert res.exit_code == 1 and "below --fail-under 66.8" in res.output
    assert invoke("check", str(two_thirds), "--select", "TA403", "--fail-under", "66.7").exit_code == 0


def test_exit_zero_overrides_the_gate_but_still_reports_it(two_thirds: Path) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA403", "--fail-under", "90", "--exit-zero")
    assert res.exit_code == 0
    assert "below --fail-under 90" in res.output


@pytest.mark.parametrize("bad", ["high", "101", "-1", "nan"])
def test_bad_threshold_is_a_usage_error(two_thirds: Path, bad: str) -> None:
    res = invoke("check", str(two_thirds), "--fail-under", bad)
    assert res.exit_code == 2
    assert "--fail-under" in res.output and "Traceback" not in res.output


def test_output_to_a_device_is_written_in_place(two_thirds: Path) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA403", "-o", os.devnull)
    assert res.exit_code == 0
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()
