"""End-to-end option cases for the BVJ, commented-out-test and typed-ID rules.

Same shape as `test_options_reach_rules.CASES`: (code, option key, TOML value, files, lines
reported with defaults, lines reported with the option set).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from test_options_reach_rules import _lines

MORE_CASES: list = []


@pytest.mark.parametrize("code,key,value,files,default_lines,option_lines", MORE_CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in MORE_CASES])
def test_option_reaches_rule(tmp_path: Path, code, key, value, files, default_lines, option_lines) -> None:  # type: ignore[no-untyped-def]
    assert _lines(tmp_path / "default", code, files, "") == default_lines
    table = f"[tool.testaudit.rules.{code}]\n{key} = {value}\n"
    assert _lines(tmp_path / "set", code, files, table) == option_lines
