"""Reading reports for `testaudit verify` (SPEC §12): structure, mojibake, trees, file mentions.

Business Value Justification (BVJ):
- Segment: Platform/Internal (reviewers of generated test campaigns)
- Business Goal: Stability
- Value Impact: a report's units, lines and file names are read as a Markdown renderer reads them
- Strategic Impact: every later verdict points at the right report line and the right file
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES
from testaudit.verify.claims import extract_claims
from testaudit.verify.document import Report, Unit
from testaudit.verify.mentions import Mention, file_mentions, import_errors
from testaudit.verify.mojibake import repair_mojibake, split_lines
from testaudit.verify.reading import read_report
from testaudit.verify.trees import is_tree_block, parse_tree

REPORTS = sorted((FIXTURES / "reports").glob("*.md"))
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


def _units(report: Report, kind: str) -> List[Unit]:
    return [unit for unit in report.units if unit.kind == kind]


def _mentions(text: str) -> List[Mention]:
    return list(file_mentions(read_report(text)))


# --- sections and units -------------------------------------------------------------------

def test_headings_form_a_tree_and_text_before_them_is_a_root_section() -> None:
    report = read_report("Intro line.\n\n# Title\n\n## A\n\n### A.1\n\n## B\n\ntext\n")
    titles = [(s.title, s.level, s.line, s.parent) for s in report.sections]
    assert titles == [("", 0, 1, None), ("Title", 1, 3, None), ("A", 2, 5, 1), ("A.1", 3, 7, 2), ("B", 2, 9, 1)]
    assert [(u.kind, u.section) for u in report.units] == [
        ("paragraph", 0), ("heading", 1), ("heading", 2), ("heading", 3), ("heading", 4), ("paragraph", 4)]


def test_list_items_are_separate_units_with_their_own_text_and_parent() -> None:
    text = "- first **bold** `a.py`\n  - nested [link](https://example.org/x) text\n- third\n\n  second para\n"
    items = _units(read_report(text), "list_item")
    assert [(u.text, u.line, u.end_line) for u in items] == [
        ("first bold a.py", 1, 1), ("nested link text", 2, 2), ("third\n\nsecond para", 3, 5)]
    assert [u.parent for u in items] == [None, 0, None]


def test_paragraph_text_keeps_one_text_line_per_report_line() -> None:
    report = read_report("# T\n\nline one <!-- note -->\nline **two** has `13 tests`\n")
    paragraph = _units(report, "paragraph")[0]
    assert paragraph.text.split("\n") == ["line one ", "line two has 13 tests"]
    assert paragraph.line_at(paragraph.text.index("13")) == 4


def test_table_cells_are_read_by_header_and_a_short_total_row_is_not_shifted() -> None:
    text = ("| Suite | File | Tests | Lines | Status |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| 1 | `test_a.py` | 16 | 580 | ok |\n"
            "| **TOTAL** | **7 files** | **125** |\n"
            "| 2 | | 9 | | |\n")
    rows = _units(read_report(text), "table_row")
    assert rows[0].cells == (("Suite", "1"), ("File", "test_a.py"), ("Tests", "16"), ("Lines", "580"),
                             ("Status", "ok"))
    assert rows[1].cells == (("Suite", "TOTAL"), ("File", "7 files"), ("Tests", "125"))
    assert rows[1].cell("Lines") is None and rows[1].cell("Status") is None
    assert rows[2].cells == (("Suite", "2"), ("Tests", "9"))
    assert [row.line for row in rows] == [3, 4, 5]


def test_fenced_blocks_are_trees_or_code() -> None:
    text = ("```bash\npython -m pytest tests/ -v\n```\n\n"
            "```\ntests/\n├── test_a.py (580 lines)\n└── test_b.py\n```\n\n"
            "    plain indented log line\n")
    report = read_report(text)
    assert [(u.kind, u.line, u.end_line, u.info) for u in report.units] == [
        ("code", 2, 2, "bash"), ("tree", 6, 8, ""), ("code", 11, 11, "")]


@pytest.mark.parametrize("content, info, expected", [
    ("tests/\n├── test_a.py\n└── b/\n", "", True),
    ("tests/\n|-- test_a.py\n`-- test_b.py\n", "", True),
    ("tests/\n  integration/\n    test_a.py  (12 tests)\n", "text", True),
    ("tests/e2e/test_a.py\ntests/e2e/test_b.py\n", "", True),
    ("python -m pytest tests/ -v\n", "bash", False),
    ("tests/a.py::test_x PASSED\ntests/b.py::test_y FAILED\n", "", False),
    ("╭─ Traceback ─╮\n│ /app/tests/test_a.py:12 in test_x │\n╰─────╯\n", "", False),
    ("import os\nfrom tests import helpers\n", "python", False),
    ("tests/test_a.py\n", "", False),
])
def test_is_tree_block(content: str, info: str, expected: bool) -> None:
    assert is_tree_block(content, info) is expected


def test_tree_paths_annotations_and_elision() -> None:
    content = ("netra_backend/tests/integration/\n"
               "├── agents/ (3 files)\n"
               "│   ├── test_registry.py (580 lines)\n"
               "│   └── test_dispatch.py (16 tests)\n"
               "├── conftest.py\n"
               "└── ... (30 total files)\n")
    tree = parse_tree(content, 10)
    got = [(e.path, e.line, e.is_dir, e.annotation, e.elision) for e in tree.entries]
    root = "netra_backend/tests/integration"
    assert got == [
        (root, 10, True, "", False),
        (f"{root}/agents", 11, True, "(3 files)", False),
        (f"{root}/agents/test_registry.py", 12, False, "(580 lines)", False),
        (f"{root}/agents/test_dispatch.py", 13, False, "(16 tests)", False),
        (f"{root}/conftest.py", 14, False, "", False),
        (root, 15, False, "(30 total files)", True),
    ]
    assert tree.root == root and tree.elided
    assert {e.root for e in tree.entries[1:]} == {root}


def test_plain_indented_tree_and_unicode_ellipsis() -> None:
    tree = parse_tree("tests/\n  unit/\n    test_a.py  # fast\n  e2e/\n    test_b.py\n    …\n", 1)
    assert [(e.path, e.annotation) for e in tree.entries if not e.is_dir] == [
        ("tests/unit/test_a.py", "# fast"), ("tests/e2e/test_b.py", ""), ("tests/e2e", "")]
    assert tree.entries[-1].elision


# --- mojibake, BOM, line endings ------------------------------------------------------------

@pytest.mark.parametrize("garbled, clean", [
    ("## ðŸš€ Executive Summary", "## 🚀 Executive Summary"),
    ("### âœ… Suite 1", "### ✅ Suite 1"),
    ("a â€” b", "a — b"),
    ("## \uf8ffüöÄ Launch", "## 🚀 Launch"),
    ("## üöÄ Launch", "## 🚀 Launch"),
    ("‚úÖ done ‚Äî ok", "✅ done — ok"),
    ("â”œâ”€â”€ test_a.py", "├── test_a.py"),
    ("## ðŸ—‚ï¸ Files", "## 🗂️ Files"),
    ("Ã°Å¸Å¡â‚¬ twice", "🚀 twice"),
    ("Müller, naïve, café — ✅ 🚀 stay", "Müller, naïve, café — ✅ 🚀 stay"),
    ("ðŸ Conclusion", "ðŸ Conclusion"),
])
def test_repair_mojibake(garbled: str, clean: str) -> None:
    assert repair_mojibake(garbled) == clean


def test_bom_and_crlf_do_not_move_lines() -> None:
    text = "# Title\n\nPara one\n\n- item `test_a.py`\n\n## ðŸš€ Next\n\nlast\n"
    plain = read_report(text)
    dos = read_report("\ufeff" + text.replace("\n", "\r\n"))
    assert [(u.kind, u.text, u.line) for u in dos.units] == [(u.kind, u.text, u.line) for u in plain.units]
    assert dos.sections[-1].title == "🚀 Next"


@pytest.mark.parametrize("report", REPORTS, ids=[p.name for p in REPORTS])
def test_units_sit_on_their_original_lines(report: Path) -> None:
    """Repair happens line by line: every unit's first word is on that line of the raw file."""
    raw = report.read_text(encoding="utf-8")
    raw_lines = split_lines(raw)
    parsed = read_report(raw)
    assert len(parsed.lines) == len(raw_lines)
    checked = 0
    for unit in parsed.units:
        first = WORD.search(unit.text)
        if first is None:
            continue
        assert first.group(0) in raw_lines[unit.line - 1], (unit.kind, unit.line, unit.text[:60])
        checked += 1
    assert checked > 30


