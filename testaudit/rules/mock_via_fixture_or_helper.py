"""
## What it does
Reports an integration or e2e test that reaches a test double through another file:

- a fixture it requests — by parameter, `@pytest.mark.usefixtures` (function, class, module
  `pytestmark`), or an autouse fixture in scope — whose body mocks, directly, through the
  fixtures it requests in turn, or through helpers it calls; fixtures are resolved as pytest
  does: the test's class (and its project base classes), the module, then `conftest.py` files
  up to the project root, the nearest definition winning, a fixture requesting its own name
  getting the parent's, `parametrize` names shadowing fixtures;
- a function it calls, or a class it instantiates (its `__init__`, `__new__`,
  `__post_init__`), imported from a project module (through any import form or re-export)
  whose body mocks, directly or through further helpers;
- a method called on an object the test (or a fixture or helper) makes from a project class:
  `db = DatabaseTestManager(); await db.connect()` reaches `connect`, `async with
  WebSocketTestClient(url) as ws:` reaches `__aenter__`/`__aexit__` (`__enter__`/`__exit__`
  for `with`), and `ws.send()` reaches `send`; a method the class inherits is found in its
  project base classes;
- `self.helper()` / `cls.helper()` in a test class or a helper class: the class's own method, or
  the nearest project base class's;
- a `setUp` / `setup_method` / `asyncSetUp` / `setup_class` of a project base class that mocks.

Only methods actually called are followed: a class whose mock sits in a method the test never
calls is not reported, nor is a call whose arguments cannot bind to the function's parameters
(`client.connect(timeout=5)` of a `def connect(self)` raises TypeError before the body runs;
decorated functions and calls unpacking `*args`/`**kwargs` are taken to bind). A double made only in an `except ImportError:` handler of a `try:` that
imports modules the project has — or that the test module itself imports unguarded — is never
made, and is not reported either (a handler that also catches `Exception`, or a bare `except:`,
runs on other failures too: it is followed).

One finding per test (or per class, for class-level `usefixtures`): of the routes it has to a
double, the shortest, with the chain in the message (fix it, and the next run shows the next):
`test_login → fixture auth_client (tests/integration/conftest.py:12) → MagicMock`.

## Why is this bad?
Integration suites rarely import `unittest.mock` themselves any more: the mock sits in a
`conftest.py` fixture two directories up, in an autouse fixture, or in a shared helper. The test
file looks clean while the collaboration it claims to exercise is replaced. This rule follows
those paths so the claim "no mocks in integration tests" can be checked.

## Options
- `categories`: the test categories checked (default `integration`, `e2e`).

## Known limitations
Mocks in the test module itself (its own fixtures and helpers) are TA101's findings, not
TA102's. Fixtures from plugins and `request.getfixturevalue(...)` are not followed; unknown
fixtures count as not mocking. An object is followed only while it is held in a local name
bound by a call (`c = Client()`, `with Client() as c`): one stored on `self` in `setUp` and used
in a test (`self.client.connect()`), passed through a container or another function, returned
by a fixture, or reached by dynamic attribute access (`getattr`) is not followed, nor is
`super().method()`. The last binding of a name wins for the whole function. A cycle of
fixtures or helpers is cut where it closes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from testaudit.fixtures import FixtureDef, FixtureIndex, requested
from testaudit.model import CallFact, ClassFact, FileFacts, Finding, FunctionFact, Location
from testaudit.rule import ProjectRule

CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})
SETUP_METHODS = frozenset({"setUp", "asyncSetUp", "setup_method", "setup_class", "setUpClass", "setup"})

# (path, line) of the function whose body mocks, and the modules outside the project whose
# failing import alone makes the double (an `except ImportError:` fallback): none for most
Cause = Tuple[str, int, Tuple[str, ...]]
Chain = Tuple[Tuple[str, ...], Cause]  # the steps after the test, and the root cause


@dataclass(frozen=True)
class Options:
    categories: Tuple[str, ...] = ("integration", "e2e")


def _dedupe(chains: Iterable[Chain]) -> List[Chain]:
    seen: Dict[Cause, Chain] = {}
    for chain in chains:
        seen.setdefault(chain[1], chain)
    return list(seen.values())


def _imports_all(facts: FileFacts, modules: Tuple[str, ...]) -> bool:
    """Whether the test module imports every one of ``modules`` (or a submodule) outside any
    import guard: when the test runs at all they import, so a double made only when one of them
    fails to import is never made."""
    if not modules:
        return False
    guards = facts.import_guards
    imported = {name for imp in facts.imports if not any(a <= imp.line <= b for a, b in guards)
                for name in (imp.module, imp.target) if name}
    return all(any(name == m or name.startswith(m + ".") for name in imported) for m in modules)


class _Tracer:
    """Walks fixtures and helpers to the functions that mock, memoised per definition."""

    def __init__(self, project: Any) -> None:
        self.project = project
        self.graph = project.graph
        self.index = FixtureIndex(file=project.file)  # reads only the scopes a test can see
        self.memo: Dict[str, List[Chain]] = {}
        self.setups: Dict[Tuple[Tuple[str, str], ...], List[Chain]] = {}
        self.inherited: Dict[str, Optional[Tuple[FileFacts, str]]] = {}
        self.defs: Dict[str, Dict[str, FunctionFact]] = {}  # path → qualname → function

    def class_scopes(self, facts: FileFacts, qualname: Optional[str]) -> List[Tuple[str, str]]:
        """(path, qualname) of a class and of its project base classes."""
        if not qualname:
            return []
        out = [(facts.path, qualname)]
        cls = self.project.class_of(facts, qualname)
        if cls is not None:
            for ancestor in self.project.ancestry(facts, cls).ancestors:
                found = self.graph.class_fact(ancestor)
                if found is not None:
                    out.append((found[0].path, found[1].qualname))
        return out

    def fixture(self, fx: FixtureDef, stack: FrozenSet[str] = frozenset()) -> List[Chain]:
        key = f"fixture {fx.where}"
        if key in self.memo:
            return self.memo[key]
        if key in stack:
            return []
        stack = stack | {key}
        label = f"fixture {fx.name} ({fx.where})"
        out = self._body(label, fx.facts, fx.fn, stack)
        scopes = self.index.scopes(fx.facts.path, self.class_scopes(fx.facts, fx.fn.class_name))
        for name in (*fx.fn.params, *fx.fn.usefixtures):
            sub = self.index.resolve(name, scopes, skip=fx if name == fx.name else None)
            if sub is not None:
                out.extend(((label, *steps), cause) for steps, cause in self.fixture(sub, stack))
        self.memo[key] = result = _dedupe(out)
        return result

    def helper(self, target: str, stack: FrozenSet[str] = frozenset(), call: Optional[CallFact] = None) -> List[Chain]:
        hit = self.graph.resolve_function(target) or self._inherited(target)
        if hit is None:
            return []
        facts, qualname = hit
        if call is not None and not self._fits(call, facts, qualname):
            return []  # the call raises TypeError before the body runs
        key = f"helper {facts.path}::{qualname}"
        if key in self.memo:
            return self.memo[key]
        if key in stack:
            return []
        stack = stack | {key}
        out: List[Chain] = []
        cls = self.project.class_of(facts, qualname)
        if cls is not None:  # instantiating a class runs its constructor, not its other methods
            label = f"helper {qualname} ({facts.path}:{cls.line})"
            for fn in facts.functions:
                if fn.class_name == qualname and fn.name in CONSTRUCTORS:
                    out.extend(self._body(label, facts, fn, stack, cause_line=cls.line))
        else:
            for fn in facts.functions:
                if fn.qualname == qualname and fn.kind != "fixture":
                    out.extend(self._body(f"helper {qualname} ({facts.path}:{fn.line})", facts, fn, stack))
        self.memo[key] = result = _dedupe(out)
        return result

    def _dead_fallback(self, unless: Tuple[str, ...]) -> bool:
        """A double made only in ``except ImportError:`` after importing ``unless``: never made
        when the project has every one of those modules."""
        return bool(unless) and all(self.graph.files.module(m) is not None for m in unless)

    def _inherited(self, target: str) -> Optional[Tuple[FileFacts, str]]:
        """``pkg.mod.Class.method`` that ``Class`` does not define: the method of its nearest
        project base class that does (``self.helper()`` into a base, a context manager's
        ``__aenter__`` inherited from a base client)."""
        if target in self.inherited:  # `self.assertEqual` alone is asked thousands of times
            return self.inherited[target]
        owner, _, method = target.rpartition(".")
        hit = self.graph.resolve_function(owner) if owner else None
        cls = self.project.class_of(hit[0], hit[1]) if hit is not None else None
        found = None
        if hit is not None and cls is not None:
            for ancestor in self.project.ancestry(hit[0], cls).ancestors:
                candidate = self.graph.resolve_function(f"{ancestor}.{method}")
                if candidate is not None and self.project.class_of(*candidate) is None:
                    found = candidate
                    break
        self.inherited[target] = found
        return found

    def _body(self, label: str, facts: FileFacts, fn: FunctionFact, stack: FrozenSet[str],
              cause_line: Optional[int] = None) -> List[Chain]:
        out: List[Chain] = []
        live = [site for site in fn.mock_sites if not self._dead_fallback(site.unless)]
        if live:
            site = min(live, key=lambda s: len(s.unless))  # a double made unconditionally first
            outside = tuple(m for m in site.unless if self.graph.files.module(m) is None)
            out.append(((label, site.what), (facts.path, cause_line or fn.line, outside)))
        for call in fn.calls:
            out.extend(((label, *steps), cause) for steps, cause in self.helper(call.target, stack, call))
        return out

    def _fits(self, call: CallFact, facts: FileFacts, qualname: str) -> bool:
        """Whether ``call``'s arguments bind to what it calls (a function, a method — with
        ``self`` when called on an instance —, or a class's own ``__init__``). Unknown when the
        call unpacks arguments or the callee is decorated: then it fits."""
        if call.args is None:
            return True
        positional, keywords = call.args
        defs = self.defs.get(facts.path)
        if defs is None:  # asked for every call a test or helper makes: indexed once per file
            defs = self.defs[facts.path] = {f.qualname: f for f in facts.functions}
        if self.project.class_of(facts, qualname) is not None:
            init = defs.get(f"{qualname}.__init__")
            signature, bound = (init.signature, 1) if init is not None else (None, 0)
        else:
            fn = defs.get(qualname)
            signature = fn.signature if fn is not None else None
            bound = 1 if call.bound and fn is not None and fn.class_name else 0
        return signature is None or signature.accepts(positional + bound, keywords)

    def base_setups(self, classes: Sequence[Tuple[str, str]]) -> List[Chain]:
        """What the set-up methods of a test's base classes reach (memoised: every test of a
        class asks with the same classes)."""
        key = tuple(classes[1:])
        cached = self.setups.get(key)
        if cached is None:
            cached = self.setups[key] = self._base_setups(key)
        return cached

    def _base_setups(self, classes: Sequence[Tuple[str, str]]) -> List[Chain]:
        out: List[Chain] = []
        for path, qualname in classes:
            facts = self.project.file(path)
            for fn in facts.functions if facts is not None else ():
                if fn.class_name == qualname and fn.name in SETUP_METHODS:
                    label = f"base {qualname}.{fn.name} ({path}:{fn.line})"
                    out.extend(self._body(label, facts, fn, frozenset()))
        return out


class MockViaFixtureOrHelper(ProjectRule):
    CODE = "TA102"
    NAME = "mock-via-fixture-or-helper"
    MESSAGE = "integration or e2e test reaches a mock through a fixture or helper in another file"
    FILES = "test"
    APPLIES = "categories"
    Options = Options
    INVALID = (
        "# file: tests/integration/conftest.py\n"
        "import pytest\nfrom unittest.mock import MagicMock\n\n\n"
        "@pytest.fixture\ndef auth_client():\n    return MagicMock()\n"
        "# file: tests/integration/test_login.py\n"
        "def test_login(auth_client):\n    assert auth_client.login('alice')\n",
        "# file: tests/helpers/payments.py\n"
        "from unittest.mock import patch\n\n\ndef fake_gateway():\n    return patch('app.gateway.charge')\n"
        "# file: tests/e2e/test_checkout.py\n"
        "from tests.helpers.payments import fake_gateway as gateway\n\n\n"
        "def test_checkout():\n    with gateway():\n        assert checkout()\n",
    )
    VALID = (
        "# file: tests/integration/conftest.py\n"
        "import pytest\n\n\n@pytest.fixture\ndef auth_client(real_auth_service):\n"
        "    return real_auth_service.client()\n"
        "# file: tests/integration/test_login.py\n"
        "def test_login(auth_client):\n    assert auth_client.login('alice')\n",
        "# file: tests/conftest.py\n"
        "import pytest\nfrom unittest.mock import MagicMock\n\n\n"
        "@pytest.fixture\ndef auth_client():\n    return MagicMock()\n"
        "# file: tests/unit/test_login.py\n"
        "def test_login(auth_client):\n    assert auth_client.login('alice')\n",
    )

    def check(self, project: Any) -> Iterable[Finding]:
        tracer = _Tracer(project)
        categories = set(self.options.categories)
        for facts in project.test_modules():
            if not facts.parsed:
                continue
            class_level: Dict[str, Tuple[ClassFact, Dict[Cause, Chain]]] = {}
            collected = {id(t.function) for t in project.collected(facts)}
            for test in facts.tests():
                # a `test_*` method of a class pytest does not collect (no `python_classes` match,
                # its own `__init__`) never runs: whatever it reaches is not a test using a double
                if id(test) not in collected or project.test_category(facts, test) not in categories:
                    continue
                classes = tracer.class_scopes(facts, test.class_name)
                scopes = tracer.index.scopes(facts.path, classes)
                chains: List[Chain] = []
                for name in requested(test, None, facts):
                    fx = tracer.index.resolve(name, scopes)
                    if fx is not None:
                        chains.extend(tracer.fixture(fx))
                for fx in tracer.index.autouse(scopes):
                    chains.extend(tracer.fixture(fx))
                for call in test.calls:
                    chains.extend(tracer.helper(call.target, call=call))
                chains.extend(tracer.base_setups(classes))
                routes = _dedupe(c for c in chains if c[1][0] != facts.path and not _imports_all(facts, c[1][2]))
                if routes:  # one finding per test: its shortest route (fix it, and the next shows)
                    steps = min(routes, key=lambda r: len(r[0]))[0]
                    yield self._finding(facts, test.line, test.column, test.end_column, test.name, steps)
                cls = project.class_of(facts, test.class_name)
                if cls is not None and cls.usefixtures:
                    found = class_level.setdefault(cls.qualname, (cls, {}))[1]
                    for name in cls.usefixtures:
                        fx = tracer.index.resolve(name, scopes)
                        for chain in (tracer.fixture(fx) if fx is not None else []):
                            if chain[1][0] != facts.path and not _imports_all(facts, chain[1][2]):
                                found.setdefault(chain[1], chain)
            for cls, found in class_level.values():
                if found:
                    steps = min(found.values(), key=lambda r: len(r[0]))[0]
                    yield self._finding(facts, cls.line, cls.column, cls.end_column, cls.name, steps)

    def _finding(self, facts: FileFacts, line: int, column: int, end_column: int, who: str,
                 steps: Tuple[str, ...]) -> Finding:
        chain = (who, *steps)
        return Finding(path=facts.path, code=self.CODE, name=self.NAME, severity=self.severity,
                       message=" → ".join(chain), location=Location(line, column, line, end_column),
                       chain=chain, stmt_line=line)
