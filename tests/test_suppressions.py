"""Suppressions (SPEC §5): inline, file-level, per-file-ignores, and TA002 for unused ones.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: suppressions work as documented and stale ones surface
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

from conftest import run_project, write_project

ENV = "import os\n\n\ndef test_a():\n    assert os.environ.get('A')\n    assert os.getenv('B')\n"


def codes(result):  # type: ignore[no-untyped-def]
    return sorted((f.path, f.location.line, f.code) for f in result.findings)


def test_per_file_ignores_by_glob_and_name(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/legacy/test_a.py": ENV, "tests/test_b.py": ENV},
                  "[tool.testaudit.per-file-ignores]\n'tests/legacy/*' = ['os-environ-access']\n")
    result = run_project(tmp_path, select=["TA301"])
    assert codes(result) == [("tests/test_b.py", 5, "TA301"), ("tests/test_b.py", 6, "TA301")]
    assert result.suppressed == 2


def test_per_file_ignores_name_only_glob(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/x/test_a.py": ENV}, "per-file-ignores = { 'test_a.py' = ['TA3'] }\n")
    assert codes(run_project(tmp_path, select=["TA301"])) == []


def test_ignore_file_in_first_ten_lines_only(tmp_path: Path) -> None:
    early = "# testaudit: ignore-file[TA301]\n" + ENV
    late = "\n" * 10 + "# testaudit: ignore-file[TA301]\n" + ENV
    write_project(tmp_path, {"tests/test_early.py": early, "tests/test_late.py": late})
    result = run_project(tmp_path, select=["TA301"])
    assert {p for p, _, _ in codes(result)} == {"tests/test_late.py"}


def test_bare_ignore_suppresses_all_rules_on_the_line(tmp_path: Path) -> None:
    code = "from os import environ  # testaudit: ignore\nfrom .x import y  # testaudit: ignore\n"
    write_project(tmp_path, {"tests/test_a.py": code})
    result = run_project(tmp_path, select=["TA201", "TA301", "TA002"])
    assert codes(result) == []


def test_unused_suppression_not_judged_for_unselected_rules(tmp_path: Path) -> None:
    code = "X = 1  # testaudit: ignore[TA101]\nY = 2  # testaudit: ignore[TA301]\n"
    write_project(tmp_path, {"tests/test_a.py": code})
    result = run_project(tmp_path, select=["TA301", "TA002"])
    assert codes(result) == [("tests/test_a.py", 2, "TA002")]


def test_suppression_text_inside_a_string_is_not_a_suppression(tmp_path: Path) -> None:
    code = ("import os\n\nDOC = 'write `# testaudit: ignore[TA301]` after a finding'\n"
            "X = os.environ['A']; Y = '# testaudit: ignore[TA301]'\n")
    write_project(tmp_path, {"tests/test_a.py": code})
    result = run_project(tmp_path, select=["TA301", "TA002"])
    assert codes(result) == [("tests/test_a.py", 4, "TA301")]


def test_an_unused_ignore_file_is_ta002_like_an_unused_line_suppression(tmp_path: Path) -> None:
    """A file-wide suppression that excuses nothing was never reported (issue 29): named codes
    with no finding, and a bare one in a file with none. One that excuses a finding, one naming
    a rule that did not run, and one in a file that does not parse (whose findings cannot all
    be known) are not reported."""
    clean = ('"""Sums.\n\nBusiness Value Justification (BVJ):\n- Segment: Platform\n- Business Goal: Stability\n'
             '- Value Impact: sums are right\n- Strategic Impact: trust\n"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n')
    write_project(tmp_path, {
        "tests/test_named.py": "# testaudit: ignore-file[TA301, TA803]\n" + clean,
        "tests/test_bare.py": "# testaudit: ignore-file\n" + clean,
        "tests/test_used.py": "# testaudit: ignore-file[TA301]\n" + ENV,
        "tests/test_other_rule.py": "# testaudit: ignore-file[TA401]\n" + clean,
        "tests/test_broken.py": "# testaudit: ignore-file[TA301]\ndef test_broken(:\n    pass\n",
    })
    result = run_project(tmp_path, select=["TA301", "TA803", "TA002", "TA001"])
    found = [(f.path, f.location.line, f.message) for f in result.findings if f.code == "TA002"]
    assert found == [("tests/test_named.py", 1,
                      "unused suppression `# testaudit: ignore-file[TA301, TA803]`: nothing is reported here")]
    everything = run_project(tmp_path)  # a bare one is judged only when every rule ran
    found = [(f.path, f.location.line, f.message) for f in everything.findings if f.code == "TA002"]
    assert ("tests/test_bare.py", 1, "unused suppression `# testaudit: ignore-file`: nothing is reported here") in found
    assert {p for p, _, _ in found} == {"tests/test_bare.py", "tests/test_named.py", "tests/test_other_rule.py"}
