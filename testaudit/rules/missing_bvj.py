"""
## What it does
Reports a test module whose module docstring has no Business Value Justification (BVJ) header
— `Business Value Justification (BVJ):`, `BVJ:`, `**Business Justification**` and the like —
when no BVJ is written anywhere else in the file either. (A BVJ that exists but sits in the
wrong place, such as a comment, a class docstring or a string below the imports, is TA402
displaced-bvj instead; a file gets one of the two, never both.) The finding is at the module
docstring, or at line 1 when the module has no docstring.

## Why is this bad?
The reference policy asks every test module to say, in its docstring, which customer segment
it serves, which business goal it protects and what breaks for users when it fails. Without
that a reviewer cannot tell a test that guards revenue from one that pins an implementation
detail, and nobody can decide what to keep, fix first, or delete.

## Options
- `bvj-header`: the regular expression that recognises a BVJ header (searched in the module
  docstring, and in comments and other docstrings to tell TA401 from TA402). The default
  matches "Business Value Justification", "Business Justification" and "BVJ" in any case;
  a docstring with only "Business Value:" does not count.

## Known limitations
The module docstring is the first statement of the module; a string after a
`from __future__ import` is not a docstring to Python and is treated as displaced. Because the
finding is on the docstring, whose first line cannot carry a comment when it spans several
lines, suppress it with `# testaudit: ignore-file[TA401]` near the top of the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from testaudit.model import WHOLE_MODULE, Location
from testaudit.rules._bvj import DEFAULT_HEADER, BvjScan


@dataclass(frozen=True)
class Options:
    bvj_header: str = field(default=DEFAULT_HEADER, metadata={"regex": True})


class MissingBvj(BvjScan):
    CODE = "TA401"
    NAME = "missing-bvj"
    MESSAGE = "test module has no Business Value Justification (BVJ) in its docstring"
    FILES = "test"
    Options = Options
    INVALID = (
        '"""Tests for the invoice exporter."""\n\n\ndef test_export_writes_csv():\n'
        '    assert export_invoices([]) == ""\n',
        "import pytest\n\n\ndef test_refund_is_rejected():\n    with pytest.raises(ValueError):\n"
        "        refund(-1)\n",
        '"""Checkout totals.\n\nBusiness Value: customers are charged correctly.\n"""\n\n\n'
        "def test_total():\n    assert total([1, 2]) == 3\n",
    )
    VALID = (
        '"""Tests for the invoice exporter.\n\nBusiness Value Justification (BVJ):\n'
        "- Segment: Enterprise\n- Business Goal: Retention\n"
        "- Value Impact: finance teams can reconcile invoices\n- Strategic Impact: fewer churned accounts\n"
        '"""\n\n\ndef test_export_writes_csv():\n    assert export_invoices([]) == ""\n',
        '# file: tests/test_displaced.py\nimport pytest\n\n"""BVJ: Platform | Stability | reliable CI"""\n\n\n'
        "def test_ok():\n    assert True\n",
    )

    def finish(self) -> None:
        module = self.module
        if module is None or module.has_header or self.displaced:
            return
        if module.docstring is not None:
            self.report(module.docstring, self.MESSAGE)
        else:
            first = self.ctx.lines[0] if self.ctx.lines else ""
            self.report_at(Location(1, 1, 1, len(first) + 1), "test module has no docstring and no "
                           "Business Value Justification (BVJ)", stmt_line=1, tags=(WHOLE_MODULE,))
