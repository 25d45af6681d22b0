"""CLI behaviour, exit codes and configuration errors (SPEC §7, §8).

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: exit codes and config errors behave as CI scripts expect
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import main

CLEAN = '"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n' \
        '- Value Impact: x\n- Strategic Impact: y\n"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'
ENV = CLEAN + '\n\nimport os\n\n\ndef test_env():\n    assert os.environ.get("X") is None\n'


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_clean_project_exits_0(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_ok.py": CLEAN})
    res = invoke("check", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "All checks passed! 1 file checked." in res.output
    assert "Compliance: 100.0% — 1 of 1 test module complies" in res.output


def test_error_finding_exits_1_and_exit_zero_overrides(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_env.py": ENV})
    res = invoke("check", str(tmp_path), "--format", "concise")
    assert res.exit_code == 1
    assert "tests/test_env.py:19:12: TA301 [error]" in res.output
    assert invoke("check", str(tmp_path), "--exit-zero").exit_code == 0


def test_warning_only_exits_0(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_ok.py": CLEAN.replace("assert 1 + 1 == 2", "assert 1 + 1 == 2  # testaudit: ignore[TA301]")})
    res = invoke("check", str(tmp_path), "--format", "concise")
    assert "TA002 [warning]" in res.output
    assert res.exit_code == 0


def test_fail_under(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_env.py": ENV, "tests/test_ok.py": CLEAN})
    res = invoke("check", str(tmp_path), "--exit-zero", "--fail-under", "99")
    assert res.exit_code == 0  # --exit-zero overrides
    res = invoke("check", str(tmp_path), "--select", "TA401", "--fail-under", "100")
    assert res.exit_code == 0
    res = invoke("check", str(tmp_path), "--select", "TA301", "--fail-under", "60")
    assert res.exit_code == 1
    assert "Compliance: 50.0% — 1 of 2 test modules complies" in res.output  # test_env.py has a TA301 error
    assert "below the fail-under threshold 60" in res.output


def test_select_ignore_by_name_and_prefix(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_env.py": ENV})
    assert invoke("check", str(tmp_path), "--ignore", "os-environ-access").exit_code == 0
    assert invoke("check", str(tmp_path), "--select", "TA3").exit_code == 1
    assert invoke("check", str(tmp_path), "--select", "TA1,TA2").exit_code == 0


def test_json_output_schema(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/integration/test_env.py": ENV})
    out = tmp_path / "report.json"
    res = invoke("check", str(tmp_path), "--format", "json", "--output", str(out))
    assert res.exit_code == 1
    data = json.loads(out.read_text())
    assert data["schema_version"] == 2
    (finding,) = data["findings"]
    assert set(finding) >= {"path", "line", "column", "end_line", "end_column", "code", "name", "severity",
                            "message", "category", "node_id"}
    assert finding["path"] == "tests/integration/test_env.py"
    assert (finding["line"], finding["column"], finding["end_column"]) == (19, 12, 22)
    assert finding["category"] == "integration"
    assert finding["node_id"] == "tests/integration/test_env.py::test_env"
    assert data["summary"]["counts"] == {"TA301": 1}
    assert data["summary"]["rules"]["TA301"]["failing"] == 1
    assert data["summary"]["rules"]["TA301"]["would_comply_if_fixed"] == 1
    assert (data["summary"]["score"], data["summary"]["complying"], data["summary"]["test_modules"]) == (0.0, 0, 1)
    assert data["summary"]["categories"] == {"integration": {"score": 0.0, "complying": 0, "test_modules": 1}}


def test_nonexistent_path_exits_2_with_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["check", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0
    assert "no such file or directory" in res.output


@pytest.mark.parametrize("toml,key,expected", [
    ("selct = ['TA1']", "tool.testaudit.selct", "did you mean `select`"),
    ("exclude = 3", "tool.testaudit.exclude", "expected list of glob patterns"),
    ("fail-under = 'high'", "tool.testaudit.fail-under", "expected a number"),
    ("select = ['TA999']", "tool.testaudit.select", "unknown rule `TA999`"),
    ("[tool.testaudit.rules.TA101]\ncategorys = ['e2e']", "tool.testaudit.rules.TA101.categorys",
     "did you mean `categories`"),
    ("[tool.testaudit.rules.TA101]\nunit = 'yes'", "tool.testaudit.rules.TA101.unit", "expected a boolean"),
    ("[tool.testaudit.rules.TA103]\ndouble-patterns = ['(unclosed']", "tool.testaudit.rules.TA103.double-patterns",
     "invalid regular expression"),
    ("[tool.testaudit.rules.mock-in-integraton]\nunit = true", "tool.testaudit.rules.mock-in-integraton",
     "did you mean `mock-in-integration`"),
    ("[tool.testaudit.categories.smoke]\nmarkers = 'smoke'\nrnk = 2", "tool.testaudit.categories.smoke.rnk",
     "did you mean `rank`"),
    ("[tool.testaudit.rules.TA501]\nrequired = ['x']", "tool.testaudit.rules.TA501.required", "expected a table"),
    ("max-file-size = 'big'", "tool.testaudit.max-file-size", "expected positive integer (bytes)"),
    ("jobs = 0", "tool.testaudit.jobs", "expected positive integer"),
    ("report-unreached = 'yes'", "tool.testaudit.report-unreached", "expected boolean"),
    # conflicting options
    ("select = ['TA1']\nignore = ['TA1']", "tool.testaudit.ignore", "`TA1` is both selected and ignored"),
    ("[tool.testaudit.rules.TA101]\nunit = true\n[tool.testaudit.rules.mock-in-integration]\nunit = false",
     "tool.testaudit.rules.mock-in-integration", "configures the same rule as `tool.testaudit.rules.TA101`"),
    ("[tool.testaudit.categories.unit]\nmarkers = ['integration']", "tool.testaudit.categories.unit.markers",
     "marker `integration` also belongs to category `integration`"),
    ("src = ['.', '../elsewhere']", "tool.testaudit.src", "expected directories inside the project root"),
])
def test_config_errors_exit_2_naming_the_key(tmp_path: Path, toml: str, key: str, expected: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.testaudit]\n" + toml + "\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ok.py").write_text(CLEAN)
    res = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line
    assert f"`{key}`" in line and expected in line and "pyproject.toml" in line


@pytest.mark.parametrize("args, key, expected", [
    (["--no-baseline", "--show-baselined"], "--no-baseline", "cannot be combined"),
    (["--allow-new"], "--allow-new", "only applies with --update-baseline"),
    (["--diff", "--update-baseline"], "--diff", "cannot be combined with --update-baseline"),
    (["--since", "HEAD", "--update-baseline"], "", "--since"),  # not a git repository
])
def test_conflicting_flags_exit_2_and_write_nothing(tmp_path: Path, args: List[str], key: str, expected: str) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": ENV})
    before = sorted(p.name for p in root.iterdir())
    res = CliRunner().invoke(main, ["check", str(root), "--no-cache", *args])
    assert res.exit_code == 2, res.output
    assert res.output.strip().count("\n") == 0 and expected in res.output and (not key or f"`{key}`" in res.output)
    assert sorted(p.name for p in root.iterdir()) == before  # no baseline (nor anything else) written


def test_bad_toml_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.testaudit\nselect = [")
    (tmp_path / ".git").mkdir()
    res = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert res.exit_code == 2 or "invalid TOML" not in res.output  # no [tool.testaudit] header: not the config
    (tmp_path / "testaudit.toml").write_text("select = [")
    res = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert res.exit_code == 2 and "invalid TOML" in res.output and "testaudit.toml" in res.output


def test_testaudit_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_env.py": ENV}, "select = ['TA301']\n")
    (tmp_path / "testaudit.toml").write_text("select = ['TA401']\n")
    assert invoke("check", str(tmp_path)).exit_code == 0


def test_rule_and_rules_commands() -> None:
    res = invoke("rules")
    assert res.exit_code == 0 and "TA101" in res.output and "mock-in-integration" in res.output
    res = invoke("rule", "mock-in-integration")
    assert res.exit_code == 0 and res.output.startswith("# TA101 mock-in-integration")
    res = CliRunner().invoke(main, ["rule", "TA10"])
    assert res.exit_code == 2 and "did you mean" in res.output


def test_config_command_prints_effective_options(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_ok.py": CLEAN}, "[tool.testaudit.rules.TA101]\nunit = true\n")
    res = invoke("config", str(tmp_path))
    assert res.exit_code == 0
    section = res.output.split("[rules.TA101]")[1].split("[rules.")[0]
    assert "unit = true" in section
    assert "[categories.integration]" in res.output


def test_version_does_not_import_libcst() -> None:
    import subprocess
    import sys

    code = ("import sys; from testaudit.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print('libcst' in sys.modules, 'rich' in sys.modules, 'networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False False False"), out


def _entry_point(root: Path, script: str, *args: str) -> "subprocess.CompletedProcess[str]":
    """Run ``script`` (which ends by calling the console script's ``main``) as its own process,
    with an exit handler that prints ``torn down`` if the interpreter is torn down."""
    code = ("import atexit, sys\nfrom testaudit.__main__ import main\n"
            "atexit.register(lambda: print('torn down', file=sys.stderr))\n" + script)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True)


def test_the_command_exits_without_tearing_down_and_loses_no_output(tmp_path: Path) -> None:
    files = {f"tests/integration/test_m{i}.py": ENV for i in range(40)}
    write_project(tmp_path, files)
    res = _entry_point(tmp_path, "sys.argv = ['testaudit', *sys.argv[1:]]\nmain()\n",
                       "check", ".", "--format", "concise", "-j", "1")
    assert res.returncode == 1, res.stderr  # TA001 findings are errors
    assert "torn down" not in res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 40 * sum(1 for line in lines if "test_m0.py:" in line) and lines, res.stdout
    assert all(f"test_m{i}.py:" in res.stdout for i in range(40))
    ok = _entry_point(tmp_path, "sys.argv = ['testaudit', *sys.argv[1:]]\nmain()\n",
                      "check", ".", "--format", "concise", "--exit-zero", "-o", "out.txt")
    assert ok.returncode == 0 and "torn down" not in ok.stderr
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines() == lines


def test_an_exit_with_a_message_still_takes_pythons_way_out(tmp_path: Path) -> None:
    script = ("import click, testaudit.cli\n"
              "@testaudit.cli.main.command('boom')\ndef boom():\n    sys.exit('gone wrong')\n"
              "sys.argv = ['testaudit', 'boom']\nmain()\n")
    res = _entry_point(tmp_path, script)
    assert res.returncode == 1
    assert res.stderr.splitlines() == ["gone wrong", "torn down"]


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    """`testaudit check | head`: the closed pipe was an "internal error: BrokenPipeError", exit 2."""
    import subprocess
    import sys

    write_project(tmp_path, {"tests/test_env.py": ENV, "tests/test_ok.py": CLEAN})
    proc = subprocess.Popen([sys.executable, "-m", "testaudit", "check", str(tmp_path), "--no-cache", "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the report is written
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 141, err
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize(("content", "expected"), [
    (b"[tool.testaudit]\n# caf\xe9\nselect = ['ALL']\n", "not UTF-8"),
    (b"[tool.testaudit]\nmax-file-size = 9223372036854775808\n", "expected at most"),
    (b"[tool.testaudit]\nfail-under = '99.999999999999999999999999999999999999'\n", "at most 6 decimals"),
    (b"x = " + b"[" * 50000 + b"]" * 50000 + b"\n[tool.testaudit]\n", "nested too deeply"),  # past any recursion limit
    # an empty accessor was accepted and the message read "use `()` ()"
    (b"[tool.testaudit.rules.TA301]\nenv-accessor = ''\n", "rules.TA301.env-accessor`: expected a dotted"),
])
def test_hostile_configuration_values_are_one_line_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    """Each of these was an "internal error" (a traceback with --verbose): a non-UTF-8 or deeply
    nested pyproject.toml, a max-file-size past 2**63, a fail-under finer than Decimal's context."""
    write_project(tmp_path, {"tests/test_ok.py": CLEAN})
    (tmp_path / "pyproject.toml").write_bytes(content)
    res = invoke("check", str(tmp_path))
    assert res.exit_code == 2 and expected in res.output, res.output
    assert "internal error" not in res.output and res.output.strip().count("\n") == 0


def test_a_baseline_score_that_is_not_a_score_is_a_one_line_error(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_ok.py": CLEAN})
    (tmp_path / ".testaudit-baseline.json").write_text(
        '{"version": 1, "score": NaN, "score_formula": 2, "entries": []}', encoding="utf-8")
    res = invoke("check", str(tmp_path), "--fail-on-regression")
    assert res.exit_code == 2 and '"score" must be a number from 0 to 100, not nan' in res.output


@pytest.mark.parametrize(("err", "text"), [("ENOSPC", "No space left on device"), ("EFBIG", "File too large")])
def test_a_full_disk_names_the_file_that_could_not_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              err: str, text: str) -> None:
    """ENOSPC, or EFBIG past a file-size limit (`ulimit -f`), while writing -o FILE was 'internal
    error' without the file."""
    import errno
    import os

    write_project(tmp_path, {"tests/test_ok.py": CLEAN})
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self.fh = fh

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.fh.close()
            return False

        def write(self, data):  # type: ignore[no-untyped-def]
            raise OSError(getattr(errno, err), text)

    def fdopen(fd, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        fh = real_fdopen(fd, mode, *args, **kwargs)
        return Full(fh) if "w" in mode else fh  # only writes hit the full disk

    monkeypatch.setattr(os, "fdopen", fdopen)
    report = tmp_path / "report.json"
    res = invoke("check", str(tmp_path), "--format", "json", "-o", str(report))
    assert res.exit_code == 2
    assert f"{report}: {text}" in res.output and "internal error" not in res.output
    assert not report.exists() and not list(tmp_path.glob(".testaudit-*.tmp"))
