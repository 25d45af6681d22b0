"""Audited code is never executed, imported or evaluated (SPEC §11), whatever the command.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams running testaudit on untrusted pull requests)
- Business Goal: Stability
- Value Impact: auditing a hostile branch cannot run its code on the CI machine
- Strategic Impact: a compliance tool is only trusted if looking is all it does
"""
from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner

from conftest import REPO, write_project
from testaudit.cli import main

PAYLOAD = "open({sentinel!r}, 'w').write('ran')\n"


def hostile(tmp_path: Path) -> Path:
    sentinel = tmp_path / "SENTINEL"
    payload = PAYLOAD.format(sentinel=str(sentinel))
    return write_project(tmp_path / "p", {
        # runs when imported, collected or executed as a script
        "conftest.py": payload + "import pytest\n\n\n@pytest.fixture\ndef client():\n    return 1\n",
        "tests/__init__.py": payload,
        "tests/integration/__init__.py": payload,
        "tests/integration/helpers.py": payload + "def make():\n    return 1\n",
        "tests/integration/test_hostile.py": (
            '"""Doc."""\n' + payload + "import os\nfrom .helpers import make\n"
            f"__import__('builtins').exec({payload!r})\n\n\n"
            "def test_it(client):\n    assert os.getenv('X') or make()\n\n\n"
            "if __name__ == '__main__':\n    " + payload),
        "tests/integration/test_broken.py": payload + "def test_(:\n",
    })


def sentinel_of(root: Path) -> Path:
    return root.parent / "SENTINEL"


@pytest.mark.parametrize("args", [
    ["check"], ["check", "--format", "json"], ["check", "--fix", "--unsafe-fixes"], ["check", "--diff"],
    ["baseline"], ["badge", "-o", "-"], ["check", "tests/integration/test_hostile.py"], ["init", "--stdout"],
])
def test_no_command_runs_the_audited_code(tmp_path: Path, args: List[str]) -> None:
    root = hostile(tmp_path)
    paths = [str(root / a) if a.startswith("tests/") else a for a in args[1:]]
    target = [] if any(a.startswith(str(root)) for a in paths) else [str(root)]
    res = CliRunner().invoke(main, [args[0], *target, *paths, "-j", "2"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    assert not sentinel_of(root).exists()


def test_since_reads_git_objects_without_running_them(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    root = hostile(tmp_path)
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *cmd], cwd=root, check=True, capture_output=True)
    (root / "tests/integration/test_hostile.py").write_text('"""Changed."""\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(root), "--since", "HEAD", "-j", "1"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    assert not sentinel_of(root).exists()


def _hostile_git_config(root: Path, marker_dir: Path) -> List[Path]:
    """A repository whose own config names commands git would run: an fsmonitor hook, clean /
    smudge / process filters and a textconv driver for every `.py` file. Returns the markers
    each command would create."""
    markers = [marker_dir / name for name in ("fsmonitor", "clean", "smudge", "process", "textconv")]
    (root / ".gitattributes").write_text("*.py filter=evil diff=evil\n", encoding="utf-8")
    for cmd in (["init", "-q"], ["add", "-A"], ["-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "x"]):
        subprocess.run(["git", *cmd], cwd=root, check=True, capture_output=True)
    fsmonitor, clean, smudge, process, textconv = markers
    for key, value in (("core.fsmonitor", f"touch {fsmonitor}; echo"), ("filter.evil.clean", f"touch {clean}; cat"),
                       ("filter.evil.smudge", f"touch {smudge}; cat"), ("filter.evil.process", f"touch {process}"),
                       ("diff.evil.textconv", f"touch {textconv}; cat")):
        subprocess.run(["git", "config", key, value], cwd=root, check=True, capture_output=True)
    return markers


@pytest.mark.parametrize("args", [["check"], ["check", "--since", "HEAD"], ["trend", "--last", "2"]])
def test_git_runs_nothing_the_audited_repository_configures(tmp_path: Path, args: List[str]) -> None:
    """SPEC §11: auditing a checkout runs none of the commands its `.git/config` names."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    root = write_project(tmp_path / "p", {"tests/test_a.py": "def test_a():\n    assert 1\n"})
    markers = _hostile_git_config(root, tmp_path)
    (root / "tests/test_a.py").write_text("def test_a():\n    assert 2\n", encoding="utf-8")  # a diff to read
    subprocess.run(["git", "status", "--short"], cwd=root, capture_output=True)  # plain git runs them:
    assert any(m.exists() for m in markers)  # the trap is armed (fsmonitor, process filter)
    for m in markers:
        m.unlink(missing_ok=True)
    res = CliRunner().invoke(main, [args[0], str(root), *args[1:], "-j", "1"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    assert [m.name for m in markers if m.exists()] == []


FORBIDDEN_CALLS = {"exec", "eval", "execfile", "import_module", "__import__", "run_module", "run_path",
                   "exec_module", "load_module", "spec_from_file_location"}


def test_the_code_never_calls_exec_eval_or_import_on_audited_text() -> None:
    """A guard on testaudit itself: none of these calls anywhere, and ``compile`` only to an AST."""
    problems = []
    for path in sorted((REPO / "testaudit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if name in FORBIDDEN_CALLS and not (name == "import_module" and _own_module(node)):
                problems.append(f"{where}: {name}()")
            if isinstance(func, ast.Name) and name == "compile" and not _ast_only(node):
                problems.append(f"{where}: compile() that may produce code")  # re.compile is fine
    assert not problems, problems


def _own_module(call: ast.Call) -> bool:
    """``import_module(f"testaudit.report.{name}")`` / ``(f"{pkg.__name__}.{info.name}")`` with
    ``pkg`` = ``testaudit.rules``: testaudit loading its own reporters and rules by name."""
    arg = call.args[0] if call.args else None
    if not isinstance(arg, ast.JoinedStr) or not arg.values:
        return False
    first = arg.values[0]
    if isinstance(first, ast.Constant):
        return str(first.value).startswith("testaudit.")
    return (isinstance(first, ast.FormattedValue) and isinstance(first.value, ast.Attribute)
            and first.value.attr == "__name__" and isinstance(first.value.value, ast.Name)
            and first.value.value.id == "pkg")


def _ast_only(call: ast.Call) -> bool:
    """``compile(..., flags=ast.PyCF_ONLY_AST)`` builds a tree and nothing runnable."""
    flags = call.args[3] if len(call.args) > 3 else next((k.value for k in call.keywords if k.arg == "flags"), None)
    return isinstance(flags, ast.Attribute) and flags.attr == "PyCF_ONLY_AST"


def test_python_m_testaudit_does_not_import_the_projects_own_modules(tmp_path: Path) -> None:
    """`python -m testaudit` in a project root: the project's `click.py` must not replace click."""
    import sys

    root = hostile(tmp_path)
    sentinel = tmp_path / "SHADOWED"
    (root / "click.py").write_text(f"open({str(sentinel)!r}, 'w').write('ran')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "testaudit", "check", ".", "-j", "1", "-q"], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert not sentinel.exists() and not sentinel_of(root).exists()
