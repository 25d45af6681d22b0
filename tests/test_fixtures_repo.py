"""fixtures_repo: every `# expect:` marker is reported, and nothing else is.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: every rule reports exactly the marked lines, no more, no fewer
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import FIXTURES, expected_markers, found


def _by_file(items):  # type: ignore[no-untyped-def]
    out = defaultdict(set)
    for path, line, code in items:
        out[path].add((line, code))
    return out


FILES = sorted({p for p, _, _ in expected_markers(FIXTURES, (".py", ".py.txt"))}
               | {p.relative_to(FIXTURES).as_posix().removesuffix(".txt")
                  for p in FIXTURES.rglob("*") if p.name.endswith((".py", ".py.txt"))})


@pytest.mark.parametrize("rel", FILES)
def test_markers_equal_findings(fixtures_run, rel: str) -> None:  # type: ignore[no-untyped-def]
    root, result = fixtures_run
    expected = _by_file(expected_markers(root)).get(rel, set())
    actual = _by_file(found(result)).get(rel, set())
    messages = {(f.location.line, f.code): f.message for f in result.findings if f.path == rel}
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    assert not missing and not extra, (
        f"{rel}: missing {missing}; unexpected {[(l, c, messages[(l, c)]) for l, c in extra]}"
    )


def test_every_rule_has_a_fixture_file() -> None:
    from testaudit.registry import all_rules

    codes = {code for _, _, code in expected_markers(FIXTURES, (".py", ".py.txt"))}
    missing = [cls.CODE for cls in all_rules() if cls.CODE not in codes]
    assert not missing, f"rules without a fixture marker: {missing}"


def test_cli_on_fixtures_repo_matches_markers_and_exits_1() -> None:
    """The README's first command, as a real subprocess of the installed console script."""
    exe = Path(sys.executable).with_name("testaudit")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "testaudit"]
    proc = subprocess.run([*cmd, "check", str(FIXTURES), "--format", "concise"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    reported = set()
    for line in proc.stdout.splitlines():
        if ": warning: " in line:
            continue
        loc, code = line.split(": ", 2)[:2]
        path, lineno, _ = loc.rsplit(":", 2)
        reported.add((path, int(lineno), code.split()[0]))
    assert reported == expected_markers(FIXTURES)


def test_output_is_identical_for_any_number_of_jobs(fixtures_run) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_project
    from testaudit.report.json import to_dict

    root, serial = fixtures_run
    parallel = run_project(root, jobs=2)
    assert to_dict(parallel) == to_dict(serial)
