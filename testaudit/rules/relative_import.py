"""
## What it does
Reports relative imports: `from . import x`, `from .m import x`, `from ..p.m import x`, in
test and support modules alike.

## Why is this bad?
Test directories are often collected without being packages, run from different working
directories, or moved between `unit/` and `integration/`. A relative import then fails at
collection time ("attempted relative import with no known parent package") or silently imports
a different module. Absolute imports say exactly which module a test depends on.

## Options
None. The module names used for the fix (a later release) come from the top-level `src`
setting.

## Known limitations
In a file that does not parse, relative imports are found line by line: an import written
across several lines is reported at its first line, and a `from .` line inside a multi-line
string is reported too.
"""
from __future__ import annotations

import re

import libcst as cst

from testaudit.model import Location
from testaudit.rule import Rule

_TEXT = re.compile(r"^(\s*)from\s+(\.+[\w.]*)\s+import\b")


class RelativeImport(Rule):
    CODE = "TA201"
    NAME = "relative-import"
    MESSAGE = "relative import; use an absolute import"
    FILES = "all"
    TEXT = True
    INVALID = (
        "from .helpers import make_user\nfrom .. import conftest_utils\n",
    )
    VALID = (
        "from tests.integration.helpers import make_user\nimport tests.conftest_utils as conftest_utils\n",
    )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative:
            dots = "." * len(node.relative)
            mod = cst.Module([]).code_for_node(node.module) if node.module is not None else ""
            self.report(node, f"relative import `from {dots}{mod} import …`; use an absolute import")

    def check_text(self) -> None:
        if self.ctx.positions is not None:
            return  # the file parsed: the visitor has reported already
        for number, line in enumerate(self.ctx.lines, start=1):
            match = _TEXT.match(line)
            if match:
                start = len(match.group(1)) + 1
                self.report_at(Location(number, start, number, len(line.rstrip()) + 1),
                               f"relative import `from {match.group(2)} import …`; use an absolute import",
                               stmt_line=number)