@pytest.mark.parametrize("report", REPORTS, ids=[p.name for p in REPORTS])
def test_fixture_reports_hold_mojibake_that_is_repaired(report: Path) -> None:
    """The fixtures' headings arrive garbled; read, they show their emoji, and what is left
    (a sequence whose byte cp1252 cannot carry was lost in transit) has nothing to repair."""
    raw = report.read_text(encoding="utf-8")
    assert re.search("ðŸ|âœ|â€|‚Ä|‚ú|üö", raw)
    titles = [s.title for s in read_report(raw).sections]
    assert len([t for t in titles if re.search("[\u2600-\u27ff\U0001F300-\U0001FAFF]", t)]) >= 5
    assert all(repair_mojibake(title) == title for title in titles)


# --- file mentions --------------------------------------------------------------------------

def test_mentions_in_text_tables_code_spans_and_file_lines() -> None:
    text = ("# R\n\nSee `tests/unit/test_a.py` and test_b.py.\n\n"
            "**File**: netra/tests/integration/test_c.py\n\n"
            "| File | Tests |\n| --- | --- |\n| `test_d.py` | 3 |\n\n"
            "- `tests\\e2e\\test_e.py::TestX::test_y` ran\n")
    got = [(m.text, m.path, m.line, m.source) for m in _mentions(text)]
    assert got == [
        ("tests/unit/test_a.py", "tests/unit/test_a.py", 3, "text"),
        ("test_b.py", "test_b.py", 3, "text"),
        ("netra/tests/integration/test_c.py", "netra/tests/integration/test_c.py", 5, "text"),
        ("test_d.py", "test_d.py", 9, "table"),
        ("tests\\e2e\\test_e.py", "tests/e2e/test_e.py", 11, "text"),
    ]


