"""The pre-commit hook, run by the real `pre-commit try-repo` in a scratch git repository.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: a commit with a policy violation in a staged test is stopped before it lands
- Strategic Impact: the policy is enforced where tests are written, not weeks later in review
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import REPO

BVJ = ('"""Orders.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: orders\n- Strategic Impact: revenue\n"""\n')
VIOLATION = BVJ + "from unittest.mock import MagicMock\n\n\ndef test_order():\n    assert MagicMock()\n"
FIXED = BVJ + "\n\ndef test_order():\n    assert sum([1, 2]) == 3\n"


def _pre_commit_available() -> bool:
    try:
        import pre_commit  # noqa: F401
        return True
    except ImportError:
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pre-commit"],
                              capture_output=True, text=True, timeout=300)
        return proc.returncode == 0


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",  # testaudit: ignore[TA301] (subprocess env)
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _hook_repo(dest: Path) -> Path:
    """This project's installable files, committed in a throwaway repository (try-repo needs git)."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, dest / name)
    shutil.copytree(REPO / "testaudit", dest / "testaudit", ignore=shutil.ignore_patterns("__pycache__"))
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "hook")
    return dest


def _try_repo(scratch: Path, hook_repo: Path, home: Path) -> subprocess.CompletedProcess:
    env: Dict[str, str] = {**os.environ, "PRE_COMMIT_HOME": str(home)}  # testaudit: ignore[TA301] (subprocess env)
    cmd: List[str] = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "testaudit", "--color", "never"]
    return subprocess.run(cmd, cwd=scratch, env=env, capture_output=True, text=True, timeout=900)


def test_hook_definition() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    for line in ("- id: testaudit", "entry: testaudit check --force-exclude", "language: python",
                 "types: [python]", "require_serial: true", "pass_filenames: true"):
        assert line in text


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_try_repo_fails_on_a_staged_violation_and_passes_once_fixed(tmp_path: Path) -> None:
    if not _pre_commit_available():
        pytest.skip("pre-commit cannot be installed here")
    hook_repo = _hook_repo(tmp_path / "hook")
    scratch = tmp_path / "scratch"
    (scratch / "tests" / "integration").mkdir(parents=True)
    (scratch / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    (scratch / "tests" / "integration" / "test_orders.py").write_text(VIOLATION, encoding="utf-8")
    (scratch / "tests" / "integration" / "test_unstaged.py").write_text("from . import x\n", encoding="utf-8")
    _git(scratch, "init", "-q")
    _git(scratch, "add", "pyproject.toml", "tests/integration/test_orders.py")

    failed = _try_repo(scratch, hook_repo, tmp_path / "home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "testaudit" in failed.stdout and "Failed" in failed.stdout
    assert "tests/integration/test_orders.py" in failed.stdout and "TA101" in failed.stdout
    assert "test_unstaged.py" not in failed.stdout  # only the staged files are passed
    assert _git(scratch, "status", "--porcelain", "--untracked-files=all") == \
        "A  pyproject.toml\nA  tests/integration/test_orders.py\n?? tests/integration/test_unstaged.py\n"

    (scratch / "tests" / "integration" / "test_orders.py").write_text(FIXED, encoding="utf-8")
    _git(scratch, "add", "tests/integration/test_orders.py")
    passed = _try_repo(scratch, hook_repo, tmp_path / "home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    # the hook wrote nothing into the repository: no badge, no report, no cache outside an ignored folder
    status = _git(scratch, "status", "--porcelain", "--untracked-files=all", "--ignored")
    cache = [line for line in status.splitlines(keepends=True) if line.startswith("!! .testaudit_cache/")]
    assert cache, "the hook's cache should exist, ignored by git"
    status = "".join(line for line in status.splitlines(keepends=True) if line not in cache)
    assert status == "A  pyproject.toml\nA  tests/integration/test_orders.py\n?? tests/integration/test_unstaged.py\n"
