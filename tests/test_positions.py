"""Our cheap positions equal libcst's PositionProvider on every node of every fixture file.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: reported lines and columns are exact
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from typing import Any, Mapping, Union

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


# -- StatementPositions: statements from ast, other nodes by generating one statement ---------
STATEMENTS_EXTRA = {
    **EXTRA,
    "bom": "\ufeff# comment\nx = 'é'; y = f(1)\n",
    "shapes": (
        "import os, sys; from a import (b,\n    c)\n"
        "@dec  # why\n\n# between\n@pkg.mark(\n    1)\nasync def tést(x: 'ü' = g(2)) -> None:\n"
        "    '''doc\n    string'''\n    if a: b(); c()\n    elif d(\n        e):\n        pass\n"
        "    elif f:  # c\n        pass\n    else:\n        (h)\n"
        "    async with k() as l, m(): n = [\n        o(p) for p in q]\n"
        "    async for r in s():\n        continue\n    else:\n        t = u \\\n            + v()\n"
        "    while w(): break\n"
        "    try:\n        x()\n    except (A, B) as exc:\n        y()\n    except C:\n        pass\n"
        "    else:\n        z = 1\n    finally:\n        zz()\n"
        "class K(Base, metaclass=M):\n\tdef m(self):\n\t\treturn {'ü': [1,\n\t\t\t2]}\n"
        "match cmd:\n    case [a, *rest] if a > 0:\n        go(a)\n    case _:\n        pass\n"
        "try:\n    pass\nexcept* ValueError:\n    pass\n"
        "# trailing comment\n"
    ),
    "calls_in_fstrings": "x = f'{g(1)}' + h(\n    f'{k(2)!r:>{w()}}')\nassert y(\n    z), f'{m()}'\n",
    "calls_everywhere": (
        "@a.b(c(1))\n@d\nclass K(e(2), metaclass=f()):\n    @g(\n        h())\n    async def  m(self, x=i(3)) -> j():\n"
        "        return (k)(l(4))(5)[6](\n            lambda: n(o()))\nv = [p(q) for q in r(s(7)) if t(q)]\n"
        "from u import (a as b,\n    c)\nimport v.w as x, y\nfrom z import *\n"
    ),
    "newer_syntax_than_ast": "type Alias = list[int]\ndef f[T](x: T) -> T:\n    return g(x)\n",
}


def _visit_everything(module: cst.Module, data: bytes) -> None:
    """Ask for every node while visiting it (with the visit's statement stack), then for every
    node again after the visit (as a rule's ``finish`` does); both against PositionProvider.
    Given the decoded text (as the analysis gives it: all-ASCII text takes columns straight from
    ``ast``) and given the bytes."""
    from testaudit.source import decode

    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for source in (decode(data), data):
        _visit_everything_from(module, source, expected)


def _visit_everything_from(module: cst.Module, source: Union[str, bytes], expected: Mapping[cst.CSTNode, Any]) -> None:
    from testaudit.analyze import _STATEMENTS
    from testaudit.positions import StatementPositions
    from testaudit.source import decode, split_lines

    text = source if isinstance(source, str) else decode(source)
    stack: list = []
    visited_in: dict = {}
    ours = StatementPositions(module, source, split_lines(text), stack, visited_in)
    lines = StatementPositions(module, source, split_lines(text), stack, visited_in)  # asked only lines
    bad = []

    def visit(node: cst.CSTNode) -> None:
        statement = type(node) in _STATEMENTS
        if statement:
            stack.append(node)
        if stack:
            visited_in[id(node)] = stack[-1]
        if type(node) is cst.Call:
            ours.visit_Call(node)  # as the walk does, before any other handler
            lines.visit_Call(node)
        if ours[node] != expected[node]:
            bad.append((type(node).__name__, expected[node], ours[node]))
        if lines.line(node) != expected[node].start.line:
            bad.append((type(node).__name__, expected[node], lines.line(node)))
        for child in node.children:
            visit(child)
        if statement:
            stack.pop()

    for child in module.children:
        visit(child)
    assert not bad, bad[:5]
    later = StatementPositions(module, source, split_lines(text), [], visited_in if module.body else {})
    bad = [(type(n).__name__, r, later[n]) for n, r in expected.items() if later[n] != r]
    assert not bad, bad[:5]
    later = StatementPositions(module, source, split_lines(text), [], visited_in if module.body else {})
    bad = [(type(n).__name__, r, later.line(n)) for n, r in expected.items() if later.line(n) != r.start.line]
    assert not bad, bad[:5]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_statement_positions_on_fixtures(path) -> None:  # type: ignore[no-untyped-def]
    data = path.read_bytes()
    _visit_everything(cst.parse_module(data), data)


@pytest.mark.parametrize("name", sorted(STATEMENTS_EXTRA))
def test_statement_positions_on_unusual_code(name: str) -> None:
    data = STATEMENTS_EXTRA[name].encode("utf-8")
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError:
        pytest.skip("this libcst does not parse it")
    _visit_everything(module, data)


def test_statement_positions_generate_only_what_is_asked() -> None:
    """Statements come from ast and a node from its own statement: the rest of the module is
    never generated (the whole-module pass is what this replaces)."""
    from testaudit.positions import StatementPositions

    source = "import os\n\n\ndef test_a():\n    x = f(1)\n    assert x\n" + "def g():\n    return [1, 2, 3]\n" * 50
    module = cst.parse_module(source)
    test_a = module.body[1]
    assign = test_a.body.body[0]
    call = assign.body[0].value
    ours = StatementPositions(module, source.encode(), source.split("\n"), [test_a, assign])
    assert ours[test_a].start.line == 4 and ours[assign].start.line == 5
    assert (ours[call].start.line, ours[call].start.column, ours[call].end.column) == (5, 8, 12)
    assert ours._full is None and len(ours._spans) < 20
    assert StatementPositions(module, source.encode(), source.split("\n"), []).one_line(assign) == 5


def test_statement_positions_fall_back_to_the_whole_module_when_ast_disagrees() -> None:
    from testaudit.positions import StatementPositions

    source = "x = 1\n"
    ours = StatementPositions(cst.parse_module(source), b"x = 1\ny = 2\n", [source], [])  # not the same code
    assert ours._full is not None
    module = cst.parse_module(source)
    assert StatementPositions(module, b"x = 1\ny = 2\n", [source], [])[module.body[0]].start.line == 1


def test_calls_decorators_and_bound_names_come_from_ast_without_codegen() -> None:
    """Calls (numbered as the walk meets them), decorators, the names imports bind and the names of
    defs and classes are placed from ast: nothing is generated for them."""
    from testaudit.positions import StatementPositions

    source = STATEMENTS_EXTRA["calls_everywhere"]
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    stack: list = []
    ours = StatementPositions(module, source.encode(), source.split("\n"), stack)
    asked = []

    class Walk(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                stack.append(node)
            if type(node) is cst.Call:
                ours.visit_Call(node)
                asked.append(node)
            elif type(node) is cst.Decorator:
                asked.append(node)
            elif type(node) in (cst.FunctionDef, cst.ClassDef):
                asked.append(node.name)
            elif type(node) is cst.ImportAlias:
                asked.append(node.name)
            elif type(node) is cst.ImportStar:
                asked.append(node)
            return True

        def on_leave(self, node: cst.CSTNode) -> None:
            if stack and stack[-1] is node:
                stack.pop()

    module.visit(Walk())
    assert len(asked) == 28  # 18 calls, 3 decorators, 2 names defined, 5 imported
    wrong = [(type(n).__name__, expected[n], ours[n]) for n in asked if ours[n] != expected[n]]
    assert not wrong, wrong[:3]
    assert ours._full is None and not ours._spans, "generated code for a node ast places"


def test_calls_numbered_out_of_order_are_placed_by_codegen() -> None:
    """If the numbering ever disagreed with ast's order, the callee check catches it and the
    statement's calls are generated instead of misplaced."""
    from testaudit.positions import StatementPositions

    source = "x = (a(1),\n     b(2))\n"
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    line = module.body[0]
    calls = [e.value for e in line.body[0].value.elements]
    ours = StatementPositions(module, source.encode(), source.split("\n"), [line])
    for call in reversed(calls):  # b numbered 0, a numbered 1
        ours.visit_Call(call)
    assert [ours[c] for c in calls] == [expected[c] for c in calls]
    assert ours._calls[id(line)] is None  # distrusted after the first mismatch