def test_names_in_command_and_log_blocks_are_not_mentions() -> None:
    text = ("# R\n\n```bash\npython -m pytest tests/test_cmd.py -v\n```\n\n"
            "```\nFAILED tests/test_log.py::test_x\n```\n\nOnly test_prose.py counts.\n")
    assert [m.text for m in _mentions(text)] == ["test_prose.py"]


def test_tool_names_and_urls_are_not_mentions() -> None:
    text = "# R\n\nMeasured with coverage.py 7.6; see https://github.com/o/r/blob/main/tests/test_url.py\n"
    assert _mentions(text) == []


def test_tree_mentions_carry_joined_paths() -> None:
    text = "# R\n\n```\nsrc/tests/\n├── sub/\n│   └── test_a.py (3 tests)\n└── test_b.py\n```\n"
    assert [(m.text, m.path, m.line, m.source) for m in _mentions(text)] == [
        ("test_a.py", "src/tests/sub/test_a.py", 6, "tree"), ("test_b.py", "src/tests/test_b.py", 7, "tree")]


def test_hint_comes_from_the_enclosing_heading_first() -> None:
    text = ("## Suite (`netra/tests/integration/`)\n\nFiles in other/tests/dir/ too.\n\n"
            "### Part\n\n- test_a.py (3 tests)\n\n```\nlib/tests/\n└── test_b.py\n```\n")
    assert [(m.text, m.hint) for m in _mentions(text)] == [
        ("test_a.py", "netra/tests/integration"), ("test_b.py", "netra/tests/integration")]


def test_hint_falls_back_to_the_tree_root_then_a_preceding_line() -> None:
    text = ("## Files\n\n```\nauth/tests/integration/\n└── test_a.py\n```\n\n"
            "## Notes\n\nEverything lives in `shared/tests/unit/`.\n\nThen test_b.py was added.\n\n"
            "## Other\n\nAnd test_c.py.\n")
    assert [(m.text, m.hint) for m in _mentions(text)] == [
        ("test_a.py", "auth/tests/integration"), ("test_b.py", "shared/tests/unit"), ("test_c.py", None)]


def test_mentions_that_do_not_claim_the_file_exists() -> None:
    text = ("# R\n\nCreated test_a.py. We will create test_b.py later. Deleted test_c.py.\n\n"
            "## Next Steps\n\n- test_d.py\n\n"
            "## Done\n\n```\ntests/\n├── test_e.py\n└── test_f.py (planned)\n```\n")
    assert [(m.text, m.asserts_exists) for m in _mentions(text)] == [
        ("test_a.py", True), ("test_b.py", False), ("test_c.py", False), ("test_d.py", False),
        ("test_e.py", True), ("test_f.py", False)]


