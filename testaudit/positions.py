"""Node positions at a fraction of ``PositionProvider``'s cost.

libcst's ``PositionProvider`` tracks line and column on every token and builds two
``CodePosition`` objects and a ``CodeRange`` for every node; on the reference corpus it costs
about 2.3× the parse. Here one codegen pass records only token *indices* per node (mirroring
``PositionProvidingCodegenState``'s syntactic-position rules), and lines and columns are
computed on demand, for the nodes that are asked about, from the generated code's newline
offsets. Same ranges as ``PositionProvider`` (a test compares them on every fixture file).

:class:`StatementPositions` (what a check uses) avoids even that pass for most of a module: see
the comment above it.
"""
from __future__ import annotations

import ast
import re
import sys
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union, cast

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodePosition, CodeRange

from testaudit.source import code_points

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

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is not None:  # a local pass stopping early (_Found): this node is unfinished
            return
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
        self._position = _Run(state.tokens, 1).position
        self._cache: Dict[int, CodeRange] = {}

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        key = id(node)
        cached = self._cache.get(key)
        if cached is None:
            start, end = self._spans[key]
            cached = CodeRange(self._position(start), self._position(end))
            self._cache[key] = cached
        return cached

    def line(self, node: cst.CSTNode) -> int:
        return self[node].start.line

    def __contains__(self, node: object) -> bool:
        return id(node) in self._spans


# -- positions from CPython's ast plus a little codegen ------------------------------------------
# A check asks for a few hundred ranges per file, mostly of nodes inside one simple statement or
# one ``def`` line, while the pass above generates the code of the whole module (0.4x a parse).
# ``ast`` (a tenth of a parse) gives every statement's range, and also places the nodes asked
# about most: calls (the walk numbers each statement's calls; the n-th is ast's n-th in source
# order, checked against the callee's name on the line), the names imports bind (ast's aliases),
# decorators and the names of defs and classes (checked against the line's text). Any other node
# is placed by generating only its innermost enclosing statement, up to that node, from the
# statement's known start (the statement it was visited in; else the statements being visited;
# else the module's, in turn). Where the two trees cannot be paired (``ast`` rejects syntax newer
# than the running Python, say), the whole-module pass answers. The ranges are always
# PositionProvider's: tests ask for every node of every fixture, during a visit and after it; on
# 650 random reference-corpus files they were all equal (and on 750 before calls came from ast).

class _Found(Exception):
    """Stops a local pass once the node asked about (and its statement's start) are generated."""


@dataclass(frozen=False)
class _LocalState(_SpanState):
    anchor: Optional[cst.CSTNode] = None
    target: Optional[cst.CSTNode] = None
    anchor_start: int = -1
    pending: bool = False

    def after_codegen(self, node: cst.CSTNode) -> None:
        self.spans.setdefault(id(node), (self.stack.pop(), len(self.tokens)))
        if node is self.target:
            if self.anchor_start < 0:
                self.pending = True  # a decorator or comment above the statement: go on to its start
            else:
                raise _Found

    def record_syntactic_position(  # type: ignore[override]
            self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None,
            end_node: Optional[cst.CSTNode] = None) -> "_Syntactic":
        if node is self.anchor:
            return _AnchorStart(self, node, start_node, end_node)
        return _Syntactic(self, node, start_node, end_node)


class _AnchorStart(_Syntactic):
    __slots__ = ()

    def __enter__(self) -> None:
        state = cast(_LocalState, self.state)
        self.start = state.anchor_start = len(state.tokens)
        if state.pending:
            raise _Found


class _Anchor:
    """A statement's ast statements (its first and last: one, but a line of several simple
    statements) and what a local pass needs to generate it as it stands in the module: the
    enclosing blocks' indents and whether it is an ``elif``. Its range (1-based lines, 0-based
    code-point columns) is computed only when asked (``StatementPositions._range``): most
    statements are only asked their lines."""

    __slots__ = ("first", "last", "indent", "is_elif")

    def __init__(self, first: ast.stmt, last: ast.stmt, indent: Tuple[str, ...], is_elif: bool) -> None:
        self.first, self.last, self.indent, self.is_elif = first, last, indent, is_elif


class _Unpaired(Exception):
    """The libcst and ast statements do not correspond one to one."""


_COMPOUND: Dict[type, Tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef), cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,), cst.For: (ast.For, ast.AsyncFor), cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith), cst.Try: (ast.Try,),
}
if hasattr(ast, "TryStar"):
    _COMPOUND[cst.TryStar] = (ast.TryStar,)
if hasattr(ast, "Match"):
    _COMPOUND[cst.Match] = (ast.Match,)


