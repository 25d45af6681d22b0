"""Everyday CLI behaviour a ruff user expects (issue 32): output that fits a screen, warnings that
`-q` keeps, `--output-format`, thresholds under --exit-zero, `-o` into a new directory, every
configuration key shown, and a run that analysed nothing not called a pass.

Business Value Justification (BVJ):
- Segment: all users (the first run decides whether a team keeps the tool)
- Business Goal: Adoption
- Value Impact: an 800-file report readable in one screen; no message that contradicts the exit code
- Strategic Impact: a tool that behaves like the linters teams already trust
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import SHOWN_IN_FULL, main
from testaudit.config import _TOP_KEYS

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\nimport os\n\n\n')


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def env_module(n: int) -> str:
    """A test module with ``n`` TA301 findings (one per test)."""
    return BVJ + "".join(f"def test_{i}():\n    assert os.environ.get('X{i}') is None\n\n\n" for i in range(n))


def _many(tmp_path: Path) -> Path:
    """15 test modules with 3 findings each: 45 findings."""
    return write_project(tmp_path, {f"tests/test_m{i:02}.py": env_module(3) for i in range(15)})


def test_text_output_shows_the_first_findings_in_full_then_one_line_per_file(tmp_path: Path) -> None:
    root = _many(tmp_path)
    res = invoke("check", str(root), "--select", "TA301")
    assert res.exit_code == 1
    out = res.output
    assert out.count(" | ") == SHOWN_IN_FULL == 10  # code frames
    # files 0-2 in full (9 findings), file 3: one in full, two summarised
    assert "tests/test_m03.py\n" in out
    assert "  … and 2 more findings (TA301 ×2) in this file" in out
    # then ten files one line each, then the rest counted
    for i in range(4, 14):
        assert f"tests/test_m{i:02}.py: 3 findings (TA301 ×3)\n" in out
    assert "test_m14.py" not in out
    assert "… and 1 more file with 3 findings\n" in out
    assert "10 of 45 findings shown in full: `--show-all` shows every one" in out
    assert "Found 45 findings (45 errors, 0 warnings); 15 files checked." in out
    before_summary = out.split("\ncode ")[0].count("\n")
    assert before_summary <= 60  # one screen


def test_show_all_and_small_reports_are_not_capped(tmp_path: Path) -> None:
    root = _many(tmp_path)
    out = invoke("check", str(root), "--select", "TA301", "--show-all").output
    assert out.count(" | ") == 45 and "shown in full" not in out and " more " not in out
    (root / "tests").joinpath("test_m00.py").write_text(env_module(SHOWN_IN_FULL), encoding="utf-8")
    out = invoke("check", str(root / "tests" / "test_m00.py"), "--select", "TA301").output
    assert out.count(" | ") == SHOWN_IN_FULL and "shown in full" not in out


def test_a_capped_last_file_still_says_how_to_see_the_rest(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_one.py": env_module(12)})
    out = invoke("check", str(root), "--select", "TA301").output
    assert "  … and 2 more findings (TA301 ×2) in this file" in out
    assert "10 of 12 findings shown in full" in out and "more file" not in out


def test_quiet_keeps_warnings_and_qq_drops_them(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1), "tests/test_big.py": env_module(40)},
                         pyproject=f"max-file-size = {len(env_module(1).encode())}\n")
    warning = "warning: tests/test_big.py: not analysed"
    quiet = invoke("check", str(root), "-q").output
    assert warning in quiet and " | " not in quiet and "Compliance:" in quiet
    silent = invoke("check", str(root), "-qq").output
    assert warning not in silent and "Compliance:" in silent


def test_a_run_that_analysed_nothing_is_not_a_pass(tmp_path: Path) -> None:
    """Every file over max-file-size: a TA001 per file says so and the run exits 1, instead of
    'All checks passed!' over a score of 0.0."""
    root = write_project(tmp_path, {"tests/test_a.py": env_module(2)}, pyproject="max-file-size = 10\n")
    res = invoke("check", str(root))
    assert res.exit_code == 1
    assert "All checks passed" not in res.output
    assert "1:1  TA001 not analysed:" in res.output
    assert "Found 1 finding (1 error, 0 warnings)" in res.output


def test_exit_zero_reports_a_missed_threshold_without_calling_it_failed(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1)}, pyproject="fail-under = 99.5\n")
    res = invoke("check", str(root), "--exit-zero")
    assert res.exit_code == 0
    assert "FAILED" not in res.output
    assert ("BELOW THRESHOLD (not failing: --exit-zero): compliance score 0.0 is below the fail-under "
            "threshold 99.5") in res.output
    res = invoke("check", str(root))
    assert res.exit_code == 1
    assert "FAILED: compliance score 0.0 is below the fail-under threshold 99.5" in res.output
    assert "--fail-under 99.5" not in res.output  # the threshold came from pyproject, not a flag
    md = invoke("check", str(root), "--exit-zero", "--format", "markdown").output
    assert "**BELOW THRESHOLD (not failing: --exit-zero)**" in md and "FAILED" not in md


def test_output_into_a_directory_not_made_yet(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1)})
    target = tmp_path / "reports" / "ci" / "testaudit.json"
    res = invoke("check", str(root), "--output-format", "json", "-o", str(target))
    assert res.exit_code == 1 and "error" not in res.output
    assert '"TA301"' in target.read_text(encoding="utf-8")
    blocked = tmp_path / "afile"
    blocked.write_text("", encoding="utf-8")
    res = invoke("check", str(root), "-o", str(blocked / "r.txt"))
    assert res.exit_code == 2
    assert res.output.startswith(f"testaudit: error: {blocked / 'r.txt'}: ") and "internal" not in res.output


def test_output_format_is_an_alias_of_format(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1)})
    assert invoke("check", str(root), "--output-format", "concise").output == \
        invoke("check", str(root), "--format", "concise").output
    assert "--output-format" in invoke("check", "--help").output


def test_config_shows_every_key_a_configuration_can_set(tmp_path: Path) -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1)})
    out = invoke("config", str(root)).output
    shown = set(tomllib.loads(out)) | set(re.findall(r"^# ([a-z-]+): not set", out, re.M))
    assert shown == set(_TOP_KEYS), set(_TOP_KEYS) ^ shown
    assert tomllib.loads(out)["verify"]["no-mocks"]  # the phrase lists verify reads, as used


def test_docs_help_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testaudit import docs

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        docs.main(["--help"])
    assert exc.value.code == 0
    assert list(tmp_path.iterdir()) == []
    assert docs.main([str(tmp_path / "pages")]) == 0
    assert (tmp_path / "pages" / "TA101.md").is_file()


def test_one_run_writes_several_reports(tmp_path: Path) -> None:
    """--report FORMAT:FILE (the GitHub Action's SARIF + JSON next to annotations): each file is
    what a run with that --format would print, and a text report in a file is never capped."""
    root = _many(tmp_path)
    sarif, text = tmp_path / "out" / "t.sarif", tmp_path / "out" / "t.txt"
    res = invoke("check", str(root), "--format", "concise", "--report", f"sarif:{sarif}", "--report", f"text:{text}")
    assert res.exit_code == 1
    assert res.output == invoke("check", str(root), "--format", "concise").output
    assert sarif.read_text(encoding="utf-8") == invoke("check", str(root), "--format", "sarif").output
    assert text.read_text(encoding="utf-8") == invoke("check", str(root), "--show-all").output


@pytest.mark.parametrize(("spec", "message"), [
    ("sarif", "expected FORMAT:FILE, got 'sarif'"),
    ("srif:x.sarif", "unknown format 'srif' (did you mean `sarif`?)"),
])
def test_a_bad_report_spec_is_a_usage_error_before_anything_runs(tmp_path: Path, spec: str, message: str) -> None:
    root = _many(tmp_path)
    res = invoke("check", str(root), "--report", spec)
    assert res.exit_code == 2
    assert res.output.startswith("testaudit: error: `--report`: ") and message in res.output
    assert not (root / ".testaudit_cache").exists()


def test_show_files_lists_what_would_be_checked_and_parses_nothing(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": "def test_a(:\n", "tests/conftest.py": "",
                                    "tests/helpers/db.py": "", "tests/data.json": "{}"})
    res = CliRunner().invoke(main, ["check", str(root), "--show-files"])
    assert res.exit_code == 0  # the syntax error is not reported: nothing was parsed
    assert res.stdout == ("tests/conftest.py  support\ntests/helpers/db.py  support\n"
                          "tests/test_a.py  test module\n")
    assert "3 files: 1 test module, 2 support" in res.output
    assert not (root / ".testaudit_cache").exists()


def test_no_path_checks_pytests_testpaths_from_the_root_and_says_so(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": env_module(1), "scripts/test_tool.py": env_module(1),
                                    "pytest.ini": "[pytest]\ntestpaths = tests\n"})
    monkeypatch.chdir(root)
    res = CliRunner().invoke(main, ["check", "--format", "concise"])
    assert res.stdout.startswith("tests/test_env.py:") and "scripts/" not in res.stdout
    assert "testaudit: no path given: checking pytest's testpaths (tests) from pytest.ini [pytest]" in res.output
    monkeypatch.chdir(root / "scripts")  # below the root: the current directory, as pytest would
    res = CliRunner().invoke(main, ["check", "--format", "concise"])
    assert res.stdout.startswith("scripts/test_tool.py:") and "tests/" not in res.stdout  # root-relative paths
    assert "checking the current directory (pytest's testpaths apply from the project root)" in res.output
    (root / "pytest.ini").unlink()
    monkeypatch.chdir(root)
    res = CliRunner().invoke(main, ["check", "--format", "concise", "-qq"])
    assert "scripts/test_tool.py:" in res.stdout and "tests/test_env.py:" in res.stdout
    assert "no path given" not in res.output  # -qq: only the summary


def test_a_src_layout_resolves_by_default_and_a_missing_src_root_is_said(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"src/shop/__init__.py": "", "src/shop/orders.py": "def place():\n    return 1\n",
                                    "tests/test_orders.py": BVJ + "from shop.orders import place, cancel\n\n\n"
                                                            "def test_place():\n    assert place() == 1\n"})
    out = invoke("check", str(root), "--select", "TA202", "--format", "concise").output
    assert "tests/test_orders.py:12:32: TA202" in out and "`cancel`" in out  # resolved under src/
    (root / "pyproject.toml").write_text('[tool.testaudit]\nsrc = ["lib"]\n', encoding="utf-8")
    out = invoke("check", str(root), "--select", "TA202", "--format", "concise").output
    assert "pyproject.toml: warning: src directory `lib` does not exist: imports are not resolved against it" in out