def test_plans_open_tasks_and_instructions_to_create_do_not_claim_a_file_exists() -> None:
    """A report titled as a plan is a plan in every section ("Before/After" included); an
    unticked task item and an instruction to create a file say nothing about what exists."""
    plan = ("# TEST PLAN: Issue #1041 - Collection Failures\n\n## Phase 2\n\n"
            "### Test Suite 4: Before/After Collection Tests\n\n**Test File:** `tests/validation/test_perf.py`\n")
    assert [(m.text, m.asserts_exists) for m in _mentions(plan)] == [("tests/validation/test_perf.py", False)]
    master = "# 100 Critical Tests Update Master Plan\n\n## Category 1 (25 tests)\n\n1. `test_ws_suite.py` - events\n"
    assert [(m.text, m.asserts_exists) for m in _mentions(master)] == [("test_ws_suite.py", False)]
    text = ("# Report\n\n## Done\n\n- [ ] Migrate `test_old.py` to the new base\n- [x] Moved `test_new.py`\n"
            "- Create missing TestContext module at `test_framework/test_context.py`\n"
            "- Fix the fixture scope in `tests/conftest.py`\n")
    assert [(m.text, m.asserts_exists) for m in _mentions(text)] == [
        ("test_old.py", False), ("test_new.py", True), ("test_framework/test_context.py", False),
        ("tests/conftest.py", True)]


def test_a_module_written_with_dots_names_its_file() -> None:
    text = "# R\n\nALL E2E tests use `test_framework.ssot.e2e_auth_helper.py` and `conftest.py`.\n"
    assert [(m.text, m.path) for m in _mentions(text)] == [
        ("test_framework.ssot.e2e_auth_helper.py", "test_framework/ssot/e2e_auth_helper.py"), ("conftest.py", "conftest.py")]


def test_a_file_name_outside_backticks_is_not_read_as_emphasis() -> None:
    """`__init__.py` in prose is bold `init` followed by `.py` to a Markdown parser."""
    text = "# R\n\n## Work\n\n- **Why __init__.py missed?** Corrected agent_execution/__init__.py, __NO MOCKS__.\n"
    assert [m.text for m in _mentions(text)] == ["__init__.py", "agent_execution/__init__.py"]
    assert _units(read_report(text), "list_item")[0].text.endswith("__init__.py, NO MOCKS.")


def test_an_import_error_does_not_run_into_the_code_line_below_it() -> None:
    """`cannot import name 'X'` with no module, above the import that failed: the module of that
    line is not the error's (the fix may have been to import from elsewhere)."""
    text = ("# R\n\n```python\n# ImportError: cannot import name 'OAuthHandler'\n"
            "from auth_service.auth_core.oauth_manager import OAuthHandler\n```\n\n"
            "```\nImportError: cannot import name 'User'\n  from 'auth.models' (/x.py)\n```\n")
    assert [import_errors(code) for code in _units(read_report(text), "code")] == [(), (("auth.models", "User"),)]


def test_import_errors_are_read_from_log_blocks() -> None:
    text = ("# R\n\n```\nE   ImportError: cannot import name 'User' from 'auth_service.auth_core.models' (/x.py)\n"
            "ModuleNotFoundError: No module named 'shared.isolated_environment'\n"
            "ImportError: cannot import name \"Thread\" from partially initialized module 'app.threads'\n```\n")
    code = _units(read_report(text), "code")[0]
    got: Tuple[Tuple[str, object], ...] = import_errors(code)
    assert got == (("auth_service.auth_core.models", "User"), ("app.threads", "Thread"),
                   ("shared.isolated_environment", None))


MARKDOWNISH = st.text(alphabet=st.sampled_from(list(
    "#|-*`>~ \n\r\t()[]:.,/_+0123456789abcdefstTPy✅ðŸš€â€”├└│…\ufeff\x00")), max_size=300)


@given(MARKDOWNISH)
def test_any_text_reads_without_error_and_keeps_its_lines(text: str) -> None:
    report = read_report(text)
    assert len(report.lines) == len(split_lines(text[1:] if text.startswith("\ufeff") else text))
    for unit in report.units:
        assert 1 <= unit.line <= unit.end_line <= len(report.lines), unit
    for mention in file_mentions(report):
        assert 1 <= mention.line <= len(report.lines)
    for claim in extract_claims(report):
        assert 1 <= claim.line <= len(report.lines) and len(claim.text) <= 120
