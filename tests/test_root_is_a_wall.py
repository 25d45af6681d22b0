"""The project root is a wall: nothing outside it is read through a link, or written.

Business Value Justification (BVJ):
- Segment: Platform/Internal (CI jobs auditing checkouts nobody reviewed yet)
- Business Goal: Stability
- Value Impact: a hostile checkout cannot make the audit print secrets or write elsewhere
- Strategic Impact: a gate people point at untrusted code must not be the way in
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run_project, write_project
from testaudit.cli import main

MODULE = "import os\n\n\ndef test_a():\n    assert os.getenv(\"HOME\", \"x\")\n"  # TA301, with an unsafe fix


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "test_secret.py").write_text("SECRET = 'hunter2'\n" + MODULE, encoding="utf-8")
    return secret


def test_a_named_link_out_of_the_root_is_not_read(tmp_path: Path, outside: Path) -> None:
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    os.symlink(outside / "test_secret.py", root / "tests" / "test_link.py")
    os.symlink(outside, root / "linked_dir")
    res = invoke("check", str(root / "tests" / "test_link.py"), str(root / "linked_dir"), "-j", "1")
    assert "hunter2" not in res.output
    assert "tests/test_link.py: skipped: it links outside the project root" in res.output
    assert "linked_dir: skipped: it links outside the project root" in res.output


def test_fix_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    target = outside / "test_secret.py"
    before = target.read_bytes()
    os.symlink(target, root / "tests" / "test_link.py")
    result = run_project(root)  # the link inside tests/ is found by the walk only if it stays inside
    assert "tests/test_link.py" not in {f.path for f in result.findings}
    from testaudit.fixes import fix_file, by_file

    fixes = by_file(run_project(root).findings, unsafe=True)
    done = fix_file(str(root / "tests" / "test_link.py"), "tests/test_link.py", fixes["tests/test_a.py"], str(root))
    assert done.after is None and "symbolic link" in done.error
    assert target.read_bytes() == before and os.path.islink(root / "tests" / "test_link.py")


def test_fix_never_writes_through_a_linked_directory(tmp_path: Path, outside: Path) -> None:
    """A regular file reached through a directory link that leaves the root: neither the CLI
    (naming the file, with --fix --unsafe-fixes) nor fix_file writes it."""
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    os.symlink(outside, root / "tests" / "linked")
    target = outside / "test_secret.py"
    before = target.read_bytes()
    from testaudit.fixes import by_file, fix_file

    fixes = by_file(run_project(root).findings, unsafe=True)["tests/test_a.py"]  # the same lines as the target's
    res = invoke("check", str(root / "tests" / "linked" / "test_secret.py"), str(root / "tests" / "test_a.py"),
                 "--fix", "--unsafe-fixes", "-j", "1", "--exit-zero")
    assert "skipped: it links outside the project root" in res.output
    assert target.read_bytes() == before
    done = fix_file(str(root / "tests" / "linked" / "test_secret.py"), "tests/linked/test_secret.py", fixes, str(root))
    assert done.after is None and done.error == "not fixed: its real path is outside the project root"
    assert target.read_bytes() == before


def test_fix_never_overwrites_an_edit_made_meanwhile(tmp_path: Path) -> None:
    from testaudit import fixes

    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    path = root / "tests" / "test_a.py"
    found = fixes.by_file(run_project(root).findings, unsafe=True)["tests/test_a.py"]
    done = fixes.fix_file(str(path), "tests/test_a.py", found, str(root))
    assert done.after is not None
    path.write_text(MODULE + "\n# edited while the fix was computed\n", encoding="utf-8")
    assert fixes.write(str(path), done) == "not fixed: the file changed while it was being fixed"
    assert path.read_text(encoding="utf-8").endswith("# edited while the fix was computed\n")


@pytest.mark.parametrize("link", [".testaudit_cache", ".testaudit_cache/cache.sqlite3"])
def test_a_linked_cache_is_not_written_through(tmp_path: Path, outside: Path, link: str) -> None:
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    elsewhere = outside / "other.sqlite3" if link.endswith("sqlite3") else outside
    if link.endswith("sqlite3"):
        (root / ".testaudit_cache").mkdir()
        elsewhere.write_bytes(b"")
    os.symlink(elsewhere, root / link)
    result = run_project(root, cache=True)
    assert any("cache disabled: it is a symbolic link" in w.message for w in result.warnings)
    assert sorted(p.name for p in outside.iterdir()) == sorted(["test_secret.py"] + (["other.sqlite3"] if link.endswith("sqlite3") else []))
    if link.endswith("sqlite3"):
        assert elsewhere.read_bytes() == b""  # another program's database gets no tables


def test_a_baseline_outside_the_root_is_a_configuration_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE}, 'baseline = "../escape.json"\n')
    res = invoke("baseline", str(root), "-j", "1")
    assert res.exit_code == 2 and "tool.testaudit.baseline" in res.output and "inside the project root" in res.output
    assert not (tmp_path / "escape.json").exists()


@pytest.mark.parametrize("command", ["check", "badge"])
def test_a_baseline_or_badge_linked_to_a_device_is_not_read_forever(tmp_path: Path, command: str) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    if command == "check":
        os.symlink("/dev/zero", root / ".testaudit-baseline.json")
        res = invoke("check", str(root), "-j", "1")
        assert res.exit_code == 2 and "not a regular file" in res.output
    else:
        os.symlink("/dev/zero", root / "badge.svg")
        res = invoke("badge", str(root), "-o", str(root / "badge.svg"), "-j", "1")
        assert res.exit_code == 0, res.output


def test_an_output_path_named_on_the_command_line_may_be_outside_the_root(tmp_path: Path) -> None:
    """The wall keeps out what the audited tree names (config, links); a path the user typed is
    the user's choice: `check -o` and `badge -o` outside the root are written, nothing else is."""
    root = write_project(tmp_path / "p", {"tests/test_a.py": MODULE})
    elsewhere = tmp_path / "ci-artifacts"
    elsewhere.mkdir()
    res = invoke("check", str(root), "--format", "json", "-o", str(elsewhere / "report.json"), "-j", "1",
                 "--exit-zero")
    assert res.exit_code == 0, res.output
    res = invoke("badge", str(root), "-o", str(elsewhere / "badge.svg"), "-j", "1")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["badge.svg", "report.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ci-artifacts", "p"]


def test_pytest_testpaths_never_lead_the_run_out_of_the_root(tmp_path: Path, outside: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout's `testpaths = ../outside` (or a link to it) is not followed by a run given no path."""
    (outside / "test_secret.py").write_text(MODULE, encoding="utf-8")
    root = write_project(tmp_path / "proj", {"tests/test_a.py": MODULE,
                                             "pytest.ini": "[pytest]\ntestpaths = ../outside linked tests\n"})
    os.symlink(outside, root / "linked")
    monkeypatch.chdir(root)
    res = invoke("check", "--format", "concise")
    assert "secret" not in res.output and "tests/test_a.py" in res.output
    assert "checking pytest's testpaths (tests)" in res.output
