"""The facts collector: one visitor in the same batched pass as the rules.

It records what other modules need to know about this one (imports, classes and their bases,
tests, fixtures and their requests, helper functions, the calls they make and the mocks they
create), resolves names through the module's imports at the end, and freezes it all into a
:class:`FileFacts`.

Functions are recorded at module level and directly inside class bodies; a function nested in
another belongs to its outer function (its calls and mocks are attributed there).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from testaudit.model import CallFact, ClassFact, FileFacts, FunctionFact, MockSite
from testaudit.names import callee, dotted
from testaudit.pytest_model import (
    MOCKER_FIXTURES, analyze_decorators, is_test_class_name, is_test_function_name, mock_name,
    pytestmark_values, requested_params, resolve_with_stars,
)
from testaudit.rule import FileContext


@dataclass
class _Func:
    node: cst.FunctionDef
    name: str
    qualname: str
    class_name: Optional[str]
    calls: List[Tuple[str, int]] = field(default_factory=list)


@dataclass
class _Class:
    node: cst.ClassDef
    name: str
    qualname: str
    markers: List[str] = field(default_factory=list)
    usefixtures: List[str] = field(default_factory=list)
    has_tests: bool = False


class FactsCollector(cst.BatchableCSTVisitor):
    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.classes: List[_Class] = []
        self.class_stack: List[_Class] = []
        self.func_stack: List[cst.FunctionDef] = []
        self.recorded: Dict[cst.FunctionDef, _Func] = {}
        self.current: Optional[_Func] = None
        self.module_markers: List[str] = []
        self.module_usefixtures: List[str] = []
        self.defined: Set[str] = set()
        self.has_getattr = False
        self.class_facts: List[ClassFact] = []
        self.function_facts: List[FunctionFact] = []
        self.facts: Optional[FileFacts] = None

    # -- imports ---------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        self.ctx.imports.collect(node, self.ctx.module, self.ctx.is_package, self.ctx.line_of(node))
        if not self.func_stack and not self.class_stack:
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self.defined.add(name.value)
                else:
                    head = dotted(name)
                    if head:
                        self.defined.add(head.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.ctx.imports.collect(node, self.ctx.module, self.ctx.is_package, self.ctx.line_of(node))
        if not self.func_stack and not self.class_stack and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = alias.asname.name if alias.asname else alias.name
                if isinstance(name, cst.Name):
                    self.defined.add(name.value)

    # -- classes ---------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.func_stack:
            return
        prefix = ".".join(c.name for c in self.class_stack)
        qual = f"{prefix}.{node.name.value}" if prefix else node.name.value
        cls = _Class(node, node.name.value, qual)
        self.classes.append(cls)
        self.class_stack.append(cls)
        if len(self.class_stack) == 1:
            self.defined.add(node.name.value)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        if self.class_stack and self.class_stack[-1].node is node:
            self.class_stack.pop()

    # -- functions -------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.func_stack:
            cls = self.class_stack[-1] if self.class_stack else None
            qual = f"{cls.qualname}.{node.name.value}" if cls else node.name.value
            rec = _Func(node, node.name.value, qual, cls.qualname if cls else None)
            self.recorded[node] = rec
            self.current = rec
            if cls is None:
                self.defined.add(node.name.value)
                if node.name.value == "__getattr__":
                    self.has_getattr = True
            elif is_test_function_name(node.name.value, self.ctx.config.python_functions):
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
                self.current.calls.append((name, self.ctx.line_of(node)))

    def visit_Decorator(self, node: cst.Decorator) -> None:
        # bare decorators (`@patch_everything`) are calls of the decorated function too
        if self.current is not None and not isinstance(node.decorator, cst.Call):
            name = dotted(node.decorator)
            if name:
                self.current.calls.append((name, self.ctx.line_of(node)))

    def visit_Comment(self, node: cst.Comment) -> None:
        if "testaudit" in node.value:
            loc = self.ctx.location(node)
            self.ctx.comment_columns[loc.line] = loc.column

    # -- module and class level assignments ------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if self.func_stack:
            return
        for target in node.targets:
            if not isinstance(target.target, cst.Name):
                continue
            name = target.target.value
            if not self.class_stack:
                self.defined.add(name)
            if name == "pytestmark":
                markers, usefix = pytestmark_values(node.value, self._resolve)
                if self.class_stack:
                    self.class_stack[-1].markers.extend(markers)
                    self.class_stack[-1].usefixtures.extend(usefix)
                else:
                    self.module_markers.extend(markers)
                    self.module_usefixtures.extend(usefix)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self.func_stack and not self.class_stack and isinstance(node.target, cst.Name):
            self.defined.add(node.target.value)

    def _resolve(self, name: Optional[str]) -> Optional[str]:
        return resolve_with_stars(self.ctx.imports, name)

    # -- freeze ----------------------------------------------------------------------------
    def leave_Module(self, node: cst.Module) -> None:
        self.facts = self.freeze()

    def freeze(self) -> FileFacts:
        ctx = self.ctx
        local_classes = {c.qualname for c in self.classes}
        classes: List[ClassFact] = []
        for cls in self.classes:
            info = analyze_decorators(cls.node.decorators, self._resolve)
            bases = tuple(self._resolve_base(arg.value, local_classes) for arg in cls.node.bases
                          if arg.keyword is None and arg.star == "")
            loc = ctx.location(cls.node)
            name_loc = ctx.location(cls.node.name)
            is_test = cls.has_tests or is_test_class_name(cls.name, ctx.config.python_classes)
            classes.append(ClassFact(
                name=cls.name, qualname=cls.qualname, line=name_loc.line, end_line=loc.end_line, bases=bases,
                start_line=self._start_line(cls.node), column=name_loc.column, end_column=name_loc.end_column,
                markers=tuple(info.markers) + tuple(cls.markers),
                usefixtures=tuple(info.usefixtures) + tuple(cls.usefixtures),
                is_test_class=is_test and ctx.is_test_module,
            ))
        functions = [self._function_fact(rec) for rec in self.recorded.values()]
        return FileFacts(
            path=ctx.rel, module=ctx.module, is_test_module=ctx.is_test_module,
            is_conftest=ctx.is_conftest, parsed=True, imports=tuple(ctx.imports.facts),
            classes=tuple(classes), functions=tuple(functions),
            module_markers=tuple(self.module_markers), module_usefixtures=tuple(self.module_usefixtures),
            defined_names=tuple(sorted(self.defined)), has_getattr=self.has_getattr,
        )

    def _start_line(self, node: cst.CSTNode) -> int:
        decorators = getattr(node, "decorators", ())
        if decorators:
            return self.ctx.line_of(decorators[0])
        return self.ctx.line_of(node)

    def _resolve_base(self, expr: cst.BaseExpression, local_classes: Set[str]) -> str:
        name = dotted(expr)
        if name is None:
            return "?"
        if name in local_classes:
            return f"{self.ctx.module}.{name}" if self.ctx.module else name
        resolved = self.ctx.imports.resolve(name)
        if resolved:
            return resolved
        if name in {"object", "Exception"}:
            return f"builtins.{name}"
        return f"?{name}"

    def _function_fact(self, rec: _Func) -> FunctionFact:
        ctx = self.ctx
        node = rec.node
        info = analyze_decorators(node.decorators, self._resolve)
        params = requested_params(node.params)
        if info.is_fixture:
            kind = "fixture"
        elif ctx.is_test_module and is_test_function_name(rec.name, ctx.config.python_functions):
            kind = "test"
        else:
            kind = "function"
        calls: List[CallFact] = []
        mocks: List[MockSite] = []
        name_loc = ctx.location(node.name)
        line = name_loc.line
        for raw, call_line in rec.calls:
            resolved = self._resolve(raw)
            what = mock_name(resolved)
            if what:
                mocks.append(MockSite(what, call_line))
            elif resolved:
                if not resolved.startswith(("pytest.", "pytest_asyncio.")):  # decorators, marks
                    calls.append(CallFact(resolved, call_line))
            elif "." not in raw:
                calls.append(CallFact(f"{ctx.module}.{raw}" if ctx.module else raw, call_line))
        for p in params:
            if p in MOCKER_FIXTURES:
                mocks.append(MockSite(p, line))
        return FunctionFact(
            name=rec.name, qualname=rec.qualname, class_name=rec.class_name, line=line,
            start_line=self._start_line(node), end_line=ctx.location(node).end_line, kind=kind,
            params=params, markers=info.markers, usefixtures=info.usefixtures,
            parametrized=info.parametrized,
            fixture_name=(info.fixture_name or rec.name) if info.is_fixture else None,
            autouse=info.autouse, mock_sites=tuple(mocks), calls=tuple(calls),
            column=name_loc.column, end_column=name_loc.end_column,
        )


def unparsed_facts(ctx: FileContext) -> FileFacts:
    """Facts of a file that did not parse: only what its path tells."""
    return FileFacts(path=ctx.rel, module=ctx.module, is_test_module=ctx.is_test_module,
                     is_conftest=ctx.is_conftest, parsed=False)
