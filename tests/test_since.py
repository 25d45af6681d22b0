"""Changed-files mode: `check --since REV` reports what changed and the score's move since REV.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams reviewing pull requests)
- Business Goal: Velocity
- Value Impact: a PR shows only its own findings and what it did to the score
- Strategic Impact: reviewers see the effect of a change without wading through legacy debt
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
CLEAN = BVJ + "import pytest\n\n\n@pytest.mark.integration\ndef test_ok():\n    assert 1 + 1 == 2\n"
MOCKED = BVJ + ("from unittest.mock import MagicMock\n\nimport pytest\n\n\n@pytest.mark.integration\n"
                "def test_mocked():\n    assert MagicMock()\n")
NO_BVJ = "def test_plain():\n    assert 1 + 1 == 2\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "repo", {
        "tests/integration/test_a.py": CLEAN, "tests/integration/test_b.py": MOCKED,
        "tests/integration/test_c.py": CLEAN, "tests/integration/test_gone.py": MOCKED,
    })
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "-A")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "one")
    return root


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", message)


def score_at(root: Path, rev: str, tmp_path: Path) -> float:
    """The reference: a real checkout of ``rev`` in a separate clone, checked in full."""
    clone = tmp_path / f"clone-{rev.replace('~', '_')}"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    git(clone, "checkout", "-q", git(root, "rev-parse", rev).strip())
    res = invoke("check", str(clone), "--format", "json", "-j", "1", "--no-cache")
    return float(json.loads(res.stdout)["summary"]["score"])


def test_only_changed_and_untracked_files_are_reported_with_the_score_delta(repo: Path, tmp_path: Path) -> None:
    (repo / "tests/integration/test_a.py").write_text(MOCKED.replace("test_mocked", "test_a"), encoding="utf-8")
    (repo / "tests/integration/test_new.py").write_text(NO_BVJ, encoding="utf-8")  # untracked
    status = git(repo, "status", "--porcelain")
    res = invoke("check", str(repo), "--since", "HEAD", "--format", "json", "-j", "1")
    data = json.loads(res.stdout)
    assert {f["path"] for f in data["findings"]} == {"tests/integration/test_a.py", "tests/integration/test_new.py"}
    since = data["summary"]["since"]
    assert since["rev"] == "HEAD"
    assert since["changed_files"] == ["tests/integration/test_a.py", "tests/integration/test_new.py"]
    assert since["score_after"] == data["summary"]["score"]
    assert since["score_before"] == score_at(repo, "HEAD", tmp_path)
    assert since["score_before"] > since["score_after"]
    assert git(repo, "status", "--porcelain") == status  # nothing checked out, staged or written
    assert res.exit_code == 1  # test_b's old mock is not reported, the new ones fail the run


def test_a_committed_change_and_a_deleted_file(repo: Path, tmp_path: Path) -> None:
    (repo / "tests/integration/test_b.py").write_text(CLEAN.replace("test_ok", "test_b"), encoding="utf-8")
    (repo / "tests/integration/test_gone.py").unlink()
    commit(repo, "two")
    res = invoke("check", str(repo), "--since", "HEAD~1", "--format", "text", "-j", "1")
    assert res.exit_code == 0, res.output
    before, after = score_at(repo, "HEAD~1", tmp_path), score_at(repo, "HEAD", tmp_path)
    assert after > before
    assert f"Score since HEAD~1: {before:.1f} → {after:.1f} (+{after - before:.1f}; complying test modules" in res.output
    assert "Score since HEAD~1: 50.0 → 100.0 (+50.0; complying test modules 2 of 4 → 3 of 3)" in res.output
    assert "1 Python file changed since then" in res.output
    markdown = invoke("check", str(repo), "--since", "HEAD~1", "--format", "markdown", "-j", "1").stdout
    assert f"Score since HEAD~1: {before:.1f} → {after:.1f}" in markdown


def test_a_run_reuses_the_cache_for_unchanged_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testaudit import analyze

    invoke("check", str(repo), "-j", "1")  # fills the cache
    (repo / "tests/integration/test_c.py").write_text(MOCKED, encoding="utf-8")
    seen = []
    real = analyze.analyze_file
    monkeypatch.setattr(analyze, "analyze_file", lambda src, role="check": seen.append(src.rel) or real(src, role))
    invoke("check", str(repo), "--since", "HEAD", "-j", "1")
    assert sorted(seen) == ["tests/integration/test_c.py", "tests/integration/test_c.py"]  # now, and at HEAD


@pytest.mark.parametrize("rev, expected", [("no-such-rev", "is not a commit"), ("HEAD~5", "is not a commit")])
def test_an_unknown_revision_is_one_line_and_exit_2(repo: Path, rev: str, expected: str) -> None:
    res = invoke("check", str(repo), "--since", rev, "-j", "1")
    assert res.exit_code == 2
    assert expected in res.output and "Traceback" not in res.output


def test_outside_a_git_repository_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = write_project(tmp_path / "plain", {"tests/test_x.py": NO_BVJ})
    res = invoke("check", str(root), "--since", "HEAD", "-j", "1")
    assert res.exit_code == 2
    assert "--since" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("before, after, shown", [
    (81.24, 81.21, "81.2 → 81.2 (±0.0)"),  # a move below the printed precision is no move
    (80.04, 81.26, "80.0 → 81.3 (+1.3)"),
    (81.26, 80.04, "81.3 → 80.0 (−1.3)"),
])
def test_the_delta_is_the_difference_of_the_printed_scores(before: float, after: float, shown: str) -> None:
    from testaudit.model import RunResult, ScoreDelta
    from testaudit.report.summary import status_notes

    result = RunResult(root=".", findings=(), modules=(), files_checked=0,
                       delta=ScoreDelta("HEAD", before, after, ("a.py",)))
    assert status_notes(result) == [f"score since HEAD: {shown}; findings shown for the 1 Python file changed since then"]
    counted = RunResult(root=".", findings=(), modules=(), files_checked=0,
                        delta=ScoreDelta("HEAD", 50.0, 100.0, ("a.py",), 1, 2, 3, 3))
    assert status_notes(counted) == ["score since HEAD: 50.0 → 100.0 (+50.0; complying test modules 1 of 2 → 3 of 3); "
                                     "findings shown for the 1 Python file changed since then"]
