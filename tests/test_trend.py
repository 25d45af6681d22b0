"""`testaudit trend`: the score at each of the last N commits touching Python files, from git's
objects (never a checkout), cached, as JSON, text, an SVG chart and a section of the HTML report.

Business Value Justification (BVJ):
- Segment: Platform/Internal (leads tracking a test-debt pay-down)
- Business Goal: Retention
- Value Impact: a team sees whether its suite gets better or worse, commit by commit
- Strategic Impact: a trend that matches a real checkout at every commit is a number leads can quote
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest
from click.testing import CliRunner

from conftest import write_project
from test_since import CLEAN, MOCKED  # the same small projects as the --since tests
from testaudit import api, engine
from testaudit.cli import main
from testaudit.config import load_config

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

BROKEN = "def test_broken(:\n    pass\n"
SUBJECT = "mock </script><script>window.__pwned=1</script> \x1b[31m"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """Five commits: only a file that does not parse; clean tests; a mock; docs only (no .py);
    a module removed and one fixed. Then a dirty work tree: an edit and an untracked file."""
    root = write_project(tmp_path / "repo", {"tests/integration/test_a.py": BROKEN})
    git(root, "init", "-q", "-b", "main")
    commit(root, "nothing parses")
    (root / "tests/integration/test_a.py").write_text(CLEAN, encoding="utf-8")
    (root / "tests/integration/test_b.py").write_text(CLEAN, encoding="utf-8")
    commit(root, "clean tests")
    (root / "tests/integration/test_c.py").write_text(MOCKED, encoding="utf-8")
    commit(root, SUBJECT)
    (root / "README.md").write_text("docs\n", encoding="utf-8")
    commit(root, "docs only")
    (root / "tests/integration/test_b.py").unlink()
    (root / "tests/integration/test_a.py").write_text(MOCKED.replace("test_mocked", "test_a"), encoding="utf-8")
    commit(root, "remove b, mock a")
    (root / "tests/integration/test_c.py").write_text(CLEAN, encoding="utf-8")  # uncommitted
    (root / "tests/integration/test_new.py").write_text(BROKEN, encoding="utf-8")  # untracked
    return root


def checkout_score(root: Path, sha: str, tmp_path: Path) -> Tuple[float, int, int]:
    """The reference: a real checkout of ``sha`` in a separate clone, checked in full: its score,
    complying test modules and test modules."""
    clone = tmp_path / f"clone-{sha[:8]}"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    git(clone, "checkout", "-q", sha)
    res = CliRunner().invoke(main, ["check", str(clone), "--format", "json", "-j", "1", "--no-cache"])
    summary = json.loads(res.stdout)["summary"]
    return float(summary["score"]), summary["complying"], summary["test_modules"]


def snapshot(root: Path) -> List[str]:
    return sorted(f"{p.relative_to(root)}:{p.read_bytes()!r}" for p in root.rglob("*.py"))


def test_scores_equal_a_real_checkout_at_every_commit(repo: Path, tmp_path: Path) -> None:
    status, files = git(repo, "status", "--porcelain"), snapshot(repo)
    out = tmp_path / "trend.json"
    res = CliRunner().invoke(main, ["trend", str(repo), "--last", "10", "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    points = json.loads(out.read_text(encoding="utf-8"))["points"]
    log = git(repo, "log", "--format=%H %s", "--", "*.py").splitlines()
    assert [p["commit"] for p in points] == [line.split(" ", 1)[0] for line in reversed(log)]  # oldest first
    assert [p["subject"] for p in points] == ["nothing parses", "clean tests", SUBJECT, "remove b, mock a"]
    for p in points:
        assert (p["score"], p["complying"], p["test_modules"]) == checkout_score(repo, p["commit"], tmp_path), \
            p["subject"]
    assert points[0]["rules"]["TA001"] == 0.0  # the commit where nothing parses fails every rule
    assert points[1]["score"] == 100.0 and points[2]["score"] < 100.0
    assert git(repo, "status", "--porcelain") == status and snapshot(repo) == files  # work tree untouched


def test_fewer_commits_than_asked_and_the_last_n(repo: Path) -> None:
    config = load_config(repo)
    assert len(api.trend([str(repo)], config, 50, jobs=1)) == 4
    two = api.trend([str(repo)], config, 2, jobs=1)
    assert [p.subject for p in two] == [SUBJECT, "remove b, mock a"]


def test_a_second_run_is_served_by_the_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(repo)
    first = api.trend([str(repo)], config, 10, jobs=1)

    def no_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran again")

    monkeypatch.setattr(engine, "run", no_engine)
    assert api.trend([str(repo)], config, 10, jobs=1) == first
    monkeypatch.undo()
    # another selection is another question: not served from the first run's records
    monkeypatch.setattr(engine, "run", no_engine)
    with pytest.raises(AssertionError, match="the engine ran again"):
        api.trend([str(repo)], config, 10, jobs=1, select=["TA101"])


def test_trend_does_not_spoil_the_cache_of_the_work_tree(repo: Path) -> None:
    res = CliRunner().invoke(main, ["check", str(repo), "--format", "json", "-j", "1"])
    before = json.loads(res.stdout)["summary"]
    CliRunner().invoke(main, ["trend", str(repo), "-j", "1", "-o", str(repo.parent / "t.json")])
    res = CliRunner().invoke(main, ["check", str(repo), "--format", "json", "-j", "1"])
    assert json.loads(res.stdout)["summary"] == before


def test_not_a_git_repository_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = write_project(tmp_path / "plain", {"tests/test_x.py": CLEAN})
    res = CliRunner().invoke(main, ["trend", str(root)])
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "not in a git work tree" in res.stderr


def test_trend_in_check_needs_the_html_format(repo: Path) -> None:
    res = CliRunner().invoke(main, ["check", str(repo), "--format", "json", "--trend", "3"])
    assert res.exit_code == 2 and "--trend only applies with --format html" in res.stderr


def test_text_html_and_report_section(repo: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["trend", str(repo), "-j", "1"])
    assert res.exit_code == 0 and "\x1b" not in res.stdout
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["commit", "date", "score", "complying", "findings", "subject"]
    assert lines[1].split()[-1] == "a" and len(lines) == 5  # newest first

    page = tmp_path / "trend.html"
    assert CliRunner().invoke(main, ["trend", str(repo), "-o", str(page), "-j", "1"]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and html.lower().count("<script") == 2
    assert html.count('<g class="rule-line"') == html.count("data-rule-toggle=") > 0
    assert "window.__pwned=1</script>" not in html and "&lt;/script&gt;&lt;script&gt;window.__pwned=1" in html

    report = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["check", str(repo), "--format", "html", "--trend", "3", "-o", str(report),
                                    "-j", "1", "--exit-zero"])
    assert res.exit_code == 0, res.output
    html = report.read_text(encoding="utf-8")
    section = re.search(r'<section id="trend".*?</section>', html, re.S)
    assert section and "Score over the last 3 commits" in section.group()
    overall = re.search(r'<g class="overall-line">(.*?)</g>', section.group(), re.S)
    assert overall and overall.group(1).count("<circle") == 3


def test_line_breaks_in_subjects_and_file_names(tmp_path: Path) -> None:
    """A U+2028 in a commit subject ended a `git log` record (a fake point, or exit 2), and a
    newline in a file name shifted every later file's content in the `cat-file --batch` request."""
    root = write_project(tmp_path / "repo", {"tests/integration/test_a.py": CLEAN})
    git(root, "init", "-q", "-b", "main")
    commit(root, "first\u2028deadbeef\u2028fake")
    try:
        (root / "tests/integration/test_\nodd.py").write_text(MOCKED, encoding="utf-8")
    except OSError:
        pytest.skip("this file system refuses newlines in names")
    (root / "tests/integration/test_z.py").write_text(MOCKED, encoding="utf-8")
    commit(root, "second")
    (root / "tests/integration/test_\nodd.py").write_text(CLEAN, encoding="utf-8")  # differs from HEAD
    points = api.trend([str(root)], load_config(root), 5, jobs=1, cache=False)
    assert [p.subject for p in points] == ["first\u2028deadbeef\u2028fake", "second"]
    from testaudit.gitrev import changes_since

    then = changes_since(str(root), "HEAD").then
    assert then["tests/integration/test_\nodd.py"] == MOCKED.encode("utf-8")


