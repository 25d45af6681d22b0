"""The fast tree walk visits exactly what libcst's own traversal visits, in the same order.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: the speed-up of the per-file pass changes no finding
- Strategic Impact: a fast audit is only worth having if it is the same audit
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Tuple

import libcst as cst
import pytest

from conftest import FIXTURES
from testaudit.analyze import _Batched, _walk

NODE_TYPES = [name for name in dir(cst) if isinstance(getattr(cst, name), type)
              and issubclass(getattr(cst, name), cst.CSTNode)]
EVERYTHING = '''
"""Doc."""
from __future__ import annotations
import os, sys as system
from . import sibling  # a comment
@decorator(arg=1)
async def f(a, /, b: int = 2, *args, c, **kw) -> "T":
    global g
    x = [i async for i in y if i] + {k: v for k, v in z.items()} + {*s} + (t,)
    async with a as b, c:
        await x
    try:
        pass
    except* ValueError as e:
        raise
    finally:
        del x[1:2, ::3]
    match x:
        case {"k": [1, *rest]} | Point(x=0) if rest:
            return lambda q=1: q ** 2
    return f"{x!r:>{width}} {y=}" if x else (yield from z)
class C(Base, metaclass=M):
    attr: int = 0
    def m(self): return self.attr @ other
type Alias[T] = list[T]
while (n := next(it)) is not None: break
else: continue
'''


# what the real visitors handle: whitespace leaves are then skipped by the fast walk
SPARSE = ("visit_Comment", "visit_Call", "visit_Name", "visit_SimpleString", "leave_FunctionDef", "visit_With",
          "leave_With", "leave_Module", "visit_ClassDef", "leave_ClassDef")


def _events(module: cst.Module, walker: str, sparse: bool = False) -> List[Tuple[str, int, int, int]]:
    """Each handler call: which, on what node, the statement stack's depth and the statement
    the node was recorded as visited in."""
    seen: List[Tuple[str, int, int, int]] = []
    stack: List[cst.CSTNode] = []
    visited_in: Dict[int, cst.CSTNode] = {}
    methods: Dict[str, List[Callable[[cst.CSTNode], None]]] = {}
    for name in NODE_TYPES:
        for event in ("visit_", "leave_"):
            key = event + name
            if not sparse or key in SPARSE:
                methods[key] = [lambda node, key=key: seen.append(
                    (key, id(node), len(stack), id(visited_in.get(id(node)))))]
    if walker == "libcst":
        module.visit(_Batched(methods, stack, visited_in))
    else:
        _walk(module, methods, stack, visited_in)
    assert stack == []  # every statement pushed was popped
    return seen


SOURCES = sorted(p for p in FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(FIXTURES).as_posix() for p in SOURCES])
def test_same_visits_as_libcst_on_every_fixture_file(path: Path) -> None:
    module = cst.parse_module(path.read_bytes())
    assert _events(module, "fast") == _events(module, "libcst")
    sparse = _events(module, "fast", sparse=True)
    assert sparse == _events(module, "libcst", sparse=True)


def test_same_visits_on_every_kind_of_node() -> None:
    module = cst.parse_module(EVERYTHING)
    events = _events(module, "fast")
    assert events == _events(module, "libcst")
    assert _events(module, "fast", sparse=True) == _events(module, "libcst", sparse=True)
    assert any(key == "visit_Comment" for key, _, _, _ in _events(module, "fast", sparse=True))
    kinds = {key.split("_", 1)[1] for key, _, _, _ in events}
    assert {"Match", "TypeAlias", "NamedExpr", "FormattedString", "Lambda", "Comment"} <= kinds


def test_deep_nesting_does_not_overflow() -> None:
    depth = 2500
    module = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(_nested(depth))])])
    events = _events(module, "fast")
    assert sum(1 for key, _, _, _ in events if key == "visit_List") == depth


def _nested(depth: int) -> cst.BaseExpression:
    node: cst.BaseExpression = cst.Integer("1")
    for _ in range(depth):
        node = cst.List([cst.Element(node)])
    return node
