"""`testaudit verify`: every claim of a report judged against the code, end to end.

Business Value Justification (BVJ):
- Segment: Platform/Internal (reviewers of generated test campaigns)
- Business Goal: Stability
- Value Impact: a campaign report's counts, "no mocks" and scores are checked in one command
- Strategic Impact: claims that cannot hide are claims people stop inflating
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Set, Tuple

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, write_project
from testaudit.cli import main
from testaudit.verify.resolve import AMBIGUOUS, FOUND, MISSING, FileIndex

REPORT = FIXTURES / "reports" / "billing_campaign.md"
MARKER = re.compile(r"<!-- verdicts: ([^>]*) -->")


def invoke(*args: str, stdin: str = ""):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def expected_verdicts(path: Path) -> Set[Tuple[int, str, str]]:
    out = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = MARKER.search(line)
        if match:
            out |= {(number, *pair.split("=", 1)) for pair in match.group(1).split()}  # type: ignore[misc]
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of fixtures_repo, so the verify runs' cache stays out of the repository."""
    root = tmp_path_factory.mktemp("verify") / "fixtures_repo"
    shutil.copytree(FIXTURES, root, ignore=shutil.ignore_patterns(".testaudit_cache"))
    return root


@pytest.fixture(scope="module")
def billing(project: Path) -> dict:
    res = invoke("verify", str(project / "reports" / "billing_campaign.md"), "--root", str(project),
                 "--format", "json", "-j", "1")
    assert res.exit_code == 1, res.output  # the report holds false claims
    return json.loads(res.stdout)


def test_every_verdict_of_the_report_is_the_one_its_markers_expect(billing: dict) -> None:
    """Exact, both ways: each marked (line, kind, verdict) is produced, and nothing else is."""
    got = {(c["report_line"], c["kind"], c["verdict"]) for c in billing["claims"]}
    assert got == expected_verdicts(REPORT)


def _claim(data: dict, kind: str, text: str) -> dict:
    (found,) = [c for c in data["claims"] if c["kind"] == kind and text in c["text"]]
    return found


def test_false_verdicts_carry_their_evidence(billing: dict) -> None:
    mocks = _claim(billing, "no-mocks", "Zero mock objects")
    assert mocks["subject"] == ["campaign/tests/integration/test_invoice_export_integration.py"]
    assert mocks["evidence"][0].startswith("campaign/tests/integration/test_invoice_export_integration.py:20: TA101")
    retry = _claim(billing, "test-count", "TestBillingRetry")  # a sub-count checked against the class it names
    assert (retry["claimed"], retry["measured"]) == (3, 2)
    sync = _claim(billing, "test-count", "Suite 1: Billing Sync")  # a heading's count, about its File: line
    assert sync["subject"] == ["campaign/tests/integration/test_billing_sync_integration.py"]
    assert (sync["claimed"], sync["measured"]) == (6, "6 (8 with parametrize cases)")
    score = _claim(billing, "score", "SSOT Compliance")
    assert score["measured"] == 50.0 and "2 of 4 test modules comply" in score["evidence"][0]
    assert _claim(billing, "imports-resolve", "Refund")["claimed"] == "campaign.billing.models.Refund"


def test_totals_are_judged_only_when_the_report_lists_what_they_count(billing: dict) -> None:
    """A part named by its label, or a total that also counts suites the report names no file
    for, is unverifiable with the reason; "across N test files" naming as many is judged."""
    assert _claim(billing, "total-tests", "Unit Tests: 3")["evidence"] == [
        "it counts a part of the report (Unit Tests) that the report does not list"]
    assert _claim(billing, "total-tests", "delivered 20")["evidence"][0].startswith(
        "it also counts tests the report names no file for (line ")
    wrote = _claim(billing, "total-tests", "we wrote 30 tests")
    assert (wrote["verdict"], wrote["measured"]) == ("false", "14 (16 with parametrize cases)")


