"""Which function a node lies in, for the test-quality rules (TA8xx): a test, a fixture, an
xunit-style setup or teardown method, or another function.

:class:`ScopedRule` keeps a class stack and a function stack during the batched visit. A
function defined at module level or directly in a class body is a *scope*; functions and
classes nested in it belong to it (an inner ``async def`` of a test is test code).

A method is a test when its name matches ``python_functions`` and its class is a test class:
the class name matches ``python_classes`` or is named like one (``…Tests``, ``…Test``,
``…TestCase``), or one of its bases is (``unittest.TestCase``, ``BaseIntegrationTest``), or it
derives from a test class of the same module. So the ``test_*`` methods of a helper class
(``class RegressionRunner: def test_login(self) -> dict``, called by real tests that assert on
what it returns) are not tests. Rules read and decide
while visiting, without a second pass over the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Set

import libcst as cst

from testaudit.names import CST, dotted
from testaudit.pytest_model import analyze_decorators, is_test_class_name, is_test_function_name, resolve_with_stars
from testaudit.rule import Rule

# xunit-style setup and teardown (pytest and unittest): fixtures by another name
SETUP_NAMES = frozenset({
    "setup_method", "teardown_method", "setup_class", "teardown_class", "setup_function",
    "teardown_function", "setup_module", "teardown_module", "setup", "teardown", "setUp", "tearDown",
    "asyncSetUp", "asyncTearDown", "setUpClass", "tearDownClass", "setUpModule", "tearDownModule",
})
_TEST_BASE = re.compile(r"TestCase|Tests?$")


@dataclass
class ClassScope:
    name: str  # qualified within the module (`Outer.Inner`)
    is_test_class: bool
    in_function: bool  # defined inside a function: its methods belong to that function
    bases: List[str] = field(default_factory=list)  # dotted base names as written
    # pytest collects it by default (`Test*` or a test base); a class that is a test class only
    # by its name (`…Tests`) is one by intent, but may also be a helper that real tests call
    collected: bool = True


@dataclass
class Scope:
    """A function at module level or directly in a class body."""

    node: cst.FunctionDef
    name: str
    kind: str  # "test", "fixture", "setup" or "function"
    class_name: Optional[str]
    markers: List[str] = field(default_factory=list)
    collected: bool = True  # False: a method of a class that is a test class by its name only

    @property
    def is_test(self) -> bool:
        return self.kind == "test"


def _constructs_itself(node: cst.ClassDef) -> bool:
    """Whether a class body defines ``__init__`` or ``__new__``: pytest does not collect such a
    class ("cannot collect test class because it has a __init__ constructor")."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return any(type(stmt) is cst.FunctionDef and stmt.name.value in ("__init__", "__new__") for stmt in body)


def _opts_out(node: cst.ClassDef) -> bool:
    """Whether a class body sets ``__test__ = False`` (pytest then skips the class)."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    for stmt in body:
        for small in getattr(stmt, "body", ()) if type(stmt) is cst.SimpleStatementLine else ():
            if type(small) is cst.Assign and type(small.value) is cst.Name and small.value.value == "False" and \
                    any(type(t.target) is cst.Name and t.target.value == "__test__" for t in small.targets):
                return True
    return False


class ScopedRule(Rule):
    """A per-file rule that knows, at every node, the scope it lies in (:attr:`scope`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.class_stack: List[ClassScope] = []
        self.func_depth = 0
        self.scope: Optional[Scope] = None
        self.test_classes: Set[str] = set()

    # -- classes -------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        in_function = self.func_depth > 0
        outer = self.class_stack[-1].name if self.class_stack else ""
        name = f"{outer}.{node.name.value}" if outer else node.name.value
        bases = [b for b in (dotted(arg.value) for arg in node.bases if arg.keyword is None) if b]
        collected = not in_function and self.ctx.is_test_module and (
            is_test_class_name(node.name.value, self.ctx.config.python_classes)
            or any(_TEST_BASE.search(b.rsplit(".", 1)[-1]) or b in self.test_classes for b in bases))
        named = not in_function and self.ctx.is_test_module and _TEST_BASE.search(node.name.value) is not None
        if (collected or named) and _constructs_itself(node) and not any(b.endswith("TestCase") for b in bases):
            collected = named = False  # pytest refuses a class with its own `__init__` (not a unittest one)
        if (collected or named) and _opts_out(node):
            collected = named = False  # `__test__ = False`: neither pytest nor unittest collects it
        if collected or named:
            self.test_classes.add(name)
        self.class_stack.append(ClassScope(name, collected or named, in_function, bases, collected))
        self.enter_class(self.class_stack[-1])

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.class_stack.pop()

    # -- functions -----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.func_depth += 1
        if self.func_depth > 1:
            return
        cls = self.class_stack[-1] if self.class_stack else None
        info = analyze_decorators([d.decorator for d in node.decorators],
                                  lambda n: resolve_with_stars(self.ctx.imports, n), CST)
        name = node.name.value
        if info.is_fixture:
            kind = "fixture"
        elif (self.ctx.is_test_module and (cls is None or cls.is_test_class)
              and is_test_function_name(name, self.ctx.config.python_functions)):
            kind = "test"
        elif name in SETUP_NAMES and (cls is None or cls.is_test_class):
            kind = "setup"
        else:
            kind = "function"
        self.scope = Scope(node, name, kind, cls.name if cls else None, list(info.markers),
                           collected=cls is None or cls.collected)
        self.enter_scope(self.scope)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.func_depth -= 1
        if self.func_depth == 0 and self.scope is not None:
            self.leave_scope(self.scope)
            self.scope = None

    # -- hooks ---------------------------------------------------------------------------------
    def enter_class(self, cls: ClassScope) -> None:
        """A class starts (at any depth)."""

    def enter_scope(self, scope: Scope) -> None:
        """A module-level function or method starts."""

    def leave_scope(self, scope: Scope) -> None:
        """It ends (after every node inside it was visited)."""