def test_bidi_and_invisible_characters_in_subjects_are_shown_escaped(tmp_path: Path) -> None:
    """A commit subject is text from the audited repository: a bidi override (U+202E) would
    reorder what a reviewer reads, a zero-width space hide a difference. The terminal view and the
    HTML page show each as its escape; JSON keeps the subject as git has it (lossless)."""
    subject = "fix \u202egnp.exe\u202c and zero\u200bwidth"
    root = write_project(tmp_path / "repo", {"tests/integration/test_a.py": CLEAN})
    git(root, "init", "-q", "-b", "main")
    commit(root, subject)
    text = CliRunner().invoke(main, ["trend", str(root), "-j", "1"]).stdout
    assert "fix \\u202egnp.exe\\u202c and zero\\u200bwidth" in text
    page = tmp_path / "trend.html"
    assert CliRunner().invoke(main, ["trend", str(root), "-o", str(page), "-j", "1"]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("fix \\u202egnp.exe\\u202c and zero\\u200bwidth") == 2  # chart point and table row
    for shown in (text, html):
        assert not {"\u202e", "\u202c", "\u200b"} & set(shown)
    as_json = CliRunner().invoke(main, ["trend", str(root), "--format", "json", "-j", "1"]).stdout
    assert [p["subject"] for p in json.loads(as_json)["points"]] == [subject]
