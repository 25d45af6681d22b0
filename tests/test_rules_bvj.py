"""TA401/TA402/TA403 beyond the fixture markers: messages, exclusivity, label parsing.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: BVJ rules read real-world docstrings correctly
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_project, write_project
from testaudit.rules._bvj import DEFAULT_FIELDS, DEFAULT_HEADER, labelled_header, missing_fields

TEST = "\n\ndef test_a():\n    assert 1\n"


def _findings(tmp_path: Path, source: str):  # type: ignore[no-untyped-def]
    write_project(tmp_path, {"tests/test_a.py": source})
    result = run_project(tmp_path, select=["TA401", "TA402", "TA403"])
    return [(f.code, f.location.line, f.message) for f in result.findings]


@pytest.mark.parametrize("source,line,where", [
    ('import os\n\n"""BVJ: x"""\n' + TEST, 3, "in a string after line 1's code"),
    ('"""Paths."""\n"""BVJ: x"""\n' + TEST, 2, "in a string after the module docstring"),
    ('"""Paths."""\n# BVJ: x\n' + TEST, 2, "in a comment"),
    ('"""Paths."""\n\n\nclass TestA:\n    def test_a(self):\n        """BVJ: x"""\n', 6,
     "in the docstring of method TestA.test_a"),
    ('"""Paths."""\n\n\ndef test_a():\n    def inner():\n        """BVJ: x"""\n', 6,
     "in the docstring of function test_a.inner"),
])
def test_displaced_message_says_where(tmp_path: Path, source: str, line: int, where: str) -> None:
    (finding,) = _findings(tmp_path, source)
    assert finding[:2] == ("TA402", line)
    assert where in finding[2]


def test_displaced_string_is_preferred_over_earlier_comment(tmp_path: Path) -> None:
    source = '# BVJ: in a comment\nimport os\n"""BVJ: a string"""\n' + TEST
    assert [f[:2] for f in _findings(tmp_path, source)] == [("TA402", 3)]


def test_prose_mentions_are_not_a_displaced_bvj(tmp_path: Path) -> None:
    source = ('"""Paths."""\n# check the business justification of each factory\n\n\n'
              'def test_a():\n    """Generate business justification for routing."""\n    assert 1\n')
    assert [f[:2] for f in _findings(tmp_path, source)] == [("TA401", 1)]


def test_complete_docstring_reports_nothing(tmp_path: Path) -> None:
    source = ('"""Paths.\n\nBVJ:\n- Segment: All\n- Business Goal: Speed\n- Value Impact: x\n'
              '- Strategic Impact: y\n"""\n# BVJ: a repeated comment is fine\n' + TEST)
    assert _findings(tmp_path, source) == []


def test_empty_test_module_is_missing_bvj(tmp_path: Path) -> None:
    assert [f[:2] for f in _findings(tmp_path, "")] == [("TA401", 1)]


def test_ignore_file_suppresses(tmp_path: Path) -> None:
    assert _findings(tmp_path, "# testaudit: ignore-file[missing-bvj]\n" + TEST) == []


def test_deeply_nested_functions_stay_cheap(tmp_path: Path) -> None:
    """Auto-generated modules nest dozens of defs; qualified names must not grow exponentially."""
    body = "".join("    " * i + f"def test_{i}(self):\n" for i in range(60)) + "    " * 60 + '"""BVJ: deep"""\n'
    (finding,) = _findings(tmp_path, '"""Deep."""\n' + body)
    assert finding[0] == "TA402" and "test_0.test_1.test_2" in finding[2]


@pytest.mark.parametrize("text,labelled", [
    ("# BVJ: x", True),
    ("# Business Value Justification", True),
    ("Business Value Justification (BVJ):\n- Segment: x", True),
    ("intro\n  **Business Value Justification**\n", True),
    ("BVJ (Business Value Justification): these tests", True),
    ("# Should reference business justification", False),
    ("Generate business justification for routing.", False),
])
def test_labelled_header(text: str, labelled: bool) -> None:
    assert labelled_header(text, DEFAULT_HEADER) is labelled


@pytest.mark.parametrize("text,missing", [
    ("- Segment: a\n- Business Goal: b\n- Value Impact: c\n- Strategic Impact: d", []),
    ("1. **Segment**: a\n2) __Goal__: b\n* **Value Impact:** c\n\u2022 Strategic/Revenue Impact: d", []),
    ("  Segments: a\n  GOAL: b\n  value impact: c\n  Revenue Impact: d", []),
    ("Target Segment: a\nCustomer Segment: a\nGoal : b", ["Value Impact", "Impact"]),
    ("BVJ: Platform | Stability | CI", ["Segment", "Goal", "Value Impact", "Impact"]),
    ("- Segment: a | Goal: b | Impact: c", ["Goal", "Value Impact", "Impact"]),
    ("Our Segment: is prose\nSegmentation: no", ["Segment", "Goal", "Value Impact", "Impact"]),
])
def test_missing_fields(text: str, missing: list) -> None:
    assert missing_fields(text, DEFAULT_FIELDS) == missing
