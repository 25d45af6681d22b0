"""
## What it does
Reports skips that hide why a test does not run:

- `@pytest.mark.skip` without a reason — bare, `skip()`, or `reason=""` — wherever the mark is
  written (a decorator, `pytestmark`, `pytest.param(…, marks=…)`); a positional reason
  (`@pytest.mark.skip("flaky on CI")`) is a reason;
- `@pytest.mark.skipif(condition)` without `reason=` (pytest refuses a boolean condition without
  one; a string condition explains itself and is not reported);
- `pytest.skip()` without a message (none, or an empty string);
- in tests of the `runtime-skip-in-except` categories (default integration and e2e): any
  `pytest.skip(…)` (or unittest's `self.skipTest(…)`) inside an `except` block, the pattern
  that turns a broken service into a skipped — green — test. A handler for `ImportError` /
  `ModuleNotFoundError` only is not reported: that is `pytest.importorskip` spelt out; nor one
  for `NotImplementedError`: a feature the backend lacks, checked, not a service that is down.

`pytest.importorskip(…)`, `pytest.skip("reason")` outside `except`, `pytest.skip(reason=…)`,
`pytest.skip(msg)` with a variable message and `skipif(…, reason=…)` are fine.

## Why is this bad?
A skip without a reason is a test switched off with no record of why or until when; nobody
can tell whether it still matters. A skip inside `except` is worse: when the database, the
auth service or the WebSocket endpoint an integration test needs is down or broken, the test
reports "skipped" instead of "failed", and a dashboard of green and yellow hides the outage.
Suites that claim "real services" while skipping whenever a service does not answer are the
case this rule makes visible.

Severity warning: a skip is visible in the test report, unlike a mock or a missing assertion.

## Options
- `runtime-skip-in-except`: the test categories in which a `pytest.skip` inside an `except`
  block is reported (default `integration`, `e2e`; `[]` turns that check off).

## Known limitations
A skip inside `except` is found in the module that calls `pytest.skip`; a test reaching it
through a helper or fixture of another module is reported there (with that module's category),
not at the test. `unittest`'s `skipTest` and `@unittest.skip` require a reason already: they are
checked only for the `except` pattern. `raise unittest.SkipTest(…)` is not followed. A `pytest.skip` called through a variable holding the function is not followed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Set, Tuple

import libcst as cst

from testaudit.model import Finding, Severity
from testaudit.names import dotted, string_value
from testaudit.pytest_model import resolve_with_stars
from testaudit.rule import Rule

# handlers whose skip is a feature check, not a broken service: a missing optional module
# (`pytest.importorskip` spelt out) or a backend that does not implement the feature
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "NotImplementedError"})
_NAMES = frozenset({"skip", "skipif", "skipTest"})
_MARKS = frozenset({"skip", "skipif"})


@dataclass(frozen=True)
class Options:
    runtime_skip_in_except: Tuple[str, ...] = ("integration", "e2e")


def _has_text(node: Optional[cst.BaseExpression]) -> bool:
    """A message argument: anything but a missing or empty string literal."""
    return node is not None and string_value(node) != ""


class SkipWithoutReason(Rule):
    CODE = "TA802"
    NAME = "skipped-without-reason"
    SEVERITY = Severity.WARNING
    MESSAGE = "skip without a reason, or a runtime skip in an except block"
    FILES = "all"
    Options = Options
    INVALID = (
        "import pytest\n\n"
        "@pytest.mark.skip\n"
        "def test_refund():\n"
        "    assert refund(10) == 10\n",
        "import pytest\n\n"
        "def test_export(tmp_path):\n"
        "    if not exporter_available():\n"
        "        pytest.skip()\n"
        "    assert export(tmp_path).exists()\n",
        "# file: tests/integration/test_orders_db.py\n"
        "import pytest\n\n"
        "def test_order_saved(db_url):\n"
        "    try:\n"
        "        db = connect(db_url)\n"
        "    except ConnectionError as exc:\n"
        "        pytest.skip(f'database not available: {exc}')\n"
        "    assert save_order(db, 1).id == 1\n",
    )
    VALID = (
        "import pytest\n\n"
        "@pytest.mark.skip(reason='refunds move to the billing service, JIRA-123')\n"
        "def test_refund():\n"
        "    assert refund(10) == 10\n",
        "import sys\nimport pytest\n\n"
        "@pytest.mark.skipif(sys.platform == 'win32', reason='uses fork')\n"
        "def test_fork():\n"
        "    assert run_forked() == 0\n",
        "# file: tests/unit/test_yaml.py\n"
        "import pytest\n\n"
        "def test_yaml_roundtrip():\n"
        "    try:\n"
        "        import yaml\n"
        "    except ImportError:\n"
        "        pytest.skip('PyYAML not installed')\n"
        "    assert yaml.safe_load('a: 1') == {'a': 1}\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.active = "skip" in self.ctx.source
        # per enclosing `except` (innermost last): does a skip in it count; a function boundary
        # pushes False (a nested def is not run by the handler)
        self.handlers: List[bool] = []
        self.calls: List[Tuple[cst.Call, str, bool, int]] = []
        self.marks: List[Tuple[cst.Attribute, str, int]] = []
        self.call_funcs: Set[int] = set()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.active:
            self.handlers.append(not self._imports_only(node.type))

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self.active:
            self.handlers.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.active:
            self.handlers.append(False)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.active:
            self.handlers.pop()

    def _imports_only(self, node: Optional[cst.BaseExpression]) -> bool:
        if node is None:
            return False
        items = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
        return all((dotted(i) or "").rsplit(".", 1)[-1] in _IMPORT_ERRORS for i in items)

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if last in _NAMES:
            name = dotted(func)
            if name:
                self.call_funcs.add(id(func))
                in_except = bool(self.handlers) and self.handlers[-1]
                self.calls.append((node, name, in_except, self.ctx.stmt_line()))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.active and node.attr.value in _MARKS and id(node) not in self.call_funcs:
            name = dotted(node)
            if name:
                self.marks.append((node, name, self.ctx.stmt_line()))

    def _resolve(self, name: str) -> str:
        return resolve_with_stars(self.ctx.imports, name) or name

    def finish(self) -> None:
        for node, name, in_except, stmt in self.calls:
            what = self._resolve(name)
            if what == "pytest.skip":
                message = self._argument(node, 0, ("reason", "msg"))
                if not _has_text(message):
                    self.report(node, "`pytest.skip()` without a reason: say why the test does not run",
                                stmt_line=stmt)
                elif in_except:
                    self.report(node, "`pytest.skip` in an `except` block: a failing service turns into a "
                                      "skipped test instead of a failed one", stmt_line=stmt, tags=("except",))
            elif name in ("self.skipTest", "cls.skipTest"):  # unittest's runtime skip
                if in_except:
                    self.report(node, "`self.skipTest` in an `except` block: a failing service turns into a "
                                      "skipped test instead of a failed one", stmt_line=stmt, tags=("except",))
            elif what == "pytest.mark.skip":
                if not _has_text(self._argument(node, 0, ("reason",))):
                    self.report(node, "`@pytest.mark.skip` without a reason", stmt_line=stmt)
            elif what == "pytest.mark.skipif":
                condition = self._argument(node, 0, ("condition",))
                if not _has_text(self._argument(node, None, ("reason",))) and (condition is None or string_value(condition) is None):
                    self.report(node, "`@pytest.mark.skipif` without `reason=`", stmt_line=stmt)
        for attr, name, stmt in self.marks:
            what = self._resolve(name)
            if what in ("pytest.mark.skip", "pytest.mark.skipif"):
                self.report(attr, f"`@{what}` without a reason", stmt_line=stmt)

    @staticmethod
    def _argument(node: cst.Call, position: Optional[int], keywords: Tuple[str, ...]) -> Optional[cst.BaseExpression]:
        """The argument at ``position`` (among positional ones) or under one of ``keywords``."""
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in keywords:
                return arg.value
            if arg.star:  # `*args` / `**kwargs`: cannot tell, assume a reason is passed
                return arg.value
        if position is not None and len(positional) > position:
            return positional[position].value
        return None

    @classmethod
    def keep(cls, finding: Finding, category: str, options: Any) -> bool:
        if "except" in finding.tags:
            return category in options.runtime_skip_in_except
        return True
