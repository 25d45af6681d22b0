"""Claims extracted from reports for `testaudit verify` (SPEC §12), checked against markers.

Each fixture report in fixtures_repo/reports/ says, next to its lines, which claims they make:
`<!-- claims: test-count=16 line-count=580 -->`, `<!-- claims: none -->` for a look-alike, and
`<!-- claims@41: … -->` for a line that cannot carry a comment (inside a fenced tree). A value
`N+` is an at-least claim, `module:name` (or `module:-`) an import, `kind=value@Qualifier` a
sub-count. The extracted (line, kind, value, at-least, qualifier) set must equal the declared
one in both directions.

Business Value Justification (BVJ):
- Segment: Platform/Internal (reviewers of generated test campaigns)
- Business Goal: Stability
- Value Impact: a claim the code contradicts is found, and a sentence that claims nothing is left alone
- Strategic Impact: `verify` never calls a true claim false, so its `false` verdicts are trusted
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

from conftest import FIXTURES
from testaudit.verify.claims import KINDS, Claim, extract_claims
from testaudit.verify.phrases import DEFAULT_PHRASES, Phrases, validate
from testaudit.verify.reading import read_report

# the reports that declare their claims (billing_campaign.md declares verdicts: test_verify_verdicts.py)
REPORTS = sorted(p for p in (FIXTURES / "reports").glob("*.md") if "<!-- claims:" in p.read_text(encoding="utf-8"))
MARKER = re.compile(r"<!--\s*claims(?:@(\d+))?:\s*(.*?)\s*-->")
Key = Tuple[int, str, str, bool, Optional[str]]


def _value(kind: str, text: Optional[str]) -> Tuple[object, bool]:
    if text is None:
        return None, False
    if kind == "imports-resolve":
        module, _, name = text.partition(":")
        return (module, None if name in ("", "-") else name), False
    if re.fullmatch(r"\d+\+?", text):
        return int(text.rstrip("+")), text.endswith("+")
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text), False
    return text, False


def declared(text: str) -> Tuple[Set[Key], int]:
    """The claims the markers declare, and how many lines are marked as claiming nothing."""
    keys: Set[Key] = set()
    nones = 0
    for number, line in enumerate(text.splitlines(), 1):
        for marker in MARKER.finditer(line):
            target = int(marker.group(1)) if marker.group(1) else number
            for token in shlex.split(marker.group(2)):
                if token == "none":
                    nones += 1
                    continue
                token, _, qualifier = token.partition("@")
                kind, _, raw = token.partition("=")
                value, at_least = _value(kind, raw or None)
                keys.add((target, kind, repr(value), at_least, qualifier or None))
    return keys, nones


def extracted(text: str, phrases: Phrases = DEFAULT_PHRASES) -> Set[Key]:
    return {(c.line, c.kind, repr(c.claimed), c.at_least, c.qualifier)
            for c in extract_claims(read_report(text), phrases)}


def _claims(text: str) -> List[Claim]:
    return list(extract_claims(read_report(text)))


def _kinds(text: str) -> Set[Tuple[str, object]]:
    return {(c.kind, c.claimed) for c in _claims(text)}


# --- the fixture reports, exactly ----------------------------------------------------------

def test_reports_directory_holds_only_markdown_reports() -> None:
    names = sorted(p.name for p in (FIXTURES / "reports").iterdir())
    assert len(names) >= 3 and all(name.endswith(".md") for name in names), names


@pytest.mark.parametrize("report", REPORTS, ids=[p.name for p in REPORTS])
def test_extracted_claims_equal_the_markers(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    expected, _ = declared(text)
    actual = extracted(text)
    lines = text.splitlines()
    missing = [f"{k} | {lines[k[0] - 1][:90]}" for k in sorted(expected - actual)]
    extra = [f"{k} | {lines[k[0] - 1][:90]}" for k in sorted(actual - expected)]
    assert not missing and not extra, "\nmissing:\n" + "\n".join(missing) + "\nextra:\n" + "\n".join(extra)


def test_reports_are_long_and_cover_every_kind_and_many_look_alikes() -> None:
    kinds: Set[str] = set()
    long_reports = 0
    nones = 0
    for report in REPORTS:
        text = report.read_text(encoding="utf-8")
        keys, report_nones = declared(text)
        kinds |= {key[1] for key in keys}
        nones += report_nones
        long_reports += len(text.splitlines()) >= 150
    assert long_reports >= 3
    assert kinds == set(KINDS)
    assert nones >= 100


def test_every_claim_has_a_short_text_from_its_line() -> None:
    for report in REPORTS:
        text = report.read_text(encoding="utf-8")
        lines = read_report(text).lines
        for claim in _claims(text):
            assert 0 < len(claim.text) <= 120, claim
            first_word = re.search(r"[A-Za-z0-9]{2,}", claim.text)
            window = " ".join(lines[max(0, claim.line - 3):claim.line + 2])
            assert first_word is not None and first_word.group(0) in window, claim


# --- kinds on single sentences -------------------------------------------------------------

HOLDING_SHAPED = [
    ("Created 125 integration tests across 7 suites.", {("total-tests", 125)}),
    ("The suite has 39,477+ lines of test code.", {("total-lines", 39477)}),
    ("We wrote 39 test files for the campaign.", {("total-files", 39)}),
    ("NO MOCKS — real services only.", {("no-mocks", None)}),
    ("Every test runs without mocks.", {("no-mocks", None)}),
    ("100% of tests include a BVJ.", {("bvj", None)}),
    ("All tests inherit from BaseIntegrationTest.", {("base-class", "BaseIntegrationTest")}),
    ("All tests use @pytest.mark.integration.", {("markers", "integration")}),
    ("Restored 9 commented-out tests.", {("no-commented-tests", None)}),
    ("There are no disabled tests.", {("no-commented-tests", None)}),
    ("Fixed `cannot import name 'User' from 'auth.models'`.", {("imports-resolve", ("auth.models", "User"))}),
    ("`cannot import name 'User' from 'auth.models'` — FIXED", {("imports-resolve", ("auth.models", "User"))}),
    ("`test_registry_websocket_integration.py` (16 tests)", {("test-count", 16)}),
    ("21 comprehensive tests in `test_x.py`.", {("test-count", 21)}),
    ("`test_x.py`: 9/9 tests.", {("test-count", 9)}),
    ("`test_x.py` (580 lines)", {("line-count", 580)}),
    ("125 tests created, 39 files, 1,200 lines.", {("total-tests", 125), ("total-files", 39), ("total-lines", 1200)}),
    ("Zero mock objects anywhere.", {("no-mocks", None)}),
    ("Uses `SSotBaseTestCase` as the base class.", {("base-class", "SSotBaseTestCase")}),
    ("Every test is marked with @pytest.mark.e2e.", {("markers", "e2e")}),
    ("testaudit compliance score 82/100.", {("score", 82.0)}),
    ("SSOT Compliance: 96%.", {("score", 96.0)}),
    ("Reached 96% compliance.", {("score", 96.0)}),
    ("Compliance went from 60% to 88.5%.", {("score", 88.5)}),
    ("A 100% pass rate on CI.", {("pass-rate", 100.0)}),
    ("Success rate: 97.5%.", {("pass-rate", 97.5)}),
    ("Result: 125/125 passing.", {("pass-rate", 100.0)}),
    ("Billing: 3 pass, 3 fail.", {("pass-rate", 50.0)}),
    # a number ending one line does not count the label opening the next
    ("Execution Time: 5 minutes 29 seconds\nTests: 25 total", {("total-tests", 25)}),
    ("Created 16 integration tests across files.", {("total-tests", 16)}),  # no file count of 16
]

LOOK_ALIKES = [
    "The suite is comprehensive, enterprise-grade and robust.",
    "We will add 20 tests next sprint.",
    "Next steps: write 15 tests for billing.",
    "TODO: restore the commented-out tests.",
    "Tests should inherit from BaseIntegrationTest.",
    "All tests must use @pytest.mark.integration.",
    "If Docker is up, all 50 tests pass.",
    "Not all tests inherit from BaseE2ETest.",
    "Do all tests have a BVJ?",
    "The report claimed \"NO MOCKS\" but it was wrong.",
    "Released on 2025-09-08 as v2.3.1 (issue #1234, PR #1441).",
    "Runs in 2.3s against Redis on port 6381.",
    "85% coverage of the chat flow.",
    "Coverage score 77%.",
    "Target compliance: 95%.",
    "Compliance improved by 12%.",
    "Added 20 tests to the suite.",
    "Fixed 12 failing tests.",
    "9 files changed, 1,204 insertions.",
    "Keep files under 800 lines; max 400 lines per class.",
    "About 50 tests in all.",
    "Uses 12 test users and 7 test suites.",
    "The fixture restores the database between tests.",
    "The import error is not fixed yet.",
    "Most tests have a BVJ.",
    "Before the fix: 3 pass, 3 fail.",
    "Add `@pytest.mark.slow` to the rotation tests.",
    "Measured with coverage.py 7.6 on Python 3.12.",
    "7/7 concurrent connections successful.",
    "Test phases: 2 OUT OF 4 P0 TEST PHASES FAILED.",
    "All 23 files converted to SSOT patterns.",
    "**Proper Base Classes:** Tests use real services for consistency.",
    "Transformed the suite into a robust system with a 95% stability score.",
    "- **95% system health score** suitable for production deployment",
    "**System Stability**: 95/100 score achieved",
    "Created a unit test suite for the **UnifiedConfigurationManager MEGA CLASS** (1,890 lines).",
    "Covers `WebSocketManager` (2,400 lines) end to end.",
    "**Expected After SSOT Fix:** All violations resolved, 100% compliance score.",
    "- **SSOT Compliance:** 100% SSOT pattern compliance ⏳",  # no class: an acronym and a noun it qualifies
    "All tests were migrated to BaseTestCase patterns where possible.",
    "- [ ] **File Migration:** 23/23 files migrated to `SSotBaseTestCase`, NO MOCKS.",  # an open task
]


def _body(sentence: str) -> str:
    return f"# Report\n\n## Work\n\n{sentence}\n"


@pytest.mark.parametrize("sentence, expected", HOLDING_SHAPED, ids=[s for s, _ in HOLDING_SHAPED])
def test_holding_shaped_sentences_make_their_claim(sentence: str, expected: Set[Tuple[str, object]]) -> None:
    assert _kinds(_body(sentence)) == expected


@pytest.mark.parametrize("sentence", LOOK_ALIKES)
def test_look_alikes_are_not_claims(sentence: str) -> None:
    assert _claims(_body(sentence)) == []


def test_at_least_counts() -> None:
    claims = _claims(_body("At least 30 tests, and 1,200+ lines."))
    assert {(c.kind, c.claimed, c.at_least) for c in claims} == {("total-tests", 30, True), ("total-lines", 1200, True)}


def test_criteria_and_targets_are_plans_unless_their_heading_says_they_were_met() -> None:
    text = ("# R\n\n## Success Criteria\n\n- 20/20 tests pass under normal conditions\n\n"
            "## After Migration (Target State)\n\n- NO MOCKS in any test\n\n"
            "## Success Criteria - ALL MET ✅\n\n- Created 25 tests; zero mocks\n")
    assert {(c.line, c.kind) for c in _claims(text)} == {(13, "total-tests"), (13, "no-mocks")}


def test_a_heading_naming_a_group_of_tests_is_no_summary() -> None:
    """"Health & Metrics Tests (3 tests)" under a file's report counts a group of its tests;
    "Metrics" there names what they check, not a summary of the report."""
    text = ("# Suite\n\n**File**: `test_manager.py`\n\n## Test Categories\n\n"
            "### 6. Health & Metrics Tests (3 tests)\n\n- Manager statistics collection\n\n"
            "## Results\n\nCreated 43 tests.\n")
    assert {(c.line, c.kind, c.scope) for c in _claims(text)} == {
        (7, "total-tests", "section"), (13, "total-tests", "report")}


def test_plans_and_history_sections_claim_nothing() -> None:
    text = ("# R\n\n## Next Steps\n\nCreated 10 tests. NO MOCKS.\n\n"
            "## Root Cause\n\nAll tests inherit from unittest.TestCase.\n\n"
            "## Known Issues\n\n- test_a.py has 4 tests\n")
    assert _claims(text) == []


# --- structure decides what a count counts -------------------------------------------------

def _by_line(text: str) -> Dict[int, List[Tuple[str, object, str, Optional[str], Tuple[str, ...]]]]:
    out: Dict[int, List[Tuple[str, object, str, Optional[str], Tuple[str, ...]]]] = {}
    for c in _claims(text):
        out.setdefault(c.line, []).append((c.kind, c.claimed, c.scope, c.qualifier, tuple(m.path for m in c.files)))
    return {line: sorted(claims, key=repr) for line, claims in out.items()}


def test_a_count_next_to_a_file_belongs_to_that_file() -> None:
    text = "## Files\n\n- `test_a.py` (14 tests) and `test_b.py` (19 tests)\n- 20 tests in `test_c.py`, 3 in helpers\n"
    assert _by_line(text) == {
        3: [("test-count", 14, "unit", None, ("test_a.py",)), ("test-count", 19, "unit", None, ("test_b.py",))],
        4: [("test-count", 20, "unit", None, ("test_c.py",))],
    }


def test_a_unit_naming_two_files_needs_total_wording() -> None:
    text = "## Files\n\n- test_a.py, test_b.py: 30 tests\n- test_c.py, test_d.py: 40 tests in total\n"
    assert _by_line(text) == {4: [("total-tests", 40, "unit", None, ("test_c.py", "test_d.py"))]}


def test_a_section_about_one_file_owns_its_heading_and_first_count_then_sub_counts() -> None:
    text = ("# R\n\n## Suite 1: Auth (16 tests)\n\n**File**: `tests/test_auth.py`\n\n"
            "This suite has 16 tests and 580 lines.\n\n- TestLogin: 5 tests\n- Edge cases: 3 tests\n"
            "- 8 more tests elsewhere\n")
    assert _by_line(text) == {
        3: [("test-count", 16, "section", None, ())],
        7: [("line-count", 580, "section", None, ()), ("test-count", 16, "section", None, ())],
        9: [("test-count", 5, "section", "TestLogin", ())],
        10: [("test-count", 3, "section", "Edge cases", ())],
    }


def test_totals_in_a_summary_are_report_wide_and_a_total_row_is_a_total() -> None:
    text = ("# R\n\n## Executive Summary\n\nCreated 50 Golden Path tests across 6 files.\n\n"
            "## Table\n\n| Suite | Tests |\n| --- | --- |\n"
            "| Chat | 20 |\n| `test_x.py` | 7 |\n| **Total** | **27** |\n")
    assert _by_line(text) == {
        5: [("total-files", 6, "report", None, ()), ("total-tests", 50, "report", "Golden Path", ())],
        11: [("total-tests", 20, "section", "Chat", ())],
        12: [("test-count", 7, "unit", None, ("test_x.py",))],
        13: [("total-tests", 27, "section", None, ())],
    }


def test_a_short_total_row_lends_no_number_to_another_column() -> None:
    text = ("## Table\n\n| Suite | File | Tests | Lines |\n| --- | --- | --- | --- |\n"
            "| **TOTAL** | **7 files** | **125** |\n")
    assert _by_line(text) == {5: [("total-files", 7, "section", None, ()), ("total-tests", 125, "section", None, ())]}


def test_nested_items_count_for_their_parent_item_file() -> None:
    text = "## Files\n\n- `test_a.py`\n  - 10 tests, 1,420 lines\n  - TestReplay: 6 tests\n"
    assert _by_line(text) == {
        4: [("line-count", 1420, "unit", None, ("test_a.py",)), ("test-count", 10, "unit", None, ("test_a.py",))],
        5: [("test-count", 6, "unit", "TestReplay", ("test_a.py",))],
    }


def test_a_paragraph_sentence_takes_only_its_own_files() -> None:
    text = "## Summary\n\nRestored 9 commented-out tests in `test_a.py`.\nTotal: 34 tests across 3 files.\n"
    assert _by_line(text) == {
        3: [("no-commented-tests", None, "unit", None, ("test_a.py",))],
        4: [("total-files", 3, "report", None, ()), ("total-tests", 34, "report", None, ())],
    }


def test_tree_annotations_count_their_file_or_directory() -> None:
    text = ("## Files\n\n```\ntests/\n├── a/ (2 files, 900 lines)\n│   └── test_x.py (580 lines, 16 tests)\n"
            "└── … (30 total files)\n```\n")
    got = {line: sorted((k, v, len(f)) for k, v, _, _, f in claims) for line, claims in _by_line(text).items()}
    assert got == {5: [("total-files", 2, 1), ("total-lines", 900, 1)],
                   6: [("line-count", 580, 1), ("test-count", 16, 1)],
                   7: [("total-files", 30, 1)]}


# --- imports-resolve -----------------------------------------------------------------------

def test_a_fixed_statement_takes_its_import_from_the_sections_log() -> None:
    text = ("# R\n\n## Fix A\n\n```\nE   ImportError: cannot import name 'User' from 'auth.models'\n```\n\n"
            "Fixed the import error.\n\n## Fix B\n\n```\nModuleNotFoundError: No module named 'shared.env'\n```\n\n"
            "Resolved the module import by restoring it.\n\n## Other\n\nFixed the import of the logger.\n")
    assert [(c.line, c.kind, c.claimed) for c in _claims(text)] == [
        (9, "imports-resolve", ("auth.models", "User")), (17, "imports-resolve", ("shared.env", None))]


def test_an_incomplete_fix_claims_nothing() -> None:
    text = ("# R\n\n## Fix\n\n```\nImportError: cannot import name 'User' from 'auth.models'\n```\n\n"
            "Fixed 2 of 3 import errors; one remains.\n\nThe import is still broken, not fixed.\n")
    assert _claims(text) == []


# --- phrases are configuration -------------------------------------------------------------

def test_phrases_are_plain_tuples_of_strings() -> None:
    assert len(Phrases.__dataclass_fields__) > 30
    for field_name in Phrases.__dataclass_fields__:
        value = getattr(DEFAULT_PHRASES, field_name)
        assert isinstance(value, tuple) and all(isinstance(v, str) for v in value), field_name


def test_a_configured_phrase_adds_a_claim_and_a_bad_regex_is_rejected() -> None:
    text = _body("The suite uses real dependencies exclusively.")
    assert extracted(text) == set()
    custom = Phrases(no_mocks=DEFAULT_PHRASES.no_mocks + (r"\breal dependencies exclusively\b",))
    assert extracted(text, custom) == {(5, "no-mocks", "None", False, None)}
    with pytest.raises(re.error):
        validate(Phrases(bvj=("(unclosed",)))
