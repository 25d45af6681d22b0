"""The facts collector: one visitor in the same batched pass as the rules.

It records what other modules need to know about this one (imports, classes and their bases,
tests, fixtures and their requests, helper functions, the calls they make and the mocks they
create), resolves names through the module's imports at the end, and freezes it all into a
:class:`FileFacts`.

Functions are recorded at module level and directly inside class bodies; a function nested in
another belongs to its outer function (its calls and mocks are attributed there).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from testaudit.model import CallFact, ClassFact, FileFacts, FunctionFact, MockSite, Signature
from testaudit.names import CST, ImportTable, NamePos, callee, dotted, named_params
from testaudit.pytest_model import (
    MOCKER_FIXTURES, PATCH_TAILS, PatchArgs, Syntax, analyze_decorators, is_test_class_name, is_test_function_name,
    mock_name, patch_args, patch_target, pytestmark_values, requested_params, resolve_with_stars,
)
from testaudit.rule import FileContext


# exceptions whose handler makes a failing import in its ``try:`` body harmless
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
# text that shows a module binding names no statement names (both front ends read the source)
# (``sys.modules["pkg.sub"] = …`` registers a module under any name: ``import pkg.sub`` finds it)
_DYNAMIC = re.compile(r"\bglobals\(\s*\)|\bsys\.modules\[\s*__name__\s*\]|\bvars\(\s*\)\s*\[|\bsetattr\(\s*sys\.modules"
                      r"|\bsys\.modules\[[^\]\n]+\]\s*=(?!=)")
_GLOBAL = re.compile(r"^[ \t]*global[ \t]+([\w \t,]+)", re.M)


def _call_args(node: cst.Call) -> Optional[Tuple[int, Tuple[str, ...]]]:
    """(positional arguments, keyword names) of a call; None when it unpacks ``*a`` or ``**k``."""
    positional = 0
    keywords: List[str] = []
    for arg in node.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            keywords.append(arg.keyword.value)
        else:
            positional += 1
    return positional, tuple(keywords)


def _signature(params: cst.Parameters) -> Signature:
    positional = (*params.posonly_params, *params.params)
    required = next((i for i, p in enumerate(positional) if p.default is not None), len(positional))
    star = params.star_arg
    return Signature(
        positional=tuple(p.name.value for p in positional), posonly=len(params.posonly_params), required=required,
        kwonly=tuple(p.name.value for p in params.kwonly_params),
        kwonly_required=tuple(p.name.value for p in params.kwonly_params if p.default is None),
        varargs=isinstance(star, cst.Param), varkw=params.star_kwarg is not None)


def _imported_modules(block: cst.BaseSuite) -> Tuple[str, ...]:
    """The absolute modules the simple statements of a ``try:`` block import (``import a.b``:
    ``a.b``; ``from a.b import c``: ``a.b``; relative imports are left out)."""
    smalls: List[cst.BaseSmallStatement] = []
    if isinstance(block, cst.SimpleStatementSuite):  # `try: import x`
        smalls.extend(block.body)
    else:
        for stmt in block.body:
            if type(stmt) is cst.SimpleStatementLine:
                smalls.extend(stmt.body)
    out: List[str] = []
    for small in smalls:
        if type(small) is cst.Import:
            out.extend(name for name in (dotted(a.name) for a in small.names) if name)
        elif type(small) is cst.ImportFrom and not small.relative and small.module is not None:
            name = dotted(small.module)
            if name:
                out.append(name)
    return tuple(out)


def only_import_errors(types: Sequence[Optional[str]]) -> bool:
    """Whether an ``except`` clause catches failing imports and nothing else (no bare ``except``,
    no ``Exception``): its body runs only when an import fails."""
    return bool(types) and all(t is not None and t.rsplit(".", 1)[-1] in ("ImportError", "ModuleNotFoundError")
                               for t in types)


def catches_import_errors(types: Iterable[Optional[str]]) -> bool:
    """Whether an ``except`` clause catching ``types`` (dotted names; None: bare or unknown
    expression) catches a failing import."""
    return any(t is None or t.rsplit(".", 1)[-1] in IMPORT_ERRORS for t in types)


# context managers that expect an exception: an import failing inside them is the test's point
RAISES = frozenset({"raises", "assertRaises", "assertRaisesRegex"})


def expects_import_error(name: Optional[str], first: Any, dotted_of: Callable[[Any], Optional[str]],
                         elements_of: Callable[[Any], Optional[List[Any]]]) -> bool:
    """Whether ``with <name>(<first>, …):`` expects a failing import (``pytest.raises(ImportError)``,
    ``self.assertRaises((ModuleNotFoundError, AttributeError))``)."""
    if name is None or name.rsplit(".", 1)[-1] not in RAISES or first is None:
        return False
    items = elements_of(first)
    return catches_import_errors([dotted_of(e) or "?" for e in items] if items is not None else [dotted_of(first) or "?"])


def is_type_checking(name: Optional[str]) -> bool:
    return name is not None and name.rsplit(".", 1)[-1] == "TYPE_CHECKING"


@dataclass
class FuncRecord:
    """A function recorded at module level or directly in a class body, as a front end saw it."""

    name: str
    qualname: str
    class_name: Optional[str]
    decorators: Sequence[Any]  # decorator expressions, without the `@`
    params: Tuple[str, ...]  # what pytest would request (pytest_model.requested_params)
    line: int  # the name's position
    column: int
    end_column: int
    start_line: int  # first decorator, else the `def`
    end_line: int
    calls: List[Tuple[str, int]] = field(default_factory=list)  # dotted callee as written, line
    call_args: List[Optional[Tuple[int, Tuple[str, ...]]]] = field(default_factory=list)  # per call, as CallFact.args
    call_patches: List[PatchArgs] = field(default_factory=list)  # per call, see patch_target
    signature: Optional[Signature] = None  # when undecorated
    # `v = Callee(...)` and `with Callee(...) as v`, in source order: (v, dotted callee as written)
    bound: List[Tuple[str, str]] = field(default_factory=list)
    # `with Callee(...)` / `async with Callee(...)`: (dotted callee as written, line, async)
    entered: List[Tuple[str, int, bool]] = field(default_factory=list)
    # `except ImportError:` handlers: (first line, last line, absolute modules the `try:` imports)
    fallbacks: List[Tuple[int, int, Tuple[str, ...]]] = field(default_factory=list)
    # parameters defaulting to False or None, and the bodies of `if <parameter>:` (name, first
    # line, last line): what runs only when a caller passes the parameter
    switches: Tuple[str, ...] = ()
    switched: List[Tuple[str, int, int]] = field(default_factory=list)

    def guard(self, line: int) -> Optional[str]:
        return next((name for name, first, last in self.switched if first <= line <= last), None)


@dataclass
class ClassRecord:
    name: str
    qualname: str
    decorators: Sequence[Any]
    bases: Sequence[Any]  # positional base expressions (no `*args`, no keywords)
    line: int
    column: int
    end_column: int
    start_line: int
    end_line: int
    markers: List[str] = field(default_factory=list)  # from `pytestmark = …` in the class body
    usefixtures: List[str] = field(default_factory=list)
    has_tests: bool = False
    opted_out: bool = False  # `__test__ = False` in the class body


@dataclass
class FactsDraft:
    """What a front end (the libcst collector below, or ``ast_facts``) gathers; :meth:`freeze`
    turns it into :class:`FileFacts` the same way for both, once every import is known."""

    classes: List[ClassRecord] = field(default_factory=list)
    functions: List[FuncRecord] = field(default_factory=list)
    module_markers: List[str] = field(default_factory=list)
    module_usefixtures: List[str] = field(default_factory=list)
    defined: Set[str] = field(default_factory=set)
    has_getattr: bool = False
    import_guards: List[Tuple[int, int]] = field(default_factory=list)

    def pytestmark(self, value: Any, cls: Optional[ClassRecord], imports: ImportTable, syntax: Syntax) -> None:
        """A ``pytestmark = …`` at module level or in a class body, resolved with the imports so far."""
        markers, usefix = pytestmark_values(value, lambda n: resolve_with_stars(imports, n), syntax)
        if cls is not None:
            cls.markers.extend(markers)
            cls.usefixtures.extend(usefix)
        else:
            self.module_markers.extend(markers)
            self.module_usefixtures.extend(usefix)

    def freeze(self, ctx: FileContext, syntax: Syntax) -> FileFacts:
        imports = ctx.imports

        def resolve(name: Optional[str]) -> Optional[str]:
            return resolve_with_stars(imports, name)

        local_classes = {c.qualname for c in self.classes}
        classes: List[ClassFact] = []
        for cls in self.classes:
            info = analyze_decorators(cls.decorators, resolve, syntax)
            bases = tuple(self._resolve_base(syntax.dotted(b), local_classes, ctx) for b in cls.bases)
            is_test = cls.has_tests or is_test_class_name(cls.name, ctx.config.python_classes)
            classes.append(ClassFact(
                name=cls.name, qualname=cls.qualname, line=cls.line, end_line=cls.end_line, bases=bases,
                start_line=cls.start_line, column=cls.column, end_column=cls.end_column,
                markers=tuple(info.markers) + tuple(cls.markers),
                usefixtures=tuple(info.usefixtures) + tuple(cls.usefixtures),
                is_test_class=is_test and ctx.is_test_module and not cls.opted_out, opted_out=cls.opted_out,
            ))
        functions = [self._function_fact(rec, ctx, resolve, syntax) for rec in self.functions]
        return FileFacts(
            path=ctx.rel, module=ctx.module, is_test_module=ctx.is_test_module,
            is_conftest=ctx.is_conftest, parsed=True, imports=tuple(imports.facts),
            classes=tuple(classes), functions=tuple(functions),
            module_markers=tuple(self.module_markers), module_usefixtures=tuple(self.module_usefixtures),
            defined_names=tuple(sorted(self.defined | _global_names(ctx.source))), has_getattr=self.has_getattr,
            dynamic_names=_DYNAMIC.search(ctx.source) is not None,
            import_guards=tuple(sorted(set(self.import_guards))),
        )

    @staticmethod
    def _resolve_base(name: Optional[str], local_classes: Set[str], ctx: FileContext) -> str:
        if name is None:
            return "?"
        if name in local_classes:
            return f"{ctx.module}.{name}" if ctx.module else name
        resolved = ctx.imports.resolve(name)
        if resolved:
            return resolved
        if name in {"object", "Exception"}:
            return f"builtins.{name}"
        return f"?{name}"

    @staticmethod
    def _function_fact(rec: FuncRecord, ctx: FileContext, resolve: Callable[[Optional[str]], Optional[str]],
                       syntax: Syntax) -> FunctionFact:
        info = analyze_decorators(rec.decorators, resolve, syntax)
        if info.is_fixture:
            kind = "fixture"
        elif ctx.is_test_module and is_test_function_name(rec.name, ctx.config.python_functions):
            kind = "test"
        else:
            kind = "function"
        calls: List[CallFact] = []
        mocks: List[MockSite] = []
        local = f"{ctx.module}." if ctx.module else ""

        def target(raw: str) -> Optional[str]:
            """What ``raw`` calls: an imported name, else a name of this module."""
            return resolve(raw) or (f"{local}{raw}" if "." not in raw else None)

        # an object made here (`c = Client()`, `with Client() as c`): a method called on it is
        # the class's method. The last such binding of a name holds for the whole function; an
        # assignment of anything but a call (`c = other`) is not recorded.
        instances = {var: target(raw) for var, raw in rec.bound}
        for (raw, call_line), args, patched in zip(rec.calls, rec.call_args, rec.call_patches):
            resolved = resolve(raw)
            what = mock_name(resolved)
            if what:
                unless = sorted({m for first, last, modules in rec.fallbacks if first <= call_line <= last
                                 for m in modules})
                mocks.append(MockSite(what, call_line, tuple(unless), rec.guard(call_line)))
            elif resolved:
                if not resolved.startswith(("pytest.", "pytest_asyncio.")):  # decorators, marks
                    calls.append(CallFact(resolved, call_line, args, guard=rec.guard(call_line),
                                          patches=patch_target(resolved, patched, resolve)))
            elif "." not in raw:
                calls.append(CallFact(f"{local}{raw}", call_line, args, guard=rec.guard(call_line)))
            else:
                head, _, method = raw.partition(".")
                if "." in method:
                    continue
                owner = instances.get(head)
                if owner is None and head in ("self", "cls") and rec.class_name:
                    owner = f"{local}{rec.class_name}"  # the class's own (or an inherited) method
                if owner is not None:
                    calls.append(CallFact(f"{owner}.{method}", call_line, args, bound=True, guard=rec.guard(call_line)))
        for raw, call_line, is_async in rec.entered:  # entering a context manager runs these
            owner = target(raw)
            if owner is not None and not mock_name(owner):
                for method in ("__aenter__", "__aexit__") if is_async else ("__enter__", "__exit__"):
                    calls.append(CallFact(f"{owner}.{method}", call_line, guard=rec.guard(call_line)))
        for p in rec.params:
            if p in MOCKER_FIXTURES:
                mocks.append(MockSite(p, rec.line))
        return FunctionFact(
            name=rec.name, qualname=rec.qualname, class_name=rec.class_name, line=rec.line,
            start_line=rec.start_line, end_line=rec.end_line, kind=kind,
            params=rec.params, markers=info.markers, usefixtures=info.usefixtures,
            parametrized=info.parametrized,
            fixture_name=(info.fixture_name or rec.name) if info.is_fixture else None,
            autouse=info.autouse, mock_sites=tuple(mocks), calls=tuple(calls),
            column=rec.column, end_column=rec.end_column, cases=info.cases,
            signature=rec.signature,
        )


def _global_names(source: str) -> Set[str]:
    """Names a ``global`` statement declares (a function may bind them at module level); read
    from the text, so both front ends agree (a ``global`` line inside a string only adds names)."""
    if "global" not in source:
        return set()
    out: Set[str] = set()
    for match in _GLOBAL.finditer(source):
        out.update(n for n in re.split(r"[\s,]+", match.group(1)) if n.isidentifier())
    return out


def _target_names(node: cst.BaseExpression) -> List[str]:
    """Names an assignment target binds (``a``, ``a, (b, *c)``, ``[a, b]``)."""
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for el in node.elements for n in _target_names(el.value)]
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return []


class FactsCollector(cst.BatchableCSTVisitor):
    """The libcst front end: fills a :class:`FactsDraft` during the batched visit."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.draft = FactsDraft()
        self.class_stack: List[ClassRecord] = []
        self.class_nodes: List[cst.ClassDef] = []
        self.func_stack: List[cst.FunctionDef] = []
        self.current: Optional[FuncRecord] = None
        self.facts: Optional[FileFacts] = None

    # -- imports ---------------------------------------------------------------------------
    def _name_position(self, node: cst.CSTNode) -> NamePos:
        loc = self.ctx.location(node)
        return loc.line, loc.column, loc.end_column

    def visit_Import(self, node: cst.Import) -> None:
        self.ctx.imports.collect(node, self.ctx.module, self.ctx.is_package, self.ctx.line_of(node),
                                 self._name_position)
        if not self.func_stack and not self.class_stack:
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self.draft.defined.add(name.value)
                else:
                    head = dotted(name)
                    if head:
                        self.draft.defined.add(head.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.ctx.imports.collect(node, self.ctx.module, self.ctx.is_package, self.ctx.line_of(node),
                                 self._name_position)
        if not self.func_stack and not self.class_stack and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self.draft.defined.add(name.value)

    # -- classes ---------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.func_stack:
            return
        prefix = self.class_stack[-1].qualname if self.class_stack else ""
        name = node.name.value
        loc, name_loc = self.ctx.location(node), self.ctx.location(node.name)
        cls = ClassRecord(
            name, f"{prefix}.{name}" if prefix else name, [d.decorator for d in node.decorators],
            [arg.value for arg in node.bases if arg.keyword is None and arg.star == ""],
            name_loc.line, name_loc.column, name_loc.end_column, self._start_line(node), loc.end_line)
        self.draft.classes.append(cls)
        self.class_stack.append(cls)
        self.class_nodes.append(node)
        if len(self.class_stack) == 1:
            self.draft.defined.add(name)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        if self.class_nodes and self.class_nodes[-1] is node:
            self.class_nodes.pop()
            self.class_stack.pop()

    # -- functions -------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.func_stack:
            cls = self.class_stack[-1] if self.class_stack else None
            name = node.name.value
            params = node.params
            name_loc = self.ctx.location(node.name)
            rec = FuncRecord(
                name, f"{cls.qualname}.{name}" if cls else name, cls.qualname if cls else None,
                [d.decorator for d in node.decorators],
                requested_params((p.name.value, p.default is not None) for p in named_params(params)),
                name_loc.line, name_loc.column, name_loc.end_column, self._start_line(node),
                self.ctx.location(node).end_line)
            if not node.decorators:
                rec.signature = _signature(params)
            rec.switches = tuple(p.name.value for p in named_params(params)
                                 if type(p.default) is cst.Name and p.default.value in ("False", "None"))
            self.draft.functions.append(rec)
            self.current = rec
            if cls is None:
                self.draft.defined.add(name)
                if name == "__getattr__":
                    self.draft.has_getattr = True
            elif is_test_function_name(name, self.ctx.config.python_functions):
                cls.has_tests = True
        self.func_stack.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.func_stack.pop()
        if not self.func_stack:
            self.current = None

    def visit_Call(self, node: cst.Call) -> None:
        if self.current is not None:
            name = callee(node)
            if name:
                self.current.calls.append((name, self.ctx.line_of(node, visiting=True)))
                self.current.call_args.append(_call_args(node))
                self.current.call_patches.append(patch_args(node, CST) if name.rpartition(".")[2] in PATCH_TAILS else None)

    def visit_Decorator(self, node: cst.Decorator) -> None:
        # bare decorators (`@patch_everything`) are calls of the decorated function too
        if self.current is not None and not isinstance(node.decorator, cst.Call):
            name = dotted(node.decorator)
            if name:
                self.current.calls.append((name, self.ctx.line_of(node)))
                self.current.call_args.append(None)
                self.current.call_patches.append(None)

    def visit_Comment(self, node: cst.Comment) -> None:
        if "testaudit" in node.value:
            loc = self.ctx.location(node)
            self.ctx.comment_columns[loc.line] = loc.column

    # -- module and class level assignments ------------------------------------------------
    # -- guards: imports that may fail without failing the module ---------------------------
    def visit_Try(self, node: cst.Try) -> None:
        types: List[Optional[str]] = []
        modules: Optional[Tuple[str, ...]] = None
        for handler in node.handlers:
            kind = handler.type
            if isinstance(kind, cst.Tuple):
                own = [dotted(el.value) for el in kind.elements]
            else:
                own = [dotted(kind) if kind is not None else None]
            types.extend(own)
            if self.current is not None and only_import_errors(own):
                if modules is None:
                    modules = _imported_modules(node.body)
                if modules:
                    where = self.ctx.location(handler)
                    self.current.fallbacks.append((where.line, where.end_line, modules))
        if node.handlers and catches_import_errors(types):
            self.draft.import_guards.append((self.ctx.line_of(node), self.ctx.line_of(node.handlers[0]) - 1))

    def visit_With(self, node: cst.With) -> None:
        if self.current is not None:
            for item in node.items:
                name = callee(item.item) if type(item.item) is cst.Call else None
                if name:
                    self.current.entered.append((name, self.ctx.line_of(item.item), node.asynchronous is not None))
                    if item.asname is not None:
                        self._bind(item.asname.name, item.item)
        for item in node.items:
            call = item.item
            if isinstance(call, cst.Call):
                first = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "expected_exception"),
                             None)
                if expects_import_error(dotted(call.func), first, dotted, CST.elements):
                    self.draft.import_guards.append((self.ctx.line_of(node), self.ctx.location(node.body).end_line))
                    return

    def visit_If(self, node: cst.If) -> None:
        if self.current is not None and type(node.test) is cst.Name and node.test.value in self.current.switches:
            where = self.ctx.location(node.body)
            self.current.switched.append((node.test.value, where.line, where.end_line))
        if is_type_checking(dotted(node.test)):
            self.draft.import_guards.append((self.ctx.line_of(node), self.ctx.location(node.body).end_line))

    # -- other module-level bindings ---------------------------------------------------------
    def _module_level(self) -> bool:
        return not self.func_stack and not self.class_stack

    def visit_For(self, node: cst.For) -> None:
        if self._module_level():
            self.draft.defined.update(_target_names(node.target))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._module_level() and node.asname is not None:
            self.draft.defined.update(_target_names(node.asname.name))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self._module_level():
            self.draft.defined.update(_target_names(node.target))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self._module_level() and node.name is not None:
            self.draft.defined.update(_target_names(node.name.name))

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.func_stack:
            if self.current is not None and len(node.targets) == 1:
                self._bind(node.targets[0].target, node.value)
            return
        for target in node.targets:
            if not isinstance(target.target, cst.Name):
                if not self.class_stack:
                    self.draft.defined.update(_target_names(target.target))
                continue
            name = target.target.value
            if not self.class_stack:
                self.draft.defined.add(name)
            if name == "pytestmark":
                self.draft.pytestmark(node.value, self.class_stack[-1] if self.class_stack else None,
                                      self.ctx.imports, CST)
            elif name == "__test__" and self.class_stack and type(node.value) is cst.Name:
                self.class_stack[-1].opted_out = node.value.value == "False"

    def _bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        """``v = Callee(...)`` inside a function: ``v`` holds what ``Callee`` made."""
        if type(target) is cst.Name and type(value) is cst.Call and self.current is not None:
            name = callee(value)
            if name:
                self.current.bound.append((target.value, name))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.func_stack:
            self._bind(node.target, node.value)
        if not self.func_stack and not self.class_stack and isinstance(node.target, cst.Name):
            self.draft.defined.add(node.target.value)

    # -- freeze ----------------------------------------------------------------------------
    def leave_Module(self, node: cst.Module) -> None:
        self.facts = self.draft.freeze(self.ctx, CST)

    def _start_line(self, node: Union[cst.FunctionDef, cst.ClassDef]) -> int:
        if node.decorators:
            return self.ctx.line_of(node.decorators[0])
        return self.ctx.line_of(node)


def unparsed_facts(ctx: FileContext) -> FileFacts:
    """Facts of a file that did not parse: only what its path tells."""
    return FileFacts(path=ctx.rel, module=ctx.module, is_test_module=ctx.is_test_module,
                     is_conftest=ctx.is_conftest, parsed=False)
