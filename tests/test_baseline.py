"""Adopting on a legacy suite: the baseline file, its fingerprints, pruning and the ratchet.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams adopting testaudit on an existing suite)
- Business Goal: Growth
- Value Impact: day one is one command; from then on only new debt fails the build
- Strategic Impact: a baseline that survives everyday edits is one teams keep using
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import main

BVJ = ('"""Checkout flow.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
MODULE = BVJ + '''import os
from unittest.mock import MagicMock

import pytest


@pytest.mark.integration
def test_pays():
    client = MagicMock()
    assert client


@pytest.mark.integration
def test_refunds():
    token = os.environ["TOKEN"]
    assert token


@pytest.mark.integration
def test_lists():
    assert sorted([1]) == [1]
'''
OTHER = BVJ + '''

def test_other():
    assert 1 + 1 == 2
'''


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "p", {"tests/integration/test_pay.py": MODULE, "tests/unit/test_other.py": OTHER})
    res = invoke("baseline", str(root), "-j", "1")
    assert res.exit_code == 0, res.output
    assert "2 entries (0 kept, 2 added, 0 removed as fixed)" in res.output
    return root


def check(root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke("check", str(root), "--format", "concise", "-j", "1", *extra)


def edit(root: Path, old: str, new: str, rel: str = "tests/integration/test_pay.py") -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def entries(root: Path) -> List[dict]:
    return json.loads((root / ".testaudit-baseline.json").read_text(encoding="utf-8"))["entries"]


def test_the_file_is_sorted_one_entry_per_line_and_has_no_line_numbers(project: Path) -> None:
    text = (project / ".testaudit-baseline.json").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip().startswith('{"path"')]
    assert len(lines) == 2 and lines == sorted(lines)
    got = entries(project)
    assert {e["code"] for e in got} == {"TA101", "TA301"}
    assert {e["scope"] for e in got} == {"tests/integration/test_pay.py::test_pays",
                                         "tests/integration/test_pay.py::test_refunds"}
    assert all(set(e) == {"path", "code", "scope", "hash", "occurrence", "message"} for e in got)
    assert json.loads(text)["score"] is not None
    assert invoke("baseline", str(project), "-j", "1").output.startswith("testaudit: unchanged:")


def test_check_passes_and_counts_the_baselined_findings(project: Path) -> None:
    res = check(project, "--format", "text")
    assert res.exit_code == 0, res.output
    assert "2 baselined findings in" in res.output and "--show-baselined lists them" in res.output
    assert "TA101" not in res.output.split("baselined")[0]


@pytest.mark.parametrize("old, new", [
    (BVJ, BVJ + "\n\n\n\n\n"),  # lines added above
    ("    client = MagicMock()", "    client = MagicMock(  )"),  # whitespace reformatted
    ("def test_lists():", "def test_lists_renamed():"),  # an unrelated test renamed
    ("def test_pays():\n", "def test_pays():\n    total = 1 + 1\n"),  # the flagged test edited elsewhere
])
def test_everyday_edits_keep_entries_matching(project: Path, old: str, new: str) -> None:
    edit(project, old, new)
    res = check(project)
    assert res.exit_code == 0, res.output
    assert "TA101" not in res.output and "TA301" not in res.output


def test_moving_a_test_keeps_its_entry(project: Path) -> None:
    text = (project / "tests/integration/test_pay.py").read_text(encoding="utf-8")
    head, pays, refunds, lists = text.split("@pytest.mark.integration\n")
    (project / "tests/integration/test_pay.py").write_text(
        head + "@pytest.mark.integration\n" + lists.rstrip() + "\n\n\n@pytest.mark.integration\n" + refunds
        + "@pytest.mark.integration\n" + pays, encoding="utf-8")
    assert check(project).exit_code == 0


@pytest.mark.parametrize("old, new, code", [
    ("def test_pays():", "def test_pays_by_card():", "TA101"),  # its test renamed
    ("client = MagicMock()", "client = MagicMock(spec=object)", "TA101"),  # the flagged code changed
])
def test_renaming_its_test_or_changing_the_construct_invalidates_the_entry(project: Path, old: str, new: str,
                                                                           code: str) -> None:
    edit(project, old, new)
    res = check(project)
    assert res.exit_code == 1
    reported = [line for line in res.output.splitlines() if ": TA" in line]
    assert len(reported) == 1 and f" {code} " in reported[0]
    assert "1 baseline entry no longer matches" not in res.output  # concise prints no summary


def test_a_new_violation_is_the_only_one_reported(project: Path) -> None:
    edit(project, "    assert client\n", "    assert client\n    other = MagicMock()\n    assert other\n")
    res = check(project)
    assert res.exit_code == 1
    reported = [line for line in res.output.splitlines() if ": TA" in line]
    lines = (project / "tests/integration/test_pay.py").read_text(encoding="utf-8").splitlines()
    new_line = lines.index("    other = MagicMock()") + 1
    assert len(reported) == 1 and f":{new_line}:13: TA101" in reported[0]


