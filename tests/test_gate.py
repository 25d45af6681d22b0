"""The CI gate: `--fail-under` / `fail-under` flip the exit code exactly at the threshold, and
`fail-under-category` floors fail the run naming each category under its floor.

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
MISSING = '"""Doc without a justification."""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def two_thirds(tmp_path: Path) -> Path:
    """Three test modules, one without a BVJ (a TA401 error, recorded in a baseline so only the
    gate decides the exit code): 2 of 3 comply, score 66.666…, printed 66.7."""
    root = write_project(tmp_path / "p", {"tests/test_a.py": COMPLETE, "tests/test_b.py": COMPLETE,
                                          "tests/test_c.py": MISSING})
    assert invoke("baseline", str(root)).exit_code == 0
    return root


@pytest.mark.parametrize(("threshold", "code"), [
    ("66", 0), ("66.6", 0), ("66.7", 0), ("66.67", 0), ("66.667", 0),
    ("66.668", 1), ("66.8", 1), ("67", 1), ("100", 1),
])
def test_exit_code_flips_exactly_at_the_threshold(two_thirds: Path, threshold: str, code: int) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA401", "--fail-under", threshold)
    assert "Compliance: 66.7% — 2 of 3 test modules comply" in res.output
    assert "1 baselined finding" in res.output  # the baseline changes the exit code, never the score
    assert res.exit_code == code, res.output
    failed_line = f"FAILED: compliance score 66.7 is below the fail-under threshold {threshold}"
    assert (failed_line in res.output) == bool(code)


def test_warnings_never_fail_a_module(tmp_path: Path) -> None:
    incomplete = f'"""Doc.\n\n{BVJ}"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'
    root = write_project(tmp_path, {"tests/test_a.py": COMPLETE, "tests/test_b.py": incomplete})
    res = invoke("check", str(root), "--fail-under", "100")
    assert "Found 1 finding (0 errors, 1 warning)" in res.output  # TA403
    assert "Compliance: 100.0% — 2 of 2 test modules comply" in res.output
    assert res.exit_code == 0, res.output
    pyproject = root / "pyproject.toml"  # the same finding as an error fails its module
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "[tool.testaudit.rules.TA403]\nseverity = 'error'\n",
                         encoding="utf-8")
    res = invoke("check", str(root), "--fail-under", "100")
    assert "Compliance: 50.0% — 1 of 2 test modules complies" in res.output
    assert res.exit_code == 1


@pytest.mark.parametrize("fmt", ["concise", "json", "sarif", "junit", "github", "markdown"])
def test_every_format_says_so_on_stderr(two_thirds: Path, fmt: str) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA401", "--fail-under", "70", "--format", fmt)
    assert res.exit_code == 1
    assert "testaudit: FAILED: compliance score 66.7 is below the fail-under threshold 70" in res.stderr
    assert "FAILED" not in res.stdout or fmt == "markdown"


def test_text_report_written_to_a_file_still_says_so(two_thirds: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    res = invoke("check", str(two_thirds), "--select", "TA401", "--fail-under", "70", "-o", str(out))
    assert res.exit_code == 1
    assert "below the fail-under threshold 70" in out.read_text(encoding="utf-8")
    assert "below the fail-under threshold 70" in res.stderr


def test_configured_threshold_and_flag_override(two_thirds: Path) -> None:
    pyproject = two_thirds / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "fail-under = 66.8\n", encoding="utf-8")
    res = invoke("check", str(two_thirds), "--select", "TA401")
    assert res.exit_code == 1 and "below the fail-under threshold 66.8" in res.output
    assert invoke("check", str(two_thirds), "--select", "TA401", "--fail-under", "66.7").exit_code == 0


def test_exit_zero_overrides_the_gate_but_still_reports_it(two_thirds: Path) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA401", "--fail-under", "90", "--exit-zero")
    assert res.exit_code == 0
    assert "below the fail-under threshold 90" in res.output


def _floors(root: Path, table: str) -> None:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + f"[tool.testaudit.fail-under-category]\n{table}",
                         encoding="utf-8")


def test_category_floors_fail_the_run_and_each_is_named(tmp_path: Path) -> None:
    """integration: 1 of 2 modules comply (50.0); unit: 2 of 2 (100.0); the whole 75.0."""
    root = write_project(tmp_path / "p", {"tests/integration/test_a.py": COMPLETE,
                                          "tests/integration/test_b.py": MISSING,
                                          "tests/unit/test_c.py": COMPLETE, "tests/unit/test_d.py": COMPLETE})
    assert invoke("baseline", str(root)).exit_code == 0
    _floors(root, "integration = 60\nunit = 100\ne2e = 90\n")  # no e2e modules here: nothing to fail
    res = invoke("check", str(root))
    assert res.exit_code == 1, res.output
    assert "FAILED: category integration: score 50.0 is below its fail-under-category floor 60" in res.output
    assert "category unit" not in res.output and "category e2e" not in res.output
    json_run = invoke("check", str(root), "--format", "json")
    assert json_run.exit_code == 1
    assert "testaudit: FAILED: category integration: score 50.0" in json_run.stderr
    import json
    gates = json.loads(json_run.stdout)["summary"]["gates"]
    assert gates == [{"category": "integration", "threshold": 60.0, "score": 50.0, "failed": True},
                     {"category": "unit", "threshold": 100.0, "score": 100.0, "failed": False}]
    markdown = invoke("check", str(root), "--format", "markdown").stdout
    assert "**FAILED**: category integration: score 50.0 is below its fail-under-category floor 60." in markdown
    assert "Passed: category unit (100.0) is at or above 100." in markdown


def test_category_floor_met_passes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"tests/integration/test_a.py": COMPLETE,
                                          "tests/integration/test_b.py": MISSING})
    assert invoke("baseline", str(root)).exit_code == 0
    _floors(root, "integration = 50\n")
    assert invoke("check", str(root)).exit_code == 0


def test_an_unknown_category_floor_is_a_configuration_error(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": COMPLETE})
    _floors(root, "integraton = 60\n")
    res = invoke("check", str(root))
    assert res.exit_code == 2
    assert "tool.testaudit.fail-under-category.integraton" in res.output and "did you mean `integration`" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("bad", ["high", "101", "-1", "nan"])
def test_bad_threshold_is_a_usage_error(two_thirds: Path, bad: str) -> None:
    res = invoke("check", str(two_thirds), "--fail-under", bad)
    assert res.exit_code == 2
    assert "--fail-under" in res.output and "Traceback" not in res.output


def test_output_to_a_device_is_written_in_place(two_thirds: Path) -> None:
    res = invoke("check", str(two_thirds), "--select", "TA403", "-o", os.devnull)
    assert res.exit_code == 0
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()
