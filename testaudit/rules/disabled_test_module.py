"""
## What it does
Reports a test module that has no live tests — no uncommented `def test…(` / `async def
test…(` line (names per `python-functions`), so no test function and no test class with test
methods — and that either holds commented-out tests (as TA601 finds them), or is mostly
disabled: more than half of its non-blank lines are comments carrying a `disable-markers`
prefix. One finding per file, at line 1.

Like TA601 the check is text-level, so it also runs on files that do not parse.

## Why is this bad?
Such a file still looks like a test module — it is collected, it shows up in file counts and in
"N test files, 100% passing" reports — but it checks nothing. Whole suites disabled by an
automated tool (`# REMOVED_SYNTAX_ERROR:` on every line) are the typical case: each file
passes because it is empty. Restore the tests or delete the file.

## Options
- `disable-markers`: comment prefixes that mark lines disabled by a tool (default
  `REMOVED_SYNTAX_ERROR:`, `Removed problematic line:`, `COMMENTED OUT: Mock-dependent test -`);
  the same list as TA601's option, set separately.

## Known limitations
Live tests are found line by line: a `def test_…(` line inside a multi-line string counts as
live, and tests a module only inherits from a base class (`class TestX(SharedSuite): pass`)
or imports from elsewhere are not seen, so such a module is reported when it also holds
commented-out tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from testaudit.model import WHOLE_MODULE, Location
from testaudit.rule import Rule
from testaudit.rules._commented import DEFAULT_DISABLE_MARKERS, has_live_tests
from testaudit.rules.commented_out_test import commented_tests


@dataclass(frozen=True)
class Options:
    disable_markers: Tuple[str, ...] = DEFAULT_DISABLE_MARKERS


class DisabledTestModule(Rule):
    CODE = "TA602"
    NAME = "disabled-test-module"
    MESSAGE = "test module with no live tests; restore its tests or delete it"
    FILES = "test"
    TEXT = True
    Options = Options
    INVALID = (
        '"""Checkout totals."""\n\n\n# def test_total_includes_tax():\n#     assert total(100) == 120\n',
        "# REMOVED_SYNTAX_ERROR: import pytest\n# REMOVED_SYNTAX_ERROR: from shop import total\n"
        "# REMOVED_SYNTAX_ERROR: SAMPLE = total(100)\n\nSAMPLE = 120\n",
    )
    VALID = (
        '"""Checkout totals."""\n\n\ndef test_total():\n    assert total(100) == 120\n\n\n'
        "# def test_total_includes_tax():\n#     assert total(100, tax=True) == 120\n",
        '"""Shared checkout data (no tests yet, nothing disabled)."""\n\nSAMPLE = 120\n',
    )

    def check_text(self) -> None:
        lines = self.ctx.lines
        found, classified = commented_tests(self)
        if has_live_tests(lines, classified, self.ctx.config.python_functions):
            return
        first = lines[0] if lines else ""
        location = Location(1, 1, 1, len(first.rstrip()) + 1)
        if found:
            names = [f"`{t.name}`" + (f" with {len(t.methods)} method{'s' if len(t.methods) != 1 else ''}"
                                      if t.kind == "class" else "") for t in found]
            total = sum(len(t.methods) or 1 for t in found)
            shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
            self.report_at(location, f"test module has no live tests; its {total} test{'s are' if total != 1 else ' is'} "
                                     f"commented out ({shown}); restore them or delete the file",
                           stmt_line=1, tags=(WHOLE_MODULE,))
            return
        non_blank = [line for line in classified if not line.blank]
        marked = [line for line in non_blank if line.comment and line.marker]
        if non_blank and len(marked) * 2 > len(non_blank):
            markers = sorted({line.marker for line in marked})
            percent = 100 * len(marked) // len(non_blank)
            self.report_at(location, f"test module has no live tests and {percent}% of its non-blank lines are "
                                     f"disabled by {', '.join(f'`{m}`' for m in markers)}; restore them or delete the file",
                           stmt_line=1, tags=(WHOLE_MODULE,))
