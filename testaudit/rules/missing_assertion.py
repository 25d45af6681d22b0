"""
## What it does
Reports a test that cannot fail on a wrong result: its body — together with the functions of
the same module it calls, followed transitively (module-level helpers, methods of its class and
of the class's bases defined in the module, reached as `helper()`, `self.helper()`,
`cls.helper()`, `super().helper()` or `Class.helper()`, or passed as a callback) — holds
none of:

- an `assert` statement (other than an always-true one, below);
- a `raise` statement (an explicit failure);
- a call whose name starts with `assert` (`self.assertEqual`, `mock.assert_called_once_with`,
  `assert_that(…)`, `assert_frame_equal`), also on any receiver (`mocks["db"].assert_called()`,
  `get_client().assert_no_pending()`), `pytest.raises` / `pytest.warns` /
  `pytest.deprecated_call` (as a context manager or a call), `pytest.fail` or `self.fail`;
- a call of `_assert…` that this module does not define (`self._assert_hashable(res)`, inherited
  from a base class elsewhere; one defined here is judged by its body);
- `subprocess.check_call` / `subprocess.check_output` (they raise when the program exits with
  an error: the same as asserting its return code is 0);
- a call of a fixture's value when the fixture, in this module, returns an instance of a class
  of this module whose `__call__` asserts (`return RunAndParse(pytester)`; pytest's own suite);
- a call with an expectation for the callee to check: a keyword argument named `expected…` or
  `expect…` (`run_cmd(cmd, expected_rc=1)`, `check_output(args, expected="ok")`), unless the
  callee is a class (`Result(expected_to_fail=True)` builds data); or a `self.` method this
  module does not define, inherited from a base class defined elsewhere, given the test's own
  value first and then an integer literal (`self.run_cmd(cmd, 255)`: the exit code it checks;
  not `self.record_metric("calls", 2)`, data throughout);
- a call handed a snapshot fixture (`snapshot`, `sfn_snapshot`: `record_execution(client,
  sfn_snapshot, definition)`), which the helper matches against the recording;
- a call of one of the test's own fixtures with arguments, its result thrown away
  (`await logs_tester("/addons/ssh/logs")`: a fixture that returns a checking function; a
  factory's result is kept, `token = make_token(user)`, and does not count);
- a call matching one of the `assertion-helpers` or `extend-assertion-helpers` regexes.

Such a check inside a `try:` whose `except` swallows its failure — a bare `except:`, or one
catching `Exception`, `BaseException` or `AssertionError`, whose body neither raises, asserts,
nor calls `fail`/`skip`/`skipTest` — does not count: the test cannot fail through it.

Nested functions and classes of a test are part of it. Assertions that always pass — `assert
True`, `assert 1`, `assert "text"`, `assert (x, "msg")` (a non-empty tuple), `assert x or True`,
`assert not None` — do not count: a test whose only assertions are such is reported at each of
them. Beside a real check (`if ok: assert True` / `else: assert False, …`, a marker in an
`except` branch of a `try:` that asserts) such an assertion changes nothing and is not reported.

Not reported: methods of a class whose body sets `__test__ = False` (pytest does not collect
it: a D-Bus service double with a method named `test`), tests marked `@pytest.mark.skip` /
`@unittest.skip`, `@pytest.mark.xfail(raises=…)` (the expected exception is the assertion),
`@abstractmethod`s, and tests whose body starts, at
its top level, by skipping (`pytest.skip(…)`, `pytest.xfail(…)`, `self.skipTest(…)`): the report
shows them as skipped, which is honest. Methods named `test*` of classes that are not test
classes — neither named like one (`Test*`, `*Tests`, `*Test`, `*TestCase`) nor derived from a
test base (`unittest.TestCase`, `*Test`, `*TestCase`) — are not tests: a
`RegressionRunner.test_login()` that returns a result for a real test to assert on is a helper,
and so is a `test_*` method that returns a value in a class pytest would not collect by default
(a class that is a test class by its `…Test`/`…Tests` name only).

## Why is this bad?
A test without an assertion passes whenever the code runs without raising: it counts in the
suite's size and coverage while proving nothing about the result. Generated suites are full of
them — a test that calls the service, prints the response and ends; a `try/except` that logs;
`assert True  # reached the end`. They make "2,000 tests, all green" mean much less than it
says.

Severity error: a test that cannot fail is not a test, and the policy counts tests.

## Options
- `assertion-helpers`: regexes searched in the called name as written (`verify_response`,
  `self.check_invariants`, `expect(page)`; a method on a receiver that is not a name, as
  `?.method`) that count as an assertion: the team's own assertion helpers defined in other
  modules, which this per-file rule cannot look into. Defaults: `verify`, `validate` and `check`
  functions and `self.` methods (also `verify_*` …, as approval tests and fixtures that return a
  checking function name them), `expect` (`expect(page).to_have_title(…)`,
  `self.expect_exception(…)`), pytester's line matchers on any receiver
  (`result.stdout.fnmatch_lines(…)`, `re_match_lines`, `no_fnmatch_line`, `no_re_match_line`,
  `fnmatch_lines_random`, `re_match_lines_random`),
  `match`/`verify` on a snapshot or approvals object (`snapshot.match(…)`, also a fixture
  wrapping one, `sfn_snapshot.match(…)`), botocore's
  `Stubber` (it fails on an unexpected call) and `add_response`/`add_client_error` on any
  receiver (a stubbed botocore client compares the request with `expected_params`; pytest-httpx
  fails a test that leaves a registered response unrequested).
- `extend-assertion-helpers`: more regexes, added to `assertion-helpers` (setting
  `assertion-helpers` replaces the defaults).

## Known limitations
Helpers are followed within the module only: a test whose assertions all live in a helper
imported from another module, or in a method inherited from a base class defined elsewhere,
is reported unless the helper's name matches `assertion-helpers`. A fixture that asserts does
not count for the tests requesting it. Methods of mixin classes that are not test classes are
not checked, even when a test class inherits them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from testaudit.names import dotted, named_params
from testaudit.rule import compiled
from testaudit.rules._scopes import ClassScope, Scope, ScopedRule

_RAISES = frozenset({"pytest.raises", "pytest.warns", "pytest.deprecated_call", "pytest.fail",
                     # they raise CalledProcessError when the program fails: an exit-status check
                     "subprocess.check_call", "subprocess.check_output"})
_SKIPS = frozenset({"pytest.skip", "pytest.xfail"})
_SKIP_DECORATORS = frozenset({"unittest.skip", "pytest.mark.skip"})
_ABSTRACT = frozenset({"abc.abstractmethod", "abstractmethod"})


@dataclass(frozen=True)
class Options:
    assertion_helpers: Tuple[str, ...] = field(
        default=(r"^(self\.|cls\.)?_?(verify|validate|check)(_|$)", r"(^|\.)_?expect(_|$)",
                 r"(^|\.)(no_)?(fnmatch|re_match)_lines?(_random)?$", r"(^|\.)(\w+_)?(snapshot|snap|approvals?)\.(match|verify)",
                 r"(^|\.)Stubber$", r"(^|\.)add_(response|client_error)$"),
        metadata={"regex": True})
    extend_assertion_helpers: Tuple[str, ...] = field(default=(), metadata={"regex": True})


@dataclass
class _Body:
    """What one scope does: asserts itself, or calls these names (resolved in ``finish``)."""

    scope: Scope
    asserts: bool = False
    trivial: List[cst.Assert] = field(default_factory=list)  # its always-true assertions
    exempt: bool = False
    returns_value: bool = False  # `return <value>` in its own body (not a nested function's)
    returned_classes: List[str] = field(default_factory=list)  # a fixture's `return Checker(…)`: class names
    calls: List[str] = field(default_factory=list)
    # `self.helper(…)` calls handed a literal (`self.run_cmd(cmd, 255)`): an expectation, when the
    # helper is inherited from a base this module does not define
    expecting: List[str] = field(default_factory=list)


_SWALLOWS = ("Exception", "BaseException", "AssertionError")
_EXPECTATION = re.compile(r"_?expect(ed)?(_|$)")
_SNAPSHOT = re.compile(r"(\w+_)?(snapshot|snap)")  # a snapshot fixture (`snapshot`, `sfn_snapshot`)


_LITERALS = (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)


def _expectation_after_subject(call: cst.Call) -> bool:
    """``self.run_cmd(cmd, 255)``: the test's own value first, then an integer literal — the
    outcome the helper is to check (not ``self.record_metric("name", 2)``: data throughout)."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if len(positional) < 2 or isinstance(positional[0], _LITERALS):
        return False
    return any(isinstance(v, cst.Integer) or (isinstance(v, cst.UnaryOperation) and isinstance(v.expression, cst.Integer))
               for v in positional[1:])