def test_the_json_document_has_the_specified_shape(billing: dict) -> None:
    assert set(billing) == {"version", "report", "root", "files", "claims", "summary"}
    assert billing["version"] == 1
    missing = [f for f in billing["files"] if f["status"] == "missing"]
    assert [(f["mention"], f["path"]) for f in missing] == [("test_refunds_integration.py", None)]
    for claim in billing["claims"]:
        assert set(claim) == {"kind", "report_line", "text", "subject", "claimed", "measured", "verdict", "evidence"}
        assert len(claim["text"]) <= 120
    summary = billing["summary"]
    assert summary["claims"] == len(billing["claims"]) == summary["holds"] + summary["false"] + summary["unverifiable"]


def test_text_and_markdown(project: Path, billing: dict) -> None:
    report = str(project / "reports" / "billing_campaign.md")
    text = invoke("verify", report, "--root", str(project), "-j", "1").stdout
    s = billing["summary"]
    assert text.rstrip().endswith(f"{s['claims']} claims: {s['holds']} hold, {s['false']} false, "
                                  f"{s['unverifiable']} unverifiable")
    assert "Suite 1: Billing Sync (6 tests)" in text  # a table per section, headings repaired
    markdown = invoke("verify", report, "--root", str(project), "--format", "markdown", "-j", "1").stdout
    false_part = markdown.split("### False claims", 1)[1].split("### Every claim", 1)[0]
    assert false_part.count("- **line ") == s["false"]  # false claims first, each with its evidence
    assert "claimed 30, measured 14 (16 with parametrize cases)" in false_part


def test_stdin_and_a_report_with_nothing_false(project: Path) -> None:
    body = ("# Ledger\n\n**File**: `campaign/tests/integration/test_ledger_integration.py` (19 lines)\n\n"
            "- 2 tests in `campaign/tests/integration/test_ledger_integration.py`\n")
    res = invoke("verify", "-", "--root", str(project), "--format", "json", "-j", "1", stdin=body)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["report"] == "<stdin>"
    assert {(c["kind"], c["verdict"]) for c in data["claims"]} >= {("line-count", "holds"), ("test-count", "holds")}


