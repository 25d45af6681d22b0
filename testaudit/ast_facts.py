"""Facts from CPython's ``ast`` for files a run reads only for their facts (role ``FACTS``).

A pre-commit run over three changed test modules still needs what they reach — their conftest
chain and every project module they import, transitively (SPEC §10) — often a thousand modules.
Those are never reported on, so neither the libcst tree, nor its positions, nor the rules are
needed, and ``ast`` is far cheaper (parse and walk of the 1,169 modules a corpus pre-commit run
reaches: 3.5 s in one process, against 23 s for ``libcst.parse_module`` alone). This front end fills
the same :class:`~testaudit.facts.FactsDraft` as the libcst collector and freezes it the same
way, so the facts are identical (``tests/test_ast_facts.py`` compares them on every fixture;
``benchmarks/compare_facts.py`` on any project). Where the two could disagree it returns None
and the caller falls back to libcst: ``ast`` cannot parse the bytes (newer syntax, NUL bytes,
recursion), or a ``def``/``class`` name is not found verbatim after its keyword (a line
continuation, an identifier ``ast`` NFKC-normalised).

Ordering follows libcst's pre-order visit: statements in source order, and the calls inside a
function sorted by position (start ascending, end descending — pre-order for nested ranges).
"""
from __future__ import annotations

import ast
import re
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from testaudit.facts import (
    ClassRecord, FactsDraft, FuncRecord, catches_import_errors, expects_import_error, is_type_checking,
    only_import_errors,
)
from testaudit.model import FileFacts, Signature
from testaudit.pytest_model import PATCH_TAILS, PatchArgs, is_test_function_name, patch_args, requested_params
from testaudit.rule import LINE_BREAK, FileContext
from testaudit.source import code_points

_Def = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_DEF_NAME = re.compile(r"(?:async[ \t\f]+)?def[ \t\f]+(\w+)")
_CLASS_NAME = re.compile(r"class[ \t\f]+(\w+)")
_BODIES = ("body", "handlers", "orelse", "finalbody", "cases")  # statement lists, in source order


class _Unsure(Exception):
    """This file is better read by libcst."""