def _params(node: cst.FunctionDef) -> Set[str]:
    """The names a test requests (its fixtures), ``self``/``cls`` aside."""
    return {p.name.value for p in named_params(node.params)} - {"self", "cls"}


def _swallows(handler: cst.ExceptHandler) -> bool:
    """Whether an ``except`` clause catches a failing assertion (bare, ``Exception``,
    ``BaseException``, ``AssertionError``) and lets the test go on: its body neither raises nor
    asserts nor fails the test."""
    kind = handler.type
    names = [dotted(el.value) for el in kind.elements] if isinstance(kind, cst.Tuple) else \
        [dotted(kind) if kind is not None else ""]
    if not any(n is not None and (n == "" or n.rsplit(".", 1)[-1] in _SWALLOWS) for n in names):
        return False
    todo: List[cst.CSTNode] = [handler.body]
    while todo:
        node = todo.pop()
        if isinstance(node, cst.Raise) or (isinstance(node, cst.Assert) and _truth(node.test) is not True):
            return False
        if isinstance(node, cst.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("fail", "skip", "skipTest", "xfail"):
            return False
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        todo.extend(node.children)
    return True


def _code(node: cst.CSTNode) -> str:
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _truth(node: cst.BaseExpression) -> Optional[bool]:
    """The constant truth value of a literal expression, None when it depends on anything."""
    if isinstance(node, cst.Name):
        return {"True": True, "False": False, "None": False}.get(node.value)
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        try:
            return bool(complex(node.value.replace("_", "")) if isinstance(node, cst.Imaginary)
                        else float(node.value.replace("_", "")) if isinstance(node, cst.Float)
                        else int(node.value.replace("_", ""), 0))
        except ValueError:
            return None
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            return bool(node.evaluated_value)
        except Exception:  # noqa: BLE001 - malformed escapes
            return None
    if isinstance(node, (cst.Tuple, cst.List, cst.Set, cst.Dict)):
        return True if node.elements else False
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        inner = _truth(node.expression)
        return None if inner is None else not inner
    if isinstance(node, cst.BooleanOperation):
        left, right = _truth(node.left), _truth(node.right)
        if isinstance(node.operator, cst.Or):
            return True if (left or right) else (False if left is False and right is False else None)
        return False if (left is False or right is False) else (True if left and right else None)
    return None


class MissingAssertion(ScopedRule):
    CODE = "TA801"
    NAME = "test-without-assertion"
    MESSAGE = "test without an assertion"
    FILES = "test"
    Options = Options
    INVALID = (
        "def test_create_user(client):\n"
        "    response = client.post('/users', json={'name': 'ada'})\n"
        "    print(response.json())\n",
        "def test_pipeline_runs(pipeline):\n"
        "    pipeline.run()\n"
        "    assert True  # reached the end\n",
        "class TestHealth:\n"
        "    def test_health(self, client):\n"
        "        try:\n"
        "            self._ping(client)\n"
        "        except Exception as exc:\n"
        "            print(f'health failed: {exc}')\n\n"
        "    def _ping(self, client):\n"
        "        return client.get('/health')\n",
    )
    VALID = (
        "def test_create_user(client):\n"
        "    response = client.post('/users', json={'name': 'ada'})\n"
        "    assert response.status_code == 201\n",
        "import pytest\n\n"
        "def test_rejects_bad_token(auth):\n"
        "    with pytest.raises(PermissionError):\n"
        "        auth.check('bad')\n",
        "class TestOrders:\n"
        "    def test_total(self, order):\n"
        "        self._check_total(order, 30)\n\n"
        "    def _check_total(self, order, expected):\n"
        "        assert order.total() == expected\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.active = self.ctx.is_test_module
        # every helper regex in one alternation: one search per called name instead of one per regex
        patterns = self.options.assertion_helpers + self.options.extend_assertion_helpers
        self.helpers = compiled("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        self.body: Optional[_Body] = None
        self.bodies: List[_Body] = []
        self.functions: Dict[str, _Body] = {}  # module-level functions by name
        self.methods: Dict[Tuple[str, str], _Body] = {}  # (class, method) → body
        self.classes: Dict[str, ClassScope] = {}
        self.call_funcs: Set[int] = set()
        # `try:` bodies whose handler swallows a failing assertion (`except Exception: pass`):
        # an assert, raise or assertion call in them cannot fail the test
        self.swallowing: Set[int] = set()
        self.swallowed = 0
        self.discarded: Set[int] = set()  # calls whose result is thrown away (expression statements)

    def enter_class(self, cls: ClassScope) -> None:
        if not cls.in_function:
            self.classes.setdefault(cls.name, cls)

    def enter_scope(self, scope: Scope) -> None:
        if not self.active:
            return
        body = self.body = _Body(scope)
        self.bodies.append(body)
        if scope.class_name is None:
            self.functions[scope.name] = body  # a later definition replaces an earlier one
        else:
            self.methods[(scope.class_name, scope.name)] = body
        if scope.is_test:
            body.exempt = self._exempt(scope.node)

    def leave_scope(self, scope: Scope) -> None:
        self.body = None

    def _exempt(self, node: cst.FunctionDef) -> bool:
        for dec in node.decorators:
            expr = dec.decorator
            name = dotted(expr.func if isinstance(expr, cst.Call) else expr)
            resolved = self.ctx.imports.resolve(name) or name
            if resolved in _SKIP_DECORATORS or resolved in _ABSTRACT:
                return True
            if (resolved == "pytest.mark.xfail" and isinstance(expr, cst.Call)
                    and any(a.keyword is not None and a.keyword.value == "raises" for a in expr.args)):
                return True
        statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for stmt in statements:
            if not isinstance(stmt, cst.SimpleStatementLine):
                return False
            for small in stmt.body:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    name = dotted(small.value.func)
                    if name == "self.skipTest" or (self.ctx.imports.resolve(name) or name) in _SKIPS:
                        return True
                    return False
                if not (isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString,
                                                                              cst.ConcatenatedString))):
                    return False
        return False

    # -- failures a handler swallows -----------------------------------------------------------
    def visit_Try(self, node: cst.Try) -> None:
        if self.body is not None and any(_swallows(h) for h in node.handlers):
            self.swallowing.add(id(node.body))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self.swallowing:
            self.swallowed += 1

    def leave_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self.swallowing:
            self.swallowed -= 1

    # -- what a body does ----------------------------------------------------------------------
    def visit_Assert(self, node: cst.Assert) -> None:
        body = self.body
        if body is None or self.swallowed:
            return
        if _truth(node.test) is True:
            if body.scope.is_test:
                body.trivial.append(node)  # reported when the test has no real check besides
            return
        body.asserts = True

    def visit_Return(self, node: cst.Return) -> None:
        if self.body is not None and self.func_depth == 1 and node.value is not None:
            if not (isinstance(node.value, cst.Name) and node.value.value == "None"):
                self.body.returns_value = True
            value = node.value
            if self.body.scope.kind == "fixture" and isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
                self.body.returned_classes.append(value.func.value)

    def visit_Raise(self, node: cst.Raise) -> None:
        if self.body is not None and not self.swallowed:
            self.body.asserts = True

    def visit_Call(self, node: cst.Call) -> None:
        body = self.body
        if body is None or body.asserts or self.swallowed:
            return
        func = node.func
        name = dotted(func)
        if name:
            body.calls.append(name)
        elif (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)
              and dotted(func.value.func) == "super"):  # `super().test_x()`: the base's method
            body.calls.append(f"super.{func.attr.value}")
        elif isinstance(func, cst.Attribute):  # a method on any receiver: `mocks["db"].assert_called()`
            body.calls.append(f"?.{func.attr.value}")
        callee = (name or "").rsplit(".", 1)[-1]
        if (not callee[:1].isupper()  # `Result(expected_to_fail=True)` builds data, checks nothing
                and any(arg.keyword is not None and _EXPECTATION.match(arg.keyword.value) for arg in node.args)):
            body.asserts = True  # `run_cmd(cmd, expected_rc=1)`: the callee checks what it was given
            return
        if (id(node) in self.discarded and node.args and name and "." not in name and body.scope.is_test
                and name in _params(body.scope.node)):
            body.asserts = True  # `await logs_tester("/path")`: a fixture's checking function, given values
            return
        if any(isinstance(arg.value, cst.Name) and _SNAPSHOT.fullmatch(arg.value.value) for arg in node.args):
            body.asserts = True  # `record_execution(client, sfn_snapshot, …)`: the helper matches the recording
            return
        if name and name.startswith("self.") and name.count(".") == 1 and _expectation_after_subject(node):
            body.expecting.append(name)
        for arg in node.args:  # a helper passed as a callback (`run(check)`, `gather(self.verify())`)
            ref = dotted(arg.value)
            if ref:
                body.calls.append(ref)

    def visit_Expr(self, node: cst.Expr) -> None:
        value = node.value.expression if isinstance(node.value, cst.Await) else node.value
        if isinstance(value, cst.Call):
            self.discarded.add(id(value))  # called for what it does, not for a result

    # -- verdict -------------------------------------------------------------------------------
    def finish(self) -> None:
        if not self.active:
            return
        known: Dict[int, bool] = {}
        for body in self.bodies:
            if not body.scope.is_test or body.exempt:
                continue
            if body.returns_value and not body.scope.collected:
                continue  # `class PipelineE2ETest: def test_flow(self) -> dict` serves a real test
            if self._asserts(body, known):
                continue  # an `assert True` beside a real check (`else: assert False`) changes nothing
            for node in body.trivial:  # the test's only assertions always pass: shown where they are
                self.report(node, f"`assert {_code(node.test)}` always passes; assert on the result")
            if not body.trivial:
                self.report(body.scope.node.name, f"test `{body.scope.name}` has no assertion: it passes "
                                                  f"whenever the code runs without raising",
                            stmt_line=self.ctx.line_of(body.scope.node))

    def _asserts(self, start: _Body, known: Dict[int, bool]) -> bool:
        """Whether ``start`` or a same-module function it reaches asserts (cycles are cut)."""
        seen = {id(start)}
        todo = [start]
        while todo:
            body = todo.pop()
            if known.get(id(body)) or body.asserts:
                known[id(start)] = True
                return True
            for name in body.calls:
                if self._is_assertion_call(name) or self._private_assertion(name, body.scope.class_name):
                    body.asserts = True
                    known[id(start)] = True
                    return True
                if name in body.expecting and self._inherited(name, body.scope.class_name):
                    known[id(start)] = True
                    return True
                target = self._local(name, body.scope.class_name)
                for found in (target, *self._called_instances(target)):
                    if found is not None and id(found) not in seen:
                        seen.add(id(found))
                        todo.append(found)
        return False

    def _private_assertion(self, name: str, class_name: Optional[str]) -> bool:
        """`self._assert_hashable(res)` defined elsewhere (a base class of another module): named
        as an assertion. One this module defines is followed instead, and judged by its body."""
        return name.rsplit(".", 1)[-1].startswith("_assert") and self._local(name, class_name) is None

    def _called_instances(self, target: Optional[_Body]) -> List[_Body]:
        """A fixture of this module that returns an instance of a class of this module
        (`return RunAndParse(pytester)`): what a test calling the fixture's value runs is that
        class's `__call__`."""
        if target is None or target.scope.kind != "fixture":
            return []
        found = (self._method(name, "__call__", set()) for name in target.returned_classes if name in self.classes)
        return [body for body in found if body is not None]

    def _is_assertion_call(self, name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        if last.startswith("assert") or name in ("self.fail", "cls.fail"):
            return True
        if (self.ctx.imports.resolve(name) or name) in _RAISES:
            return True
        return self.helpers is not None and self.helpers.search(name) is not None

    def _inherited(self, name: str, class_name: Optional[str]) -> bool:
        """Whether ``self.method`` is not defined in this module for ``class_name`` while the class
        has a base from elsewhere: a helper this per-file rule cannot read, given an expectation."""
        if class_name is None or self._local(name, class_name) is not None:
            return False
        seen, todo = set(), [class_name]
        while todo:
            cls = self.classes.get(todo.pop())
            if cls is None or cls.name in seen:
                continue
            seen.add(cls.name)
            for base in cls.bases:
                if base not in self.classes:
                    return True
                todo.append(base)
        return False

    def _local(self, name: str, class_name: Optional[str]) -> Optional[_Body]:
        """The same-module function a called name means, if any."""
        head, _, rest = name.partition(".")
        if not rest:
            return self.functions.get(name)
        if head in ("self", "cls") and class_name is not None and "." not in rest:
            return self._method(class_name, rest, set())
        if head == "super" and class_name is not None:
            cls = self.classes.get(class_name)
            for base in cls.bases if cls else ():
                found = self._method(base, rest, set()) if base in self.classes else None
                if found is not None:
                    return found
            return None
        owner, _, method = name.rpartition(".")
        if owner in self.classes:
            return self._method(owner, method, set())
        return None

    def _method(self, class_name: str, method: str, seen: Set[str]) -> Optional[_Body]:
        """``class_name.method``, looked up in the class and its bases defined in this module."""
        found = self.methods.get((class_name, method))
        if found is not None or class_name in seen:
            return found
        seen.add(class_name)
        cls = self.classes.get(class_name)
        for base in cls.bases if cls else ():
            if base in self.classes:
                found = self._method(base, method, seen)
                if found is not None:
                    return found
        return None
