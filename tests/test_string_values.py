"""Rules read string literals without compiling them, and read them exactly as Python does.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: URLs, IDs and environment keys in tests are judged on their real value
- Strategic Impact: a cheaper check on every string of every file, with findings unchanged
"""
from __future__ import annotations

import ast

import libcst as cst
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from testaudit import names
from testaudit.names import string_value

PREFIXES = ["", "r", "R", "u", "U", "b", "rb", "Br", "f"]
QUOTES = ["'", '"', "'''", '"""']
TEXT = st.text(alphabet=st.sampled_from(list("ab '\"\\\n\r\tné€\x00{}") + ["\U0001f600"]), max_size=12)


def _expected(literal: str):  # type: ignore[no-untyped-def]
    value = ast.literal_eval(literal)
    return value if isinstance(value, str) else None


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")  # "\\{" and the like
@given(prefix=st.sampled_from(PREFIXES), quote=st.sampled_from(QUOTES), body=TEXT)
def test_any_literal_reads_as_python_reads_it(prefix: str, quote: str, body: str) -> None:
    literal = f"{prefix}{quote}{body}{quote}"
    try:
        node = cst.parse_expression(literal)
        expected = _expected(literal) if "f" not in prefix else None
    except (SyntaxError, ValueError, cst.ParserSyntaxError):
        assume(False)
        return
    if isinstance(node, cst.SimpleString):
        assert string_value(node) == expected


@given(TEXT)
def test_repr_of_any_text_reads_back(text: str) -> None:
    literal = repr(text)
    assert string_value(cst.parse_expression(literal)) == text


@pytest.mark.parametrize("literal, value", [
    ('""', ""), ('""""""', ""), ("''''a'''", "'a"), ('"""\n"x"\n"""', '\n"x"\n'), ("r'\\d+'", "\\d+"),
    ("'http://localhost:8000'", "http://localhost:8000"), ("u'x'", "x"),
])
def test_plain_literals_need_no_compile(literal: str, value: str) -> None:
    assert names._plain_value(literal) == value == ast.literal_eval(literal)


@pytest.mark.parametrize("literal", ["'a\\nb'", "b'x'", "'a\rb'", "f'x'", "rb'x'"])
def test_escapes_bytes_and_carriage_returns_take_the_compiled_path(literal: str) -> None:
    assert names._plain_value(literal) is None