def test_identical_siblings_are_told_apart_by_occurrence(project: Path) -> None:
    edit(project, "    assert client\n", "    assert client\n    client = MagicMock()\n")
    invoke("baseline", str(project), "-j", "1", "--allow-new")
    assert sorted(e["occurrence"] for e in entries(project) if e["code"] == "TA101") == [0, 1]
    edit(project, "    client = MagicMock()\n    assert client\n    client = MagicMock()\n",
         "    client = MagicMock()\n    assert client\n")
    res = check(project, "--format", "text")
    assert res.exit_code == 0
    assert "1 baseline entry no longer matches a finding (fixed)" in res.output
    assert "testaudit baseline --prune" in res.output


def test_prune_removes_fixed_entries_and_adds_nothing(project: Path) -> None:
    edit(project, '    token = os.environ["TOKEN"]\n', '    token = "x"\n')  # fixes TA301
    edit(project, "    assert client\n", "    assert client\n    other = MagicMock()\n")  # a new TA101
    res = invoke("baseline", str(project), "-j", "1", "--prune")
    assert res.exit_code == 0, res.output
    assert "1 entries (1 kept, 0 added, 1 removed as fixed)" in res.output
    assert [e["code"] for e in entries(project)] == ["TA101"]
    assert check(project).exit_code == 1  # the new one was not absorbed


def test_updating_refuses_new_findings_unless_allowed(project: Path) -> None:
    edit(project, "    assert client\n", "    assert client\n    other = MagicMock()\n")
    res = check(project, "--update-baseline")
    assert res.exit_code == 1
    assert "1 new finding was not recorded" in res.output
    assert len(entries(project)) == 2
    res = check(project, "--update-baseline", "--allow-new")
    assert res.exit_code == 0, res.output
    assert len(entries(project)) == 3
    assert check(project).exit_code == 0


def test_the_ratchet_fails_when_the_score_drops_below_the_recorded_one(project: Path) -> None:
    recorded = json.loads((project / ".testaudit-baseline.json").read_text(encoding="utf-8"))["score"]
    assert recorded == 50.0  # test_other complies, test_pay does not (its findings are baselined)
    # deleting the complying module adds no finding, so it alone never fails a run, but lowers the score
    (project / "tests/unit/test_other.py").unlink()
    assert check(project).exit_code == 0
    res = check(project, "--fail-on-regression")
    assert res.exit_code == 1
    assert f"is below the baseline's {recorded}" in res.output
    assert "(--fail-on-regression)" in res.output


def _legacy(project: Path, score: float) -> None:
    """The baseline as an earlier testaudit wrote it: a weighted-mean score, no ``score_formula``."""
    path = project / ".testaudit-baseline.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data.pop("score_formula") == 2
    data["score"] = score
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_a_legacy_score_is_ignored_with_a_notice_and_replaced_on_the_next_write(project: Path) -> None:
    _legacy(project, 97.3)  # far above today's 50.0: trusting it would fail every ratchet run
    res = check(project, "--fail-on-regression", "--format", "text")
    assert res.exit_code == 0, res.output
    assert "the recorded score 97.3 is the old weighted mean of rule compliance and is ignored" in res.output
    assert "below the baseline" not in res.output
    res = invoke("baseline", str(project), "-j", "1")
    assert "the old score 97.3 (a weighted mean of rule compliance) is replaced" in res.output
    data = json.loads((project / ".testaudit-baseline.json").read_text(encoding="utf-8"))
    assert (data["score"], data["score_formula"]) == (50.0, 2)
    assert "old weighted mean" not in check(project, "--fail-on-regression", "--format", "text").output


def test_a_legacy_score_below_todays_does_not_pass_by_accident_either(project: Path) -> None:
    _legacy(project, 12.5)  # below today's 50.0; the ratchet then compares with 50.0, once recorded
    res = invoke("baseline", str(project), "--prune", "-j", "1")  # an update that only prunes
    data = json.loads((project / ".testaudit-baseline.json").read_text(encoding="utf-8"))
    assert data["score"] == 50.0, res.output  # not "kept because higher": the old figure is no score


