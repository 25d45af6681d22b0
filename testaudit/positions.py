"""Node positions at a fraction of ``PositionProvider``'s cost.

libcst's ``PositionProvider`` tracks line and column on every token and builds two
``CodePosition`` objects and a ``CodeRange`` for every node; on the reference corpus it costs
about 2.3× the parse. Here one codegen pass records only token *indices* per node (mirroring
``PositionProvidingCodegenState``'s syntactic-position rules), and lines and columns are
computed on demand, for the nodes that are asked about, from the generated code's newline
offsets. Same ranges as ``PositionProvider`` (a test compares them on every fixture file).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Dict, List, Optional, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass(frozen=False)
class _SpanState(CodegenState):
    spans: Dict[int, Tuple[int, int]] = field(default_factory=dict)  # id(node) → token indices
    stack: List[int] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        # keyed by id(): CSTNode.__hash__ is a Python-level call, twice per node here (the tree
        # outlives this mapping, so no other live object shares a node's id); a syntactic
        # position recorded inside the node's codegen wins
        self.spans.setdefault(id(node), (self.stack.pop(), len(self.tokens)))

    def pop_trailing_newline(self) -> None:
        """Keep the module's last newline: only offsets are needed, and the Module/trailing
        whitespace ranges then match PositionProvider's exactly."""

    def record_syntactic_position(  # type: ignore[override]  # any context manager does
            self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None,
            end_node: Optional[cst.CSTNode] = None) -> "_Syntactic":
        return _Syntactic(self, node, start_node, end_node)


class _Syntactic:
    """``record_syntactic_position`` as a plain context manager (a generator-based one costs
    several times more, and libcst enters one for most statements and expressions)."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _SpanState, node: cst.CSTNode, start_node: Optional[cst.CSTNode],
                 end_node: Optional[cst.CSTNode]) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = len(self.state.tokens)

    def __exit__(self, *exc: object) -> None:
        spans = self.state.spans
        start = self.start if self.start_node is None else spans[id(self.start_node)][0]
        end = len(self.state.tokens) if self.end_node is None else spans[id(self.end_node)][1]
        spans[id(self.node)] = (start, end)


class Positions:
    """A read-only mapping node → ``CodeRange``, like ``wrapper.resolve(PositionProvider)``."""

    def __init__(self, module: cst.Module) -> None:
        state = _SpanState(default_indent=module.default_indent, default_newline=module.default_newline)
        module._codegen(state)
        self._spans = state.spans
        tokens = state.tokens
        self._offsets = [0, *accumulate(map(len, tokens))]
        code = "".join(tokens)
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(code)]
        self._cache: Dict[int, CodeRange] = {}

    def _position(self, token_index: int) -> CodePosition:
        offset = self._offsets[min(token_index, len(self._offsets) - 1)]
        line = bisect_right(self._line_starts, offset) - 1
        return CodePosition(line + 1, offset - self._line_starts[line])

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        key = id(node)
        cached = self._cache.get(key)
        if cached is None:
            start, end = self._spans[key]
            cached = CodeRange(self._position(start), self._position(end))
            self._cache[key] = cached
        return cached

    def __contains__(self, node: object) -> bool:
        return id(node) in self._spans