class _Pairing:
    """Walks the libcst statements and the ast statements together (both in source order)."""

    def __init__(self, module: cst.Module, lines: Sequence[str], ascii: bool = False) -> None:
        self.default_indent = module.default_indent
        self.lines = lines
        self.ascii = ascii  # every column is its UTF-8 offset
        self.anchors: Dict[int, _Anchor] = {}
        self.ast_of: Dict[int, Sequence[ast.AST]] = {}  # statement → its ast statement(s)
        self.import_names: Dict[int, ast.alias] = {}  # a name an import binds (or its `*`) → ast's alias
        self.def_names: Dict[int, cst.CSTNode] = {}  # a def's or class's name → the statement
        self.decorators: Dict[int, ast.expr] = {}  # a decorator → ast's expression after its `@`

    def column(self, line: int, utf8_offset: int) -> int:
        return utf8_offset if self.ascii else code_points(_line(self.lines, line), utf8_offset)

    def add(self, node: cst.CSTNode, first: ast.stmt, last: ast.stmt, indent: Tuple[str, ...],
            is_elif: bool = False) -> None:
        if last.end_lineno is None or last.end_col_offset is None:
            raise _Unpaired(node)
        self.anchors[id(node)] = _Anchor(first, last, indent, is_elif)

    def body(self, statements: Sequence[cst.BaseStatement], nodes: List[ast.stmt], indent: Tuple[str, ...]) -> None:
        i = 0
        for stmt in statements:
            if type(stmt) is cst.SimpleStatementLine:
                count = len(stmt.body)
                if count == 0 or i + count > len(nodes):
                    raise _Unpaired(stmt)
                self.add(stmt, nodes[i], nodes[i + count - 1], indent)
                self.ast_of[id(stmt)] = nodes[i:i + count]
                for small, node in zip(stmt.body, nodes[i:i + count]):  # `import a; b = 1`: each its own
                    self.add(small, node, node, indent)
                    if type(small) is cst.ImportFrom or type(small) is cst.Import:
                        self.aliases(small, node)
                i += count
                continue
            if i >= len(nodes):
                raise _Unpaired(stmt)
            self.compound(stmt, nodes[i], indent)
            i += 1
        if i != len(nodes):
            raise _Unpaired(statements)

    def compound(self, stmt: Any, node: Any, indent: Tuple[str, ...], is_elif: bool = False) -> None:
        kinds = _COMPOUND.get(type(stmt))
        if kinds is None or type(node) not in kinds:
            raise _Unpaired(stmt)
        self.add(stmt, node, node, indent, is_elif)
        self.ast_of[id(stmt)] = (node,)
        if type(stmt) is cst.FunctionDef or type(stmt) is cst.ClassDef:
            self.def_names[id(stmt.name)] = stmt
            if len(stmt.decorators) == len(node.decorator_list):
                for decorator, expr in zip(stmt.decorators, node.decorator_list):
                    self.decorators[id(decorator)] = expr
        if type(stmt) in (cst.Try, cst.TryStar):
            self.suite(stmt.body, node.body, indent)
            if len(stmt.handlers) != len(node.handlers):
                raise _Unpaired(stmt)
            for handler, h in zip(stmt.handlers, node.handlers):
                self.add(handler, h, h, indent)  # `except …:` to its body's end, like the statement
                self.suite(handler.body, h.body, indent)
            self.orelse(stmt.orelse, node.orelse, indent)
            self.orelse(stmt.finalbody, node.finalbody, indent)
        elif type(stmt) is cst.Match:
            if len(stmt.cases) != len(node.cases):
                raise _Unpaired(stmt)
            for case, c in zip(stmt.cases, node.cases):
                self.suite(case.body, c.body, indent)
        else:
            self.suite(stmt.body, node.body, indent)
            orelse = getattr(stmt, "orelse", None)
            if type(orelse) is cst.If:
                if len(node.orelse) != 1:
                    raise _Unpaired(stmt)
                self.compound(orelse, node.orelse[0], indent, is_elif=True)
            elif hasattr(node, "orelse"):
                self.orelse(orelse, node.orelse, indent)

    def aliases(self, small: Any, node: Any) -> None:
        """Pair an import's names with ast's aliases (which have positions from Python 3.10)."""
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or not node.names:
            return
        if type(small.names) is cst.ImportStar:
            pairs = [(small.names, node.names[0])]
        elif len(small.names) == len(node.names):
            pairs = [(alias.name, a) for alias, a in zip(small.names, node.names)]
        else:
            return
        for name, a in pairs:
            if getattr(a, "lineno", None) is not None:
                self.import_names[id(name)] = a

    def orelse(self, clause: Optional[cst.CSTNode], nodes: List[ast.stmt], indent: Tuple[str, ...]) -> None:
        if clause is None:
            if nodes:
                raise _Unpaired(nodes[0])
            return
        self.suite(clause.body, nodes, indent)  # type: ignore[attr-defined]

    def suite(self, suite: cst.BaseSuite, nodes: List[ast.stmt], indent: Tuple[str, ...]) -> None:
        if type(suite) is cst.IndentedBlock:
            if nodes:  # a block spans its first statement's start to its last one's end
                self.add(suite, nodes[0], nodes[-1], indent)
            inner = suite.indent if suite.indent is not None else self.default_indent
            self.body(suite.body, nodes, indent + (inner,))
        elif len(suite.body) != len(nodes):  # a suite on the header's line: `if x: return`
            raise _Unpaired(suite)


