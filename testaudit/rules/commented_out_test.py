"""
## What it does
Reports commented-out tests in test modules: a comment line whose text — after the leading
`#` characters, the spaces after them and at most one prefix from `disable-markers` (such as
`# REMOVED_SYNTAX_ERROR:`) — starts a test function (`def test_x(` / `async def test_x(`,
named by pytest's `python-functions` setting) or a test class holding such methods (its name
matches `python-classes`, or its bases name a test base such as `…TestCase`), together with
the `@pytest.mark…` (or any other) decorators commented out directly above it. A commented
function decorated with `@pytest.fixture` is a fixture, not a test, whatever its name.

One finding per commented-out test, naming it and spanning its comment block: from its first
commented decorator (or the `def` line) to the last contiguous comment line before a blank
line, a live line, or the next commented-out definition. A commented-out class is reported
once, as one finding that spans the class and the commented methods that follow it (across
blank lines, up to the first live line, the next commented test class, or the next commented
module-level function); its test methods are listed in the message and not reported on their
own.

The check is text-level: it runs on files that do not parse (TA001), so a file broken by an
automated "fix" cannot hide the tests it disabled.

## Why is this bad?
A commented-out test is a test that no longer runs but still looks, to a reader skimming the
file or a report counting `def test_`, like coverage. Suites that were "fixed" by commenting
out every line that did not parse (`# REMOVED_SYNTAX_ERROR: …`) or every test that needed a
mock lose their checks silently. Delete the test, or restore it and make it pass; if it must
wait, skip it with a reason (`@pytest.mark.skip(reason=…)`) so the runner reports it.

## Options
- `disable-markers`: prefixes that automated tools put after `#` when they disable a line
  (default `REMOVED_SYNTAX_ERROR:`, `Removed problematic line:`,
  `COMMENTED OUT: Mock-dependent test -`). They are stripped before the definition is looked
  for, and TA602 counts lines carrying them.

Test function names follow the top-level `python-functions` setting (default `test*`).

Not reported: a commented `def test_…` whose body is only `...` (without a disable marker) — a
placeholder naming a test still to write (`# def test_updating_conditions(self):` /
`#     ...`), not a disabled one. A `pass` body is reported: tools that disable tests line by
line leave exactly that.

## Known limitations
Prose that mentions a test is not reported: the remainder must start with `def`, `async def`,
`class` or a decorator, and the name must be followed by `(` (or `:` for a class) — so
`# def test_foo is flaky` passes while `# def test_foo():` does not. In a file that parses, a
`#` line inside a multi-line string (a script or a fixture file a test writes) is text, not a
comment, and is not reported; in a file that does not parse (TA001) there is no telling the
two apart at text level, and such a line is reported.
A commented-out class is reported only when it holds a commented-out test method: a `Test*`
helper class with no test methods is not a test. Which commented lines belong to a
commented-out class is decided by indentation, or — when the tool that commented the code
dropped the indentation, as `REMOVED_SYNTAX_ERROR:` fixers do — by a `self`/`cls` first
parameter: a function without one ends the class unless a method follows it (then it is a
helper nested in a test), and a commented helper class (`class MockLLM:`) never ends it. A
module-level test function commented out between two methods of such a class is counted as
one of its methods.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple, Union

import libcst as cst

from testaudit.model import Location
from testaudit.rule import Rule
from testaudit.rules._commented import (
    DEFAULT_DISABLE_MARKERS, CommentedTest, TextLine, classify_lines, find_commented_tests,
)


@dataclass(frozen=True)
class Options:
    disable_markers: Tuple[str, ...] = DEFAULT_DISABLE_MARKERS


def commented_tests(rule: Rule) -> Tuple[List[CommentedTest], List[TextLine]]:
    """The commented-out tests of the rule's file and its classified lines (computed once per file
    and set of markers: TA601 and TA602 both ask)."""
    key = ("commented-tests", rule.options.disable_markers)
    found = rule.ctx.shared.get(key)
    if found is None:
        lines = classify_lines(rule.ctx.lines, rule.options.disable_markers)
        config = rule.ctx.config
        found = rule.ctx.shared[key] = (find_commented_tests(lines, config.python_functions, config.python_classes),
                                         lines)
    return found


class CommentedOutTest(Rule):
    CODE = "TA601"
    NAME = "commented-out-test"
    MESSAGE = "commented-out test; delete it or restore it"
    FILES = "test"
    TEXT = True
    Options = Options
    INVALID = (
        "def test_login_succeeds():\n    assert login('alice', 's3cret')\n\n\n"
        "# @pytest.mark.integration\n# def test_login_locks_after_three_failures():\n"
        "#     for _ in range(3):\n#         login('alice', 'wrong')\n#     assert is_locked('alice')\n",
        "# REMOVED_SYNTAX_ERROR: class TestCheckout:\n"
        "    # REMOVED_SYNTAX_ERROR: '''Checkout totals.'''\n\n"
        "# REMOVED_SYNTAX_ERROR: def test_total_includes_tax(self):\n"
        "    # REMOVED_SYNTAX_ERROR: assert total(100) == 120\n",
    )
    VALID = (
        "# test_login covers the happy path; see def test_lockout in test_lockout.py\n"
        "# TODO: def test_foo is flaky on CI\n"
        "# def build_user():  (a commented-out helper is not a test)\n\n"
        "def test_login():\n    assert login('alice', 's3cret')\n",
        "import pytest\n\n\n@pytest.mark.skip(reason='waits for the billing sandbox')\n"
        "def test_refund():\n    assert refund(10) == 10\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parsed = False
        # spans (first, last line) of multi-line string literals: a `#` line inside one is text
        self.strings: List[Tuple[int, int]] = []
        self.active = "#" in self.ctx.source and bool(commented_tests(self)[0])

    def visit_Module(self, node: cst.Module) -> None:
        self.parsed = True

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._string(node, node.value)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._string(node, "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText)))

    def _string(self, node: Union[cst.SimpleString, cst.FormattedString], text: str) -> None:
        if self.active and "\n" in text:
            where = self.ctx.location(node)
            self.strings.append((where.line, where.end_line))

    def check_text(self) -> None:
        found, _ = commented_tests(self)
        if self.parsed and self.strings:
            found = [t for t in found if not any(first < t.start <= last for first, last in self.strings)]
        for test in found:
            start_text = self.ctx.lines[test.start - 1]
            end_text = self.ctx.lines[test.end - 1]
            column = len(start_text) - len(start_text.lstrip()) + 1
            location = Location(test.start, column, test.end, len(end_text.rstrip()) + 1)
            if test.kind == "class":
                shown = ", ".join(f"`{m}`" for m in test.methods[:3]) + (", …" if len(test.methods) > 3 else "")
                count = len(test.methods)
                message = (f"commented-out test class `{test.name}` ({count} test method{'s' if count != 1 else ''}: "
                           f"{shown}); delete it or restore it")
            else:
                message = f"commented-out test `{test.name}`; delete it or restore it"
            self.report_at(location, message, stmt_line=test.start)
