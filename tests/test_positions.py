"""Our cheap positions equal libcst's PositionProvider on every node of every fixture file.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: reported lines and columns are exact
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from conftest import FIXTURES
from testaudit.positions import Positions

FILES = sorted(p for p in FIXTURES.rglob("*.py"))
EXTRA = {
    "crlf": "def test_a():\r\n    x = (1,\r\n         2)\r\n",
    "lone_cr": "x = 1\ry = 2\r",
    "no_final_newline": "def f():\n    return 1",
    "tabs_and_unicode": "def tést():\n\ts = 'ünïcode'\n\treturn s  # comment\n",
    "empty": "",
}


def _compare(module: cst.Module) -> None:
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = Positions(module)
    bad = [(type(n).__name__, r, ours[n]) for n, r in expected.items() if ours[n] != r]
    assert not bad, bad[:5]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_positions(path) -> None:  # type: ignore[no-untyped-def]
    _compare(cst.parse_module(path.read_bytes()))


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_unusual_text_positions(name: str) -> None:
    _compare(cst.parse_module(EXTRA[name]))