class _Run:
    """One local pass: where its text starts in the module and its newline offsets."""

    __slots__ = ("offsets", "line_starts", "first_line")

    def __init__(self, tokens: List[str], first_line: int) -> None:
        self.offsets = [0, *accumulate(map(len, tokens))]
        code = "".join(tokens)
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(code)]
        self.first_line = first_line

    def local(self, token_index: int) -> Tuple[int, int]:
        offset = self.offsets[min(token_index, len(self.offsets) - 1)]
        line = bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def position(self, token_index: int) -> CodePosition:
        line, column = self.local(token_index)
        return CodePosition(self.first_line + line, column)


# Before 3.12, CPython places expressions inside f-strings by re-parsing them, sometimes wrongly
_FSTRING_POSITIONS = sys.version_info >= (3, 12)


def _ast_calls(nodes: Optional[Sequence[ast.AST]]) -> Optional[List[ast.Call]]:
    """The calls in ``nodes`` outside the statements they hold, in libcst's visiting order; None
    when ast cannot be trusted to place them."""
    if nodes is None:
        return None
    calls: List[ast.Call] = []
    todo: List[Tuple[ast.AST, bool]] = [(n, False) for n in nodes]
    while todo:
        node, in_fstring = todo.pop()
        for name in _AST_FIELDS.get(type(node)) or _ast_fields(type(node)):
            value = getattr(node, name, None)
            for child in value if type(value) is list else (value,):
                if not isinstance(child, ast.AST) or isinstance(child, ast.stmt):
                    continue
                inside = in_fstring or type(child) is ast.JoinedStr
                if type(child) is ast.Call:
                    if inside and not _FSTRING_POSITIONS:
                        return None
                    calls.append(cast(ast.Call, child))
                todo.append((child, inside))
    calls.sort(key=lambda c: (c.lineno, c.col_offset, -(c.end_lineno or 0), -(c.end_col_offset or 0)))
    return calls


_AST_FIELDS: Dict[type, Tuple[str, ...]] = {}
_SCALARS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "names", "module", "level", "asname",
                      "kind", "conversion", "is_async", "type_comment", "type_ignores"})


def _ast_fields(cls: type) -> Tuple[str, ...]:
    """The fields of an ast node type that can hold expressions (not its names, operators or
    load/store contexts: a third of the nodes)."""
    fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in _SCALARS) or ("",)  # "": reads None
    _AST_FIELDS[cls] = fields
    return fields


def _line(lines: Sequence[str], line: int) -> str:
    """A 1-based line's text ('' outside the file)."""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _head(call: cst.Call) -> str:
    """What the call's code starts with: its callee's leftmost name, or ``(``."""
    node: cst.CSTNode = call.func
    while True:
        if getattr(node, "lpar", ()):
            return "("
        if type(node) is cst.Attribute or type(node) is cst.Subscript:
            node = node.value
        elif type(node) is cst.Call:
            node = node.func
        elif type(node) is cst.Name:
            return node.value
        else:
            return ""


