"""
## What it does
Reports a test module whose Business Value Justification (BVJ) is written somewhere other than
the module docstring: in a module-level string that code above it displaced (so Python does not
take it as the docstring — a `from __future__ import` or an `import` above it is enough), in a
comment (`# BVJ: …`), or in a class or function docstring. There the header must be used as a
label — followed by a colon (`BVJ:`, `Business Value Justification (BVJ):`) or alone on its
line (`# Business Value Justification`) — so prose such as `# check the business
justification of each factory` is not a BVJ. One finding per file, at the displaced BVJ; the
message says where it is. A displaced module-level string is preferred, otherwise the first
place in the file is reported.

## Why is this bad?
Documentation tools, IDEs, `help()` and the compliance audit read the module docstring; a BVJ
anywhere else is invisible to them, and a BVJ in one test's docstring does not justify the
module. Usually the fix is mechanical: move the string to the top of the module.

## Options
- `bvj-header`: the regular expression that recognises a BVJ header, in the module docstring
  and in the places searched for a displaced one.

## Known limitations
Only module-level string statements, comments and class/function docstrings are searched; a BVJ
kept in a variable (`BVJ = "…"`) or inside an `if` block at module level is not found, and the
module is reported as TA401 missing-bvj. A header used as a label in a comment or docstring counts
even when the text is not a justification (`# TODO BVJ: write one`).

## Fix (safe)
A displaced module-level string is moved, with the lines it spans, to the top of the module —
after a shebang line and an encoding cookie, so both keep working, and before everything else,
so `from __future__` imports stay valid — and every other line is kept as it was. There is no
fix when the module already has a docstring (merging two texts is a human's call), nor for a
BVJ in a comment or a class/function docstring.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from testaudit.model import Edit, Fix
from testaudit.rule import below_header, line_break
from testaudit.rules._bvj import DEFAULT_HEADER, BvjScan

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as Python counts them, with their ends


@dataclass(frozen=True)
class Options:
    bvj_header: str = field(default=DEFAULT_HEADER, metadata={"regex": True})


class DisplacedBvj(BvjScan):
    CODE = "TA402"
    NAME = "displaced-bvj"
    MESSAGE = "Business Value Justification (BVJ) is not in the module docstring"
    FILES = "test"
    Options = Options
    INVALID = (
        "from __future__ import annotations\n\n"
        '"""Checkout totals.\n\nBVJ:\n- Segment: Mid\n- Business Goal: Conversion\n'
        '- Value Impact: correct totals\n- Revenue Impact: fewer refunds\n"""\n\n\n'
        "def test_total():\n    assert total([1, 2]) == 3\n",
        "# BVJ: Segment: Enterprise | Goal: Retention | Value Impact: exports work\n"
        "import csv\n\n\ndef test_export():\n    assert csv.writer\n",
        '"""Thread storage."""\n\n\nclass TestThreads:\n'
        '    """Business Value Justification: threads survive restarts."""\n\n'
        "    def test_reload(self):\n        assert reload_thread(1).id == 1\n",
    )
    VALID = (
        '"""Checkout totals.\n\nBVJ:\n- Segment: Mid\n- Business Goal: Conversion\n'
        '- Value Impact: correct totals\n- Revenue Impact: fewer refunds\n"""\n'
        "from __future__ import annotations\n\n\nclass TestTotals:\n"
        '    """BVJ: a class may repeat it."""\n\n    def test_total(self):\n        assert total([1]) == 1\n',
        '"""Checkout totals."""\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n',
    )

    def finish(self) -> None:
        if self.module is None or self.module.has_header:
            return
        found = self.first_displaced()
        if found is not None:
            message = f"Business Value Justification (BVJ) is {found.where}, not in the module docstring"
            fix = None
            if found.kind == "string":
                message += "; move the string to the top of the module"
                fix = self._move_to_top(found.node) if self.module.docstring is None else None
            self.report(found.node, message, stmt_line=0, fix=fix)

    def _move_to_top(self, node: cst.CSTNode) -> Optional[Fix]:
        loc = self.ctx.location(node)
        lines = _LINE.findall(self.ctx.source)
        if not lines or loc.end_line > len(lines):
            return None
        block = "".join(lines[loc.line - 1:loc.end_line])
        if not block.endswith(("\n", "\r")):  # the last line of the file
            block += line_break(self.ctx.source)
        top = below_header(lines)
        if top >= loc.line:
            return None
        return Fix(True, "move the BVJ string to the top of the module",
                   (Edit(top, 1, top, 1, block), Edit(loc.line, 1, loc.end_line + 1, 1, "")))