class _AstSyntax:
    """:class:`testaudit.pytest_model.Syntax` over ``ast`` expressions."""

    @staticmethod
    def dotted(expr: ast.expr) -> Optional[str]:
        parts: List[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if isinstance(expr, ast.Name):
            parts.append(expr.id)
            return ".".join(reversed(parts))
        return None

    @classmethod
    def callee(cls, expr: ast.expr) -> Optional[str]:
        return cls.dotted(expr.func if isinstance(expr, ast.Call) else expr)

    @staticmethod
    def call_args(expr: ast.expr) -> Optional[List[Tuple[Optional[str], ast.expr]]]:
        if not isinstance(expr, ast.Call):
            return None
        items: List[Tuple[Any, Optional[str], ast.expr]] = [((a.lineno, a.col_offset), None, a) for a in expr.args]
        items += [((k.lineno, k.col_offset), k.arg, k.value) for k in expr.keywords]
        if expr.args and expr.keywords:  # `f(a=1, *rest)`: back to source order
            items.sort(key=lambda item: item[0])
        return [(keyword, value.value if isinstance(value, ast.Starred) else value)
                for _, keyword, value in items]

    @staticmethod
    def string(expr: ast.expr) -> Optional[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        return None

    @staticmethod
    def elements(expr: ast.expr) -> Optional[List[ast.expr]]:
        if isinstance(expr, (ast.List, ast.Tuple)):
            return [e.value if isinstance(e, ast.Starred) else e for e in expr.elts]
        return None

    @staticmethod
    def is_true(expr: ast.expr) -> bool:
        return isinstance(expr, ast.Constant) and expr.value is True


AST = _AstSyntax()


def ast_facts(data: bytes, ctx: FileContext) -> Optional[FileFacts]:
    """The file's facts, or None when libcst should read it (see the module docstring)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None
    try:
        return _Extractor(ctx).run(tree)
    except (_Unsure, RecursionError):
        return None
    except MemoryError:  # over the file's budget: analyze_file reports it
        raise
    except Exception:  # noqa: BLE001 - a construct this front end does not know: libcst reads the file
        return None


class _Extractor:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.draft = FactsDraft()
        self.classes: List[ClassRecord] = []
        self._lines: Optional[List[str]] = None

    def run(self, tree: ast.Module) -> FileFacts:
        self._block(tree.body)
        return self.draft.freeze(self.ctx, AST)

    # -- statements outside functions, in source order -------------------------------------
    def _block(self, body: Sequence[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node, top=not self.classes)
            elif isinstance(node, ast.ClassDef):
                self._class(node)
            elif isinstance(node, _FUNCTIONS):
                self._function(node)
            elif isinstance(node, ast.Assign):
                self._assign(node)
            elif isinstance(node, ast.AnnAssign):
                if not self.classes and isinstance(node.target, ast.Name):
                    self.draft.defined.add(node.target.id)
            else:
                self._guard(node)
                if not self.classes:
                    self._bindings(node)
                for name in _BODIES:
                    for child in getattr(node, name, ()):
                        if isinstance(child, ast.stmt):
                            self._block((child,))
                        else:  # an except handler or a match case
                            self._block(child.body)

    def _guard(self, node: ast.AST) -> None:
        """A ``try:`` whose handlers catch a failing import, or an ``if TYPE_CHECKING:``."""
        if isinstance(node, ast.Try) and node.handlers:
            types: List[Optional[str]] = []
            for handler in node.handlers:
                if isinstance(handler.type, ast.Tuple):
                    types.extend(AST.dotted(el) for el in handler.type.elts)
                else:
                    types.append(AST.dotted(handler.type) if handler.type is not None else None)
            if catches_import_errors(types):
                self.draft.import_guards.append((node.lineno, node.handlers[0].lineno - 1))
        elif isinstance(node, ast.If) and is_type_checking(AST.dotted(node.test)):
            self.draft.import_guards.append((node.lineno, node.body[-1].end_lineno or node.lineno))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call):
                    args = AST.call_args(call) or []
                    first = next((v for k, v in args if k is None or k == "expected_exception"), None)
                    if expects_import_error(AST.dotted(call.func), first, AST.dotted, AST.elements):
                        self.draft.import_guards.append((node.lineno, node.body[-1].end_lineno or node.lineno))
                        return

    @staticmethod
    def _fallbacks(node: ast.Try, rec: FuncRecord) -> None:
        """As FactsCollector.visit_Try: the ``except ImportError:`` handlers of a ``try:`` that imports."""
        modules: Optional[Tuple[str, ...]] = None
        for handler in node.handlers:
            kind = handler.type
            own = [AST.dotted(el) for el in kind.elts] if isinstance(kind, ast.Tuple) else \
                [AST.dotted(kind) if kind is not None else None]
            if not only_import_errors(own):
                continue
            if modules is None:
                found: List[str] = []
                for stmt in node.body:
                    if type(stmt) is ast.Import:
                        found.extend(a.name for a in stmt.names)
                    elif type(stmt) is ast.ImportFrom and not stmt.level and stmt.module:
                        found.append(stmt.module)
                modules = tuple(found)
            if modules:
                rec.fallbacks.append((handler.lineno, handler.end_lineno or handler.lineno, modules))

    def _bindings(self, node: ast.stmt) -> None:
        """Module-level names bound by statements other than assignments, defs and imports."""
        defined = self.draft.defined
        if isinstance(node, (ast.For, ast.AsyncFor)):
            defined.update(_target_names(node.target))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    defined.update(_target_names(item.optional_vars))
        elif isinstance(node, ast.AugAssign):
            defined.update(_target_names(node.target))
        elif isinstance(node, ast.Try):
            defined.update(h.name for h in node.handlers if h.name)

    def _import(self, node: Union[ast.Import, ast.ImportFrom], top: bool) -> None:
        imports, defined = self.ctx.imports, self.draft.defined
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports.add_import(alias.name, alias.asname, node.lineno, self._alias_position(alias))
                if top:
                    defined.add(alias.asname or alias.name.split(".")[0])
            return
        star = any(alias.name == "*" for alias in node.names)
        names = None if star else [(alias.name, alias.asname) for alias in node.names]
        imports.add_from(node.level or 0, node.module or "", names, self.ctx.module, self.ctx.is_package, node.lineno,
                         [self._alias_position(alias) for alias in node.names])
        if top and names:
            defined.update(asname or name for name, asname in names)

    def _assign(self, node: ast.Assign) -> None:
        cls = self.classes[-1] if self.classes else None
        for target in node.targets:
            if not isinstance(target, ast.Name):
                if cls is None:
                    self.draft.defined.update(_target_names(target))
                continue
            if cls is None:
                self.draft.defined.add(target.id)
            if target.id == "pytestmark":
                self.draft.pytestmark(node.value, cls, self.ctx.imports, AST)
            elif target.id == "__test__" and cls is not None and isinstance(node.value, ast.Constant):
                cls.opted_out = node.value.value is False

    def _class(self, node: ast.ClassDef) -> None:
        outer = self.classes[-1] if self.classes else None
        line, column, end_column = self._name_position(node, _CLASS_NAME)
        rec = ClassRecord(
            node.name, f"{outer.qualname}.{node.name}" if outer else node.name, node.decorator_list,
            [b for b in node.bases if not isinstance(b, ast.Starred)],
            line, column, end_column, self._start_line(node), node.end_lineno or line)
        self.draft.classes.append(rec)
        if outer is None:
            self.draft.defined.add(node.name)
        self.classes.append(rec)
        self._block(node.body)
        self.classes.pop()

    # -- a function recorded at module level or in a class body: everything inside is its own
    def _function(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        cls = self.classes[-1] if self.classes else None
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        params = requested_params([
            *((p.arg, i >= first_default) for i, p in enumerate(positional)),
            *((p.arg, d is not None) for p, d in zip(args.kwonlyargs, args.kw_defaults)),
        ])
        line, column, end_column = self._name_position(node, _DEF_NAME)
        rec = FuncRecord(
            node.name, f"{cls.qualname}.{node.name}" if cls else node.name, cls.qualname if cls else None,
            node.decorator_list, params, line, column, end_column, self._start_line(node),
            node.end_lineno or line)
        if not node.decorator_list:
            rec.signature = _signature(args)
        defaults = [*([None] * first_default), *args.defaults, *args.kw_defaults]
        rec.switches = tuple(p.arg for p, d in zip([*positional, *args.kwonlyargs], defaults)
                             if type(d) is ast.Constant and (d.value is False or d.value is None))
        self.draft.functions.append(rec)
        if cls is None:
            self.draft.defined.add(node.name)
            if node.name == "__getattr__":
                self.draft.has_getattr = True
        elif is_test_function_name(node.name, self.ctx.config.python_functions):
            cls.has_tests = True
        self._inside(node, rec)

    def _inside(self, root: ast.AST, rec: FuncRecord) -> None:
        """Calls (and bare decorators) of the function in pre-order; its imports in source order."""
        events: List[Tuple[Tuple[int, int, int, int], str, int, Optional[Tuple[int, Tuple[str, ...]]], PatchArgs]] = []
        bound: List[Tuple[Tuple[int, int, int, int], str, str]] = []  # as FactsCollector._bind
        entered: List[Tuple[Tuple[int, int, int, int], str, int, bool]] = []
        imports: List[Union[ast.Import, ast.ImportFrom]] = []
        stack: List[Any] = [root]
        pop, push, extend, skip = stack.pop, stack.append, stack.extend, _SKIP
        while stack:  # ast.walk without contexts, operators, names and constants
            node = pop()
            kind = type(node)
            if kind is ast.Call:
                name = AST.callee(node)
                if name:
                    events.append((_order(node), name, node.lineno, _call_args(node),
                                   patch_args(node, AST) if name.rpartition(".")[2] in PATCH_TAILS else None))
            elif kind in _DEFS:
                for dec in node.decorator_list:
                    if not isinstance(dec, ast.Call):
                        name = AST.dotted(dec)
                        if name:
                            events.append((_order(dec), name, dec.lineno, None, None))
            elif kind is ast.Import or kind is ast.ImportFrom:
                imports.append(node)
                continue
            elif kind is ast.Try or kind is ast.If or kind is ast.With or kind is ast.AsyncWith:
                self._guard(node)
                if kind is ast.If and type(node.test) is ast.Name and node.test.id in rec.switches:
                    rec.switched.append((node.test.id, node.body[0].lineno, node.body[-1].end_lineno or node.lineno))
                if kind is ast.Try:
                    self._fallbacks(node, rec)
                if kind is ast.With or kind is ast.AsyncWith:
                    for item in node.items:
                        expr = item.context_expr
                        name = AST.callee(expr) if type(expr) is ast.Call else None
                        if name:
                            entered.append((_order(expr), name, expr.lineno, kind is ast.AsyncWith))
                            if type(item.optional_vars) is ast.Name:
                                bound.append((_order(expr), item.optional_vars.id, name))
            elif kind is ast.Assign or kind is ast.AnnAssign:
                target = node.targets[0] if kind is ast.Assign and len(node.targets) == 1 else \
                    node.target if kind is ast.AnnAssign else None
                if type(target) is ast.Name and type(node.value) is ast.Call:
                    name = AST.callee(node.value)
                    if name:
                        bound.append((_order(node), target.id, name))
            fields = _FIELDS.get(kind) or _child_fields(node)
            for field in fields[0]:
                extend([v for v in getattr(node, field) if type(v) not in skip])
            for field in fields[1]:
                value = getattr(node, field)
                if type(value) not in skip:
                    push(value)
        events.sort(key=lambda e: e[0])
        rec.calls.extend((name, line) for _, name, line, _, _ in events)
        rec.call_args.extend(args for _, _, _, args, _ in events)
        rec.call_patches.extend(patched for _, _, _, _, patched in events)
        rec.bound.extend((var, name) for _, var, name in sorted(bound))
        rec.entered.extend((name, line, is_async) for _, name, line, is_async in sorted(entered))
        for imp in sorted(imports, key=_order):
            self._import(imp, top=False)

    # -- positions -------------------------------------------------------------------------
    def _name_position(self, node: _Def, pattern: "re.Pattern[str]") -> Tuple[int, int, int]:
        """Line and 1-based code-point columns of the name after ``def``/``class``."""
        if self._lines is None:
            self._lines = LINE_BREAK.split(self.ctx.source)
        text = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        match = pattern.match(text, code_points(text, node.col_offset))
        if match is None or match.group(1) != node.name:
            raise _Unsure(node.name)
        return node.lineno, match.start(1) + 1, match.end(1) + 1

    def _alias_position(self, alias: ast.alias) -> Tuple[int, int, int]:
        """Line and 1-based code-point columns of an imported name (``a.b``, ``X``, ``*``)."""
        if self._lines is None:
            self._lines = LINE_BREAK.split(self.ctx.source)
        text = self._lines[alias.lineno - 1] if alias.lineno <= len(self._lines) else ""
        start = code_points(text, alias.col_offset)
        if text[start:start + len(alias.name)] != alias.name:  # `a . b`, a line continuation…
            raise _Unsure(alias.name)
        return alias.lineno, start + 1, start + 1 + len(alias.name)

    @staticmethod
    def _start_line(node: _Def) -> int:
        return node.decorator_list[0].lineno if node.decorator_list else node.lineno


# what the walk never descends into: leaves that hold no call, and the non-node field values
_SKIP = frozenset({ast.Name, ast.Constant, str, int, type(None),
                   bool, float, complex, bytes, type(...)})  # `case True:` holds a bare bool
_FIELDS: Dict[type, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {}


def _child_fields(node: ast.AST) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """A node type's list fields and single fields that can hold other nodes (not contexts,
    operators or names); whether a field is a list is fixed per node type in ``ast``."""
    names = [f for f in node._fields if f not in ("ctx", "op", "ops", "id", "attr", "arg", "name", "kind")]
    lists = tuple(f for f in names if isinstance(getattr(node, f, None), list))
    out = _FIELDS[type(node)] = (lists, tuple(f for f in names if f not in lists))
    return out


def _target_names(node: ast.expr) -> List[str]:
    """Names an assignment target binds (``a``, ``a, (b, *c)``, ``[a, b]``)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [n for el in node.elts for n in _target_names(el)]
    if isinstance(node, ast.Starred):
        return _target_names(node.value)
    return []


def _order(node: Any) -> Tuple[int, int, int, int]:
    """Pre-order position key: start ascending, then the larger (enclosing) range first."""
    return (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))


def _call_args(node: ast.Call) -> Optional[Tuple[int, Tuple[str, ...]]]:
    """As facts._call_args: (positional arguments, keyword names); None with ``*a`` or ``**k``."""
    if any(type(a) is ast.Starred for a in node.args) or any(k.arg is None for k in node.keywords):
        return None
    return len(node.args), tuple(k.arg for k in node.keywords if k.arg is not None)


def _signature(args: ast.arguments) -> Signature:
    """As facts._signature."""
    positional = [*args.posonlyargs, *args.args]
    return Signature(
        positional=tuple(p.arg for p in positional), posonly=len(args.posonlyargs),
        required=len(positional) - len(args.defaults),
        kwonly=tuple(p.arg for p in args.kwonlyargs),
        kwonly_required=tuple(p.arg for p, d in zip(args.kwonlyargs, args.kw_defaults) if d is None),
        varargs=args.vararg is not None, varkw=args.kwarg is not None)
