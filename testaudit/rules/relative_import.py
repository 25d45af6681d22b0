"""
## What it does
Reports relative imports: `from . import x`, `from .m import x`, `from ..p.m import x`, in
test and support modules alike.

## Why is this bad?
Test directories are often collected without being packages, run from different working
directories, or moved between `unit/` and `integration/`. A relative import then fails at
collection time ("attempted relative import with no known parent package") or silently imports
a different module. Absolute imports say exactly which module a test depends on.

## Fix (safe)
The import is rewritten to the absolute module (`from .helpers import x` in
`tests/integration/test_a.py` → `from tests.integration.helpers import x`), resolved against
the top-level `src` roots. There is no fix when it cannot be resolved unambiguously: the file
lies under more than one `src` root, the dots climb above its root, or the target module (for
`from . import x`, the package's `__init__.py`) is not a file of the project.

## Options
None; module names come from the top-level `src` setting.

## Known limitations
In a file that does not parse, relative imports are found line by line: an import written
across several lines is reported at its first line, and a `from .` line inside a multi-line
string is reported too.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

import libcst as cst

from testaudit.model import Edit, Fix, Location
from testaudit.names import dotted, resolve_relative
from testaudit.rule import Rule

_TEXT = re.compile(r"^([ \t]*)from[ \t]+(\.[\w.]*)\s+import\b")  # linear: no overlapping repeats


def _norm(src: str) -> str:
    root = Path(src).as_posix().strip("/")
    return "" if root in ("", ".") else root


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
            self.report(node, f"relative import `from {dots}{mod} import …`; use an absolute import",
                        fix=self._absolute(node))

    def _absolute(self, node: cst.ImportFrom) -> Optional[Fix]:
        ctx = self.ctx
        name = dotted(node.module) if node.module is not None else ""
        roots = [r for r in (_norm(s) for s in ctx.config.src) if r == "" or ctx.rel.startswith(r + "/")]
        if name is None or len(roots) != 1 or not ctx.module:
            return None
        target = resolve_relative(ctx.module, ctx.is_package, len(node.relative), name)
        path = f"{roots[0]}/{target.replace('.', '/')}" if roots[0] else target.replace(".", "/")
        if not target or not any(os.path.isfile(os.path.join(ctx.config.root, path + end))
                                 for end in (".py", "/__init__.py")):
            return None
        text = target
        if not node.whitespace_after_from.value:  # `from.m import x`
            text = " " + text
        if not node.whitespace_before_import.value:  # `from .import x`
            text += " "
        first = ctx.location(node.relative[0])
        last = ctx.location(node.module if node.module is not None else node.relative[-1])
        return Fix(True, f"import from `{target}`",
                   (Edit(first.line, first.column, last.end_line, last.end_column, text),))

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