def test_show_baselined_lists_them_without_failing(project: Path) -> None:
    res = check(project, "--show-baselined", "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert [f["baselined"] for f in data["findings"]] == [True, True]
    assert data["summary"]["baseline"]["baselined"] == 2
    assert data["summary"]["score"] < 100  # the debt still counts


def test_no_baseline_reports_everything(project: Path) -> None:
    res = check(project, "--no-baseline")
    assert res.exit_code == 1
    assert res.output.count(": TA") == 2


def test_a_configured_baseline_path_is_used(tmp_path: Path) -> None:
    root = write_project(tmp_path / "q", {"tests/integration/test_pay.py": MODULE},
                         'baseline = "ci/testaudit-baseline.json"\n')
    (root / "ci").mkdir()
    assert invoke("baseline", str(root), "-j", "1").exit_code == 0
    assert (root / "ci/testaudit-baseline.json").is_file() and not (root / ".testaudit-baseline.json").exists()
    assert check(root).exit_code == 0


@pytest.mark.parametrize("content, expected", [
    ("{not json", "the baseline is not valid JSON"),
    ('{"version": 9, "entries": []}', "not a testaudit baseline"),
    ('{"version": 1, "entries": [{"path": "x"}]}', "entry 1 needs path, code, scope, hash and occurrence"),
])
def test_a_broken_baseline_is_one_line_and_exit_2(project: Path, content: str, expected: str) -> None:
    (project / ".testaudit-baseline.json").write_text(content, encoding="utf-8")
    res = check(project)
    assert res.exit_code == 2
    assert expected in res.output and ".testaudit-baseline.json" in res.output
    assert "Traceback" not in res.output


def test_a_missing_baseline_file_named_on_the_command_line_is_an_error(project: Path) -> None:
    res = check(project, "--baseline", str(project / "nope.json"))
    assert res.exit_code == 2 and "baseline file not found" in res.output


def test_findings_about_the_whole_module_survive_lines_added_above(tmp_path: Path) -> None:
    """TA401 without a docstring and TA602 are reported at line 1, whatever is written there."""
    root = write_project(tmp_path / "m", {
        "tests/unit/test_bare.py": "import pytest\n\n\ndef test_x():\n    assert pytest\n",
        "tests/unit/test_disabled.py": '"""Off."""\n# def test_old():\n#     assert 1\n',
    })
    assert invoke("baseline", str(root), "-j", "1").exit_code == 0
    assert {e["code"] for e in entries(root)} >= {"TA401", "TA602"}
    for rel in ("tests/unit/test_bare.py", "tests/unit/test_disabled.py"):
        path = root / rel
        path.write_text("\n" * 5 + path.read_text(encoding="utf-8"), encoding="utf-8")
    res = check(root)
    assert res.exit_code == 0, res.output


def test_hashes_come_from_the_worker_and_only_project_findings_read_the_file_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker hashes its file's findings from the lines it holds; the engine reads a file again
    only for findings it makes itself (project rules, unused suppressions). Every hash is the
    one :func:`source_hash` gives for the flagged text."""
    from conftest import run_project
    from testaudit import tree
    from testaudit.baseline import source_hash
    from testaudit.model import WHOLE_MODULE
    from testaudit.source import read_lines

    root = write_project(tmp_path, {
        "app/__init__.py": "",
        "tests/unit/test_local.py": "import os\n\n\ndef test_env():\n    assert os.environ['HOME']\n",
        "tests/unit/test_project.py": "from app.missing import thing\n\n\ndef test_it():\n    assert thing\n",
        "tests/unit/test_unused.py": "def test_fine():\n    assert 1  # testaudit: ignore[TA301]\n",
    })
    read: List[str] = []
    real = tree.FileTree.lines
    monkeypatch.setattr(tree.FileTree, "lines", lambda self, rel: read.append(rel) or real(self, rel))
    result = run_project(root, jobs=1)
    codes = {(f.path, f.code) for f in result.findings}
    assert ("tests/unit/test_local.py", "TA301") in codes and ("tests/unit/test_project.py", "TA202") in codes
    assert ("tests/unit/test_unused.py", "TA002") in codes
    assert sorted(read) == ["tests/unit/test_project.py", "tests/unit/test_unused.py"]
    for f in result.findings:  # a finding about the whole module hashes no text
        assert f.source_hash == source_hash(() if WHOLE_MODULE in f.tags else read_lines(str(root / f.path)), f.location)


def test_evolve_is_dataclasses_replace_for_findings() -> None:
    """The engine fills in each finding's category, node id, scope and hash with ``evolve``:
    the same finding ``replace`` makes, the original untouched, an unknown field refused."""
    import dataclasses

    import pytest

    from testaudit.model import Finding, Location, Severity, evolve

    f = Finding("tests/test_a.py", "TA101", "mock-in-integration", Severity.ERROR, "m", Location(3, 5, 3, 9),
                tags=("t",))
    changes = {"category": "integration", "node_id": "tests/test_a.py::test_a", "scope": "s", "source_hash": "h"}
    made = evolve(f, **changes)
    assert made == dataclasses.replace(f, **changes) and type(made) is Finding
    assert f.category is None and f.source_hash == "" and hash(made) == hash(dataclasses.replace(f, **changes))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.category = "e2e"  # type: ignore[misc]
    with pytest.raises(TypeError, match="no field 'categroy'"):
        evolve(f, categroy="unit")
