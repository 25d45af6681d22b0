"""Nested configuration (issue 32): the closest testaudit.toml / [tool.testaudit] above a file
narrows the rules for it, extending the root's, as ruff and pylint honour nested config.

Business Value Justification (BVJ):
- Segment: teams adopting testaudit on a suite with a legacy corner
- Business Goal: Adoption
- Value Impact: `tests/legacy/testaudit.toml` switches a rule off there, and only there
- Strategic Impact: a config placed where the code is, not a glob list in the root file
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Tuple

from click.testing import CliRunner

from conftest import run_project, write_project
from testaudit.cli import main

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\nimport os\n\n\n')
ENV = BVJ + "def test_env():\n    assert os.environ.get('X') is None\n"  # TA301 at line 13
NO_BVJ = "import os\n\n\ndef test_env():\n    assert os.environ.get('X') is None\n"  # TA401 + TA301


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def findings(root: Path, *args: str) -> List[Tuple[str, str]]:
    res = invoke("check", str(root), "--format", "json", "--no-cache", *args)
    assert res.exit_code in (0, 1), res.output
    return sorted((f["path"], f["code"]) for f in json.loads(res.output)["findings"])


def project(tmp_path: Path, files: Dict[str, str], pyproject: str = "") -> Path:
    root = write_project(tmp_path, {"tests/legacy/test_old.py": ENV, "tests/test_new.py": ENV, **files}, pyproject)
    (root / ".git").mkdir()
    return root


def test_a_legacy_directory_silences_a_rule_there_only(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": 'ignore = ["TA301"]\n'})
    assert findings(root) == [("tests/test_new.py", "TA301")]
    result = run_project(root)
    old = next(m for m in result.modules if m.path == "tests/legacy/test_old.py")
    assert "TA301" not in old.applicable and not old.errors  # complies: the rule does not apply there
    assert result.suppressed == 0  # not run there, so nothing was suppressed either


def test_checking_the_directory_alone_judges_it_as_the_whole_run_does(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": 'ignore = ["TA301"]\n',
                              "tests/legacy/test_env2.py": NO_BVJ}, pyproject='ignore = ["TA401"]\n')
    # the root's ignore (TA401) still applies below: the nested file extends it
    assert findings(root) == [("tests/test_new.py", "TA301")]
    assert findings(root / "tests" / "legacy") == []
    # a file named on its own (pre-commit): its directory was not walked, the file is still found
    assert findings(root / "tests" / "legacy" / "test_env2.py") == []
    out = invoke("config", str(root / "tests" / "legacy")).output
    assert f"# project root: {root}\n" in out
    assert "# nested configurations for tests/legacy/: tests/legacy/testaudit.toml" in out
    assert 'ignore = ["TA401", "TA301"]  # from the root configuration, tests/legacy/testaudit.toml' in out
    assert 'ignore = ["TA401"]\n' in invoke("config", str(root / "tests" / "test_new.py")).output


def test_select_narrows_within_the_root_selection_and_the_closest_file_wins(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "tests/legacy/pyproject.toml": '[tool.testaudit]\nselect = ["TA4"]\n',
        "tests/legacy/test_nobvj.py": NO_BVJ,
        "tests/legacy/deeper/testaudit.toml": 'select = ["TA301", "TA8"]\n',
        "tests/legacy/deeper/test_deep.py": NO_BVJ,
    }, pyproject='ignore = ["TA801"]\n')
    assert findings(root) == [
        ("tests/legacy/deeper/test_deep.py", "TA301"),  # re-selected by the closest file
        ("tests/legacy/test_nobvj.py", "TA401"),  # only TA4 rules here
        ("tests/test_new.py", "TA301"),
    ]
    # TA801 is ignored at the root: a nested select cannot switch on what the run does not run
    (root / "tests/legacy/deeper/test_deep.py").write_text(NO_BVJ + "\n\ndef test_nothing():\n    pass\n")
    assert ("tests/legacy/deeper/test_deep.py", "TA801") not in findings(root)


def test_nested_per_file_ignores_are_relative_to_their_directory(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": '[per-file-ignores]\n"test_old.py" = ["TA301"]\n',
                              "tests/test_old.py": ENV})
    assert findings(root) == [("tests/test_new.py", "TA301"), ("tests/test_old.py", "TA301")]
    res = invoke("check", str(root), "--format", "json", "--no-cache")
    assert json.loads(res.output)["summary"]["suppressed"] == 1


def test_a_nested_file_setting_a_root_only_key_is_not_applied_and_says_why(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": 'ignore = ["TA301"]\nfail-under = 10\n'})
    res = invoke("check", str(root), "--no-cache")
    assert ("warning: tests/legacy/testaudit.toml: nested configuration not applied: it sets `fail-under`, "
            "which only the root configuration can set") in res.output
    assert findings(root) == [("tests/legacy/test_old.py", "TA301"), ("tests/test_new.py", "TA301")]


def test_an_unknown_rule_in_a_nested_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/pyproject.toml": '[tool.testaudit]\nignore = ["TA999"]\n'})
    res = invoke("check", str(root))
    assert res.exit_code == 2
    assert res.output == (f"testaudit: error: {root / 'tests/legacy/pyproject.toml'}: "
                          "`tool.testaudit.ignore`: unknown rule `TA999`\n")


def test_config_flag_means_that_file_alone_as_in_ruff(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": 'ignore = ["TA301"]\n'})
    assert findings(root, "--config", str(root / "pyproject.toml")) == [
        ("tests/legacy/test_old.py", "TA301"), ("tests/test_new.py", "TA301")]


def test_editing_a_nested_file_is_seen_by_a_warm_run(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/legacy/testaudit.toml": 'ignore = ["TA301"]\n'})
    nested = root / "tests/legacy/testaudit.toml"

    def warm() -> str:
        return invoke("check", str(root), "--format", "concise").output

    assert "tests/legacy" not in warm() and "tests/legacy" not in warm()  # cold, then served by the cache
    nested.write_text('ignore = ["TA401"]\n', encoding="utf-8")
    assert "tests/legacy/test_old.py:13:12: TA301" in warm()
    assert warm() == invoke("check", str(root), "--format", "concise", "--no-cache").output
    nested.unlink()
    assert warm() == invoke("check", str(root), "--format", "concise", "--no-cache").output
