"""
## What it does
Reports a test module whose docstring has a Business Value Justification (BVJ) header but lacks
one of the required fields. In the reference policy those are Segment, Goal, Value Impact and
Impact (strategic or revenue). A field counts when one of its labels starts a line of the
docstring — after optional indentation, a bullet (`-`, `*`, `•`, `1.`, `1)`) and `**bold**` or
`__bold__` — matched case-insensitively and followed by a colon (inside or outside the bold):
`- Segment: Enterprise`, `1. **Business Goal**: Retention`, `**Value Impact:** …`. A one-line
`BVJ: Platform | Stability | faster CI` has a header but no labelled fields, so it is reported.
One finding per file, at the module docstring, naming the missing fields.

## Why is this bad?
A header alone says nothing. The fields make the justification checkable: who the test serves,
which goal it protects, and what the user or the business loses when it fails — the
information a reviewer needs to rank and prune a large suite.

## Options
- `bvj-header`: the regular expression that recognises a BVJ header in the module docstring.
- `bvj-fields`: a table of field name → the labels accepted for it, e.g.
  `bvj-fields = { Segment = ["Segment", "Target Segment"], Goal = ["Business Goal"] }`.
  The table replaces the default one.

## Known limitations
Fields are searched anywhere in the module docstring, not only below the header, and their
values are not checked (`- Segment:` with nothing after it counts). A label that does not start
a line does not count: neither one written after the header (`BVJ: Segment: Platform`) nor one
after a separator (`- Segment: Mid | Goal: Retention` counts Segment only). Suppress with
`# testaudit: ignore-file[TA403]`, as the docstring's first line cannot carry a comment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

import libcst as cst

from testaudit.model import Severity
from testaudit.rule import Rule
from testaudit.rules._bvj import DEFAULT_HEADER, analysis, default_fields, missing_fields


@dataclass(frozen=True)
class Options:
    bvj_header: str = field(default=DEFAULT_HEADER, metadata={"regex": True})
    bvj_fields: Dict[str, Tuple[str, ...]] = field(default_factory=default_fields, hash=False)


class IncompleteBvj(Rule):
    CODE = "TA403"
    NAME = "incomplete-bvj"
    SEVERITY = Severity.WARNING
    MESSAGE = "Business Value Justification (BVJ) lacks a required field"
    FILES = "test"
    Options = Options
    INVALID = (
        '"""Checkout totals.\n\nBusiness Value Justification (BVJ):\n- Segment: Mid\n'
        '- Value Impact: correct totals\n"""\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n',
        '"""BVJ: Platform | Stability | faster CI"""\n\n\ndef test_ci():\n    assert run_ci()\n',
    )
    VALID = (
        '"""Checkout totals.\n\nBusiness Value Justification (BVJ):\n'
        "1. **Segment**: Mid-market\n2. **Business Goal**: Conversion\n"
        "3. **Value Impact:** totals are right\n4. **Strategic/Revenue Impact**: fewer refunds\n"
        '"""\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n',
        '"""Checkout totals."""\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n',
    )

    def visit_Module(self, node: cst.Module) -> None:
        module = analysis(self.ctx, node, self.options.bvj_header)
        if not module.has_header or module.docstring is None:
            return
        missing = missing_fields(module.text, self.options.bvj_fields)
        if missing:
            self.report(module.docstring, f"BVJ lacks {', '.join(missing)}", stmt_line=0)