class StatementPositions:
    """The mapping :class:`Positions` is, computed as described above. ``source`` is the module's
    decoded text (``lines`` split from it; ``ast`` then reads all-ASCII text's columns as they
    are) or its bytes. ``stack`` is the visit's statement stack (``FileContext.stmt_stack``) and
    ``visited_in`` where each node was visited (``FileContext.visited_in``): they say which
    statement to generate."""

    def __init__(self, module: cst.Module, source: Union[str, bytes], lines: Sequence[str], stack: Sequence[cst.CSTNode],
                 visited_in: Optional[Mapping[int, cst.CSTNode]] = None) -> None:
        self._module = module
        self._stack = stack
        self._visited_in = visited_in if visited_in is not None else {}
        self._cache: Dict[int, CodeRange] = {}
        self._spans: Dict[int, Tuple[_Run, int, int]] = {}
        self._done: Set[int] = set()  # statements generated whole: what they hold is in _spans
        self._full: Optional[Positions] = None
        self._anchors: Dict[int, _Anchor] = {}
        self._lines = lines
        self._calls_seen: Dict[int, Tuple[cst.CSTNode, int]] = {}  # call → (its statement, ordinal)
        self._call_count: Dict[int, int] = {}
        self._calls: Dict[int, Optional[List[ast.Call]]] = {}  # statement → ast's calls in source order
        self._pairing = _Pairing(module, lines, type(source) is str and source.isascii())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source)
            self._pairing.body(module.body, tree.body, ())
            self._anchors = self._pairing.anchors
        except Exception:  # noqa: BLE001 - SyntaxError, RecursionError, _Unpaired: the whole pass answers
            self._full = Positions(module)

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        key = id(node)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if self._full is not None:
            return self._full[node]
        anchor = self._anchors.get(key)
        rng: Optional[CodeRange]
        if anchor is not None:
            first, last = self._range(anchor)
            rng = CodeRange(CodePosition(*first), CodePosition(*last))
        else:
            rng = None if key in self._spans else self._from_ast(node)
        if rng is None:
            span = self._spans.get(key) or self._generate(node)
            if span is None:
                self._full = Positions(self._module)
                return self._full[node]
            run, start, end = span
            rng = CodeRange(run.position(start), run.position(end))
        self._cache[key] = rng
        return rng

    def line(self, node: cst.CSTNode) -> int:
        """``self[node].start.line``, without building the range where ast gives the line: a
        statement's, or a call's (most of what checks ask is the line of a call)."""
        key = id(node)
        cached = self._cache.get(key)
        if cached is not None:
            return cached.start.line
        if self._full is None:
            anchor = self._anchors.get(key)
            if anchor is not None:
                return anchor.first.lineno
            if type(node) is cst.Call and key not in self._spans:
                seen = self._calls_seen.get(key)
                found = self._ast_call(cast(cst.Call, node), *seen) if seen is not None else None
                if found is not None:
                    return found[0].lineno
        return self[node].start.line

    def visit_Call(self, node: cst.Call) -> None:
        """Number the calls of each statement as the walk meets them (in source order, an outer
        call before the calls it holds: ast's calls sorted by start, the longest first)."""
        if self._stack:
            stmt = self._stack[-1]
            ordinal = self._call_count.get(id(stmt), 0)
            self._call_count[id(stmt)] = ordinal + 1
            self._calls_seen[id(node)] = (stmt, ordinal)

    # -- nodes ast places: calls, the names an import binds, a def's or class's name -------------
    def _from_ast(self, node: cst.CSTNode) -> Optional[CodeRange]:
        kind = type(node)
        if kind is cst.Call:
            seen = self._calls_seen.get(id(node))
            return self._call(cast(cst.Call, node), *seen) if seen is not None else None
        alias = self._pairing.import_names.get(id(node))
        if alias is not None:
            return self._span(alias.lineno, alias.col_offset, alias.name)
        stmt = self._pairing.def_names.get(id(node))
        if stmt is not None:
            return self._def_name(stmt)
        expr = self._pairing.decorators.get(id(node))
        if expr is not None:
            return self._decorator(cast(cst.Decorator, node), expr)
        return None

    def _decorator(self, node: cst.Decorator, expr: ast.expr) -> Optional[CodeRange]:
        """From its ``@`` to the end of its expression."""
        end = self._end(expr)
        if getattr(node.decorator, "lpar", ()) or end is None:
            return None  # ast's range leaves out the parentheses
        code = self._code(expr.lineno)
        column = self._pairing.column(expr.lineno, expr.col_offset)
        at = code.rfind("@", 0, column)
        if at < 0 or code[at + 1:column].strip(" \t"):
            return None
        return CodeRange(CodePosition(expr.lineno, at), end)

    def _span(self, line: int, utf8_offset: int, text: str) -> Optional[CodeRange]:
        """``text`` on ``line`` from ``utf8_offset``, if it is there."""
        column = self._at(line, utf8_offset, text)
        if column < 0:
            return None
        return CodeRange(CodePosition(line, column), CodePosition(line, column + len(text)))

    def _at(self, line: int, utf8_offset: int, text: str) -> int:
        """The column of ``text`` on ``line`` from ``utf8_offset``, or -1 when it is not there."""
        column = self._pairing.column(line, utf8_offset)
        return column if self._code(line)[column:column + len(text)] == text else -1

    def _def_name(self, stmt: Any) -> Optional[CodeRange]:
        anchor = self._anchors.get(id(stmt))
        if anchor is None:
            return None
        line, column = self._start(anchor)
        if type(stmt) is cst.ClassDef:
            column += len("class") + len(stmt.whitespace_after_class.value)
        else:
            if stmt.asynchronous is not None:
                column += len("async") + len(stmt.asynchronous.whitespace_after.value)
            column += len("def") + len(stmt.whitespace_after_def.value)
        name = stmt.name.value
        code = self._code(line)
        if code[column:column + len(name)] != name:  # a backslash continuation, say
            return None
        return CodeRange(CodePosition(line, column), CodePosition(line, column + len(name)))

    def _call(self, node: cst.Call, stmt: cst.CSTNode, ordinal: int) -> Optional[CodeRange]:
        found = self._ast_call(node, stmt, ordinal)
        if found is None:
            return None
        call, column = found
        return CodeRange(CodePosition(call.lineno, column), cast(CodePosition, self._end(call)))

    def _ast_call(self, node: cst.Call, stmt: cst.CSTNode, ordinal: int) -> Optional[Tuple[ast.Call, int]]:
        """ast's call for ``node`` (the ``ordinal``-th of ``stmt``'s) and its first column, when
        its callee's name is where ast puts it; else None, and none of ``stmt``'s calls is trusted."""
        calls = self._calls.get(id(stmt), ())
        if calls == ():
            calls = self._calls[id(stmt)] = _ast_calls(self._pairing.ast_of.get(id(stmt)))
        if calls is None or ordinal >= len(calls):
            return None
        call = calls[ordinal]
        column = self._at(call.lineno, call.col_offset, _head(node))
        if column < 0 or call.end_lineno is None or call.end_col_offset is None:
            self._calls[id(stmt)] = None
            return None
        return call, column

    def _code(self, line: int) -> str:
        return _line(self._lines, line)

    def _end(self, node: ast.expr) -> Optional[CodePosition]:
        if node.end_lineno is None or node.end_col_offset is None:
            return None
        return CodePosition(node.end_lineno, self._pairing.column(node.end_lineno, node.end_col_offset))

    def _range(self, anchor: _Anchor) -> Tuple[Tuple[int, int], Tuple[int, int]]:
        """An anchor's range: 1-based lines, 0-based code-point columns."""
        last, end_line = anchor.last, cast(int, anchor.last.end_lineno)
        return self._start(anchor), (end_line, self._pairing.column(end_line, cast(int, last.end_col_offset)))

    def _start(self, anchor: _Anchor) -> Tuple[int, int]:
        first = anchor.first
        return first.lineno, self._pairing.column(first.lineno, first.col_offset)

    def one_line(self, statement: cst.CSTNode) -> int:
        """The line of a simple statement written on one line (what any node being visited in it
        starts on), else 0."""
        if type(statement) is not cst.SimpleStatementLine or self._full is not None:
            return 0
        anchor = self._anchors.get(id(statement))
        if anchor is None:
            return 0
        line = anchor.first.lineno
        return line if line == anchor.last.end_lineno else 0

    def _generate(self, node: cst.CSTNode) -> Optional[Tuple[_Run, int, int]]:
        """Generate the innermost statement holding ``node``, up to ``node``: the one it was
        visited in, else the statements being visited, else (a rule's ``finish`` asking about
        a node nobody visits) the module's statements in turn."""
        seen = self._visited_in.get(id(node))
        for stmt in chain((seen,) if seen is not None else (), reversed(self._stack), self._module.body):
            if id(stmt) in self._done:
                continue  # generated whole before, and node was not in it
            anchor = self._anchors.get(id(stmt))
            if anchor is None:
                return None
            state = _LocalState(default_indent=self._module.default_indent,
                                default_newline=self._module.default_newline,
                                indent_tokens=list(anchor.indent), anchor=stmt, target=node)
            try:
                if anchor.is_elif:
                    stmt._codegen(state, is_elif=True)
                else:
                    stmt._codegen(state)
            except _Found:
                pass
            else:
                self._done.add(id(stmt))
            if state.anchor_start < 0:
                return None
            run = _Run(state.tokens, 0)
            line, column = run.local(state.anchor_start)
            begins = self._start(anchor)
            if column != begins[1]:  # the pass did not start at the line's start: not ours to guess
                return None
            run.first_line = begins[0] - line
            spans = self._spans
            for key, (start, end) in state.spans.items():
                if key not in spans:
                    spans[key] = (run, start, end)
            if id(node) in state.spans:
                return spans[id(node)]
        return None