def test_usage_errors_exit_2(project: Path) -> None:
    res = invoke("verify", str(project / "no-such-report.md"), "--root", str(project))
    assert res.exit_code == 2 and "no such report file" in res.output
    bad = project / "bad.xml"
    bad.write_text("<testsuite", encoding="utf-8")
    res = invoke("verify", str(REPORT), "--root", str(project), "--junit", str(bad))
    assert res.exit_code == 2 and "not valid JUnit XML" in res.output and "Traceback" not in res.output


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
<testcase classname="campaign.tests.unit.test_currency" name="test_total_of_nothing_is_zero"/>
<testcase classname="campaign.tests.unit.test_currency" name="test_total_of_one"/>
<testcase classname="campaign.tests.unit.test_currency" name="test_total_of_many"><failure message="x"/></testcase>
<testcase classname="campaign.tests.integration.test_ledger_integration" name="test_posting_marks_the_entry"/>
</testsuite></testsuites>
"""


def test_pass_rates_need_a_junit_file_and_are_checked_with_one(project: Path, tmp_path: Path) -> None:
    body = "# Currency\n\n- `campaign/tests/unit/test_currency.py`: 100% pass rate\n"
    without = json.loads(invoke("verify", "-", "--root", str(project), "--format", "json", "-j", "1",
                                stdin=body).stdout)
    (rate,) = [c for c in without["claims"] if c["kind"] == "pass-rate"]
    assert rate["verdict"] == "unverifiable" and "--junit" in rate["evidence"][0]
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT, encoding="utf-8")
    res = invoke("verify", "-", "--root", str(project), "--format", "json", "-j", "1", "--junit", str(junit),
                 stdin=body)
    (rate,) = [c for c in json.loads(res.stdout)["claims"] if c["kind"] == "pass-rate"]
    assert (rate["verdict"], rate["measured"]) == ("false", 66.7)  # 2 of the file's 3 cases passed
    assert res.exit_code == 1
    ledger = "# Ledger\n\n- `campaign/tests/integration/test_ledger_integration.py`: 100% pass rate\n"
    res = invoke("verify", "-", "--root", str(project), "--format", "json", "-j", "1", "--junit", str(junit),
                 stdin=ledger)
    (rate,) = [c for c in json.loads(res.stdout)["claims"] if c["kind"] == "pass-rate"]
    assert (rate["verdict"], rate["measured"], res.exit_code) == ("holds", 100.0, 0)


def test_a_warm_verify_parses_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from testaudit import analyze

    report = str(project / "reports" / "billing_campaign.md")
    invoke("verify", report, "--root", str(project), "-j", "1")  # warm after the module's first runs
    seen = []
    real = analyze.analyze_file
    monkeypatch.setattr(analyze, "analyze_file", lambda src, role="check": seen.append(src.rel) or real(src, role))
    assert invoke("verify", report, "--root", str(project), "-j", "1").exit_code == 1
    assert seen == []


def test_a_warm_verify_imports_neither_libcst_nor_the_rules(tmp_path: Path) -> None:
    """Served from the cache, a verify (its checks, the project view counting tests and reading
    classes, the widened "no mocks" check) never builds a rule set: without rule options
    nothing needs the rule classes or libcst, ~0.3 s of a warm run."""
    import subprocess
    import sys

    root = write_project(tmp_path, {
        "tests/integration/test_orders.py": "class TestOrders:\n    def test_a(self):\n        assert 1\n",
        "tests/unit/test_money.py": "from unittest.mock import MagicMock\n\n\ndef test_m():\n    assert MagicMock()\n",
    })
    report = tmp_path / "REPORT.md"
    report.write_text("# Report\n\n- `test_orders.py` (1 test), NO MOCKS\n- `test_money.py`: 1 test, no mocks\n"
                      "- All tests inherit from `BaseIntegrationTest`\n", encoding="utf-8")
    cold = invoke("verify", str(report), "--root", str(root), "--format", "json", "-j", "1")
    code = ("import sys\nfrom testaudit.cli import main\ntry:\n"
            f"    main(['verify', {str(report)!r}, '--root', {str(root)!r}, '--format', 'json', '-j', '1',"
            f" '-o', {str(tmp_path / 'out.json')!r}])\nexcept SystemExit:\n    pass\n"
            "print('libcst' in sys.modules, 'testaudit.registry' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["False", "False"], out.stderr
    warm = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert warm == json.loads(cold.stdout) and warm["summary"]["false"] >= 1  # the mock in test_money.py


# -- resolving mentions -----------------------------------------------------------------------
INDEX = FileIndex([
    "netra/tests/integration/test_auth.py", "netra/tests/unit/test_auth.py", "auth/tests/test_login.py",
    "tests/e2e/test_flow.py", "scripts/tests/test_flow.py", "tests/conftest.py",
])


@pytest.mark.parametrize(("mention", "hint", "status", "paths"), [
    ("netra/tests/unit/test_auth.py", None, FOUND, ("netra/tests/unit/test_auth.py",)),  # exact
    ("./auth/tests/test_login.py", None, FOUND, ("auth/tests/test_login.py",)),
    ("test_login.py", None, FOUND, ("auth/tests/test_login.py",)),  # a unique name
    ("integration/test_auth.py", None, FOUND, ("netra/tests/integration/test_auth.py",)),  # a unique suffix
    ("test_auth.py", "netra/tests/unit", FOUND, ("netra/tests/unit/test_auth.py",)),  # under the hint
    ("test_auth.py", "unit", FOUND, ("netra/tests/unit/test_auth.py",)),
    ("test_auth.py", None, AMBIGUOUS, ("netra/tests/integration/test_auth.py", "netra/tests/unit/test_auth.py")),
    ("test_flow.py", "e2e", FOUND, ("tests/e2e/test_flow.py",)),
    ("test_payments.py", None, MISSING, ()),
    ("tests/integration/test_login.py", None, MISSING, ()),  # its directory exists and does not hold it
    ("services/billing/test_login.py", None, FOUND, ("auth/tests/test_login.py",)),  # no such directory
])
def test_mentions_resolve_as_the_spec_orders(mention: str, hint: str, status: str, paths: Tuple[str, ...]) -> None:
    found = INDEX.resolve(mention, hint)
    assert (found.status, found.paths) == (status, paths)


def test_an_ambiguous_file_gives_a_verdict_only_when_its_candidates_agree(tmp_path: Path) -> None:
    module = '"""x\n\nBVJ: a | b | c\n"""\n\n\ndef test_a():\n    assert 1\n\n\ndef test_b():\n    assert 2\n'
    other = module.replace("def test_b", "def helper")
    root = write_project(tmp_path, {"tests/a/test_same.py": module, "tests/b/test_same.py": module,
                                    "tests/c/test_other.py": module, "tests/d/test_other.py": other})
    body = "# Report\n\n- `test_same.py` (2 tests)\n- `test_other.py` (2 tests)\n"
    data = json.loads(invoke("verify", "-", "--root", str(root), "--format", "json", "-j", "1", stdin=body).stdout)
    verdicts = {c["text"]: c["verdict"] for c in data["claims"] if c["kind"] == "test-count"}
    assert verdicts == {"test_same.py (2 tests)": "holds", "test_other.py (2 tests)": "unverifiable"}


def test_phrase_lists_come_from_the_configuration(tmp_path: Path) -> None:
    """`[tool.testaudit.verify]`: `extend-<list>` adds phrases, `<list>` replaces them."""
    module = '"""x\n\nBVJ: a | b | c\n"""\nfrom unittest.mock import MagicMock\n\n\ndef test_a():\n    assert MagicMock()\n'
    files = {"tests/integration/test_pay.py": module}
    body = "# Report\n\n- `tests/integration/test_pay.py`: genuine dependencies only\n"

    def kinds(pyproject: str) -> Set[Tuple[str, str]]:
        root = write_project(tmp_path / str(len(pyproject)), files, pyproject)
        res = invoke("verify", "-", "--root", str(root), "--format", "json", "-j", "1", stdin=body)
        assert res.exit_code in (0, 1), res.output
        return {(c["kind"], c["verdict"]) for c in json.loads(res.stdout)["claims"]}

    assert ("no-mocks", "false") not in kinds("")
    assert ("no-mocks", "false") in kinds('[tool.testaudit.verify]\nextend-no-mocks = ["\\\\bgenuine dependencies only\\\\b"]\n')
    assert ("no-mocks", "false") not in kinds('[tool.testaudit.verify]\nno-mocks = ["\\\\bnothing like this\\\\b"]\n')


@pytest.mark.parametrize(("table", "key", "message"), [
    ('no-mock = ["x"]', "tool.testaudit.verify.no-mock", "did you mean `no-mocks`"),
    ('extend-score = "x"', "tool.testaudit.verify.extend-score", "expected a list of regular expressions"),
    ('bvj = ["(unclosed"]', "tool.testaudit.verify.bvj", "bad regular expression"),
])
def test_bad_phrase_configuration_is_a_configuration_error(tmp_path: Path, table: str, key: str, message: str) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"},
                         f"[tool.testaudit.verify]\n{table}\n")
    res = invoke("verify", "-", "--root", str(root), stdin="# R\n")
    assert res.exit_code == 2 and key in res.output and message in res.output and "Traceback" not in res.output


def test_no_mocks_over_unit_tests_reuses_the_checks_analyses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"No mocks" is checked as if every file held integration tests: a second check with TA101–
    TA103 widened to every category. The categories are options only `keep` reads, so after a
    `check` of the project that second check parses nothing — and still finds the unit mock."""
    from testaudit import analyze

    module = '"""x\n\nBVJ: a | b | c\n"""\nfrom unittest.mock import MagicMock\n\n\ndef test_a():\n    assert MagicMock()\n'
    root = write_project(tmp_path, {"tests/unit/test_pay.py": module})
    assert invoke("check", str(root), "-j", "1").exit_code == 0  # a unit test may mock: nothing to report
    seen = []
    real = analyze.analyze_file
    monkeypatch.setattr(analyze, "analyze_file", lambda src, role="check": seen.append(src.rel) or real(src, role))
    body = "# Report\n\n- `tests/unit/test_pay.py`: NO MOCKS\n"
    res = invoke("verify", "-", "--root", str(root), "--format", "json", "-j", "1", stdin=body)
    (claim,) = [c for c in json.loads(res.stdout)["claims"] if c["kind"] == "no-mocks"]
    assert claim["verdict"] == "false" and "TA101" in claim["evidence"][0]
    assert seen == []
