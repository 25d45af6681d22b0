"""What integration and e2e tests reach through other files: fixtures (by parameter,
``usefixtures``, autouse), helpers they call, objects they make and the methods called on them,
context managers they enter, ``self.helper()`` and the set-up methods of project base classes.
Shared by the rules that follow those routes: TA102 (to a mock) and TA103 (to a hand-rolled
double). See TA102's rule page for the routes and what is not followed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from testaudit.fixtures import FixtureDef, FixtureIndex, requested
from testaudit.model import CallFact, ClassFact, FileFacts, FunctionFact

CONSTRUCTORS = frozenset({"__init__", "__new__", "__post_init__"})
SETUP_METHODS = frozenset({"setUp", "asyncSetUp", "setup_method", "setup_class", "setUpClass", "setup"})

# (path, line) of the function whose body mocks, and the modules outside the project whose
# failing import alone makes the double (an `except ImportError:` fallback): none for most
Cause = Tuple[str, int, Tuple[str, ...]]
Chain = Tuple[Tuple[str, ...], Cause]  # the steps after the test, and the root cause


def dedupe(chains: Iterable[Chain]) -> List[Chain]:
    seen: Dict[Cause, Chain] = {}
    for chain in chains:
        seen.setdefault(chain[1], chain)
    return list(seen.values())


def imports_all(facts: FileFacts, modules: Tuple[str, ...]) -> bool:
    """Whether the test module imports every one of ``modules`` (or a submodule) outside any
    import guard: when the test runs at all they import, so a double made only when one of them
    fails to import is never made."""
    if not modules:
        return False
    guards = facts.import_guards
    imported = {name for imp in facts.imports if not any(a <= imp.line <= b for a, b in guards)
                for name in (imp.module, imp.target) if name}
    return all(any(name == m or name.startswith(m + ".") for name in imported) for m in modules)


def _closed(call: Optional[CallFact], fn: FunctionFact, method: bool) -> FrozenSet[str]:
    """The parameters guarding code in ``fn`` (``if mock_mode:``, see ``MockSite.guard``) that
    ``call`` does not pass, by keyword or position (``method``: Python passes ``self`` first).
    None when the call's arguments or the function's signature are not known."""
    guards = {c.guard for c in fn.calls if c.guard} | {m.guard for m in fn.mock_sites if m.guard}
    if not guards or call is None or call.args is None or fn.signature is None:
        return frozenset()
    positional, keywords = call.args
    passed = set(keywords) | set(fn.signature.positional[:positional + (1 if method else 0)])
    return frozenset(g for g in guards if g not in passed)


class Tracer:
    """Walks fixtures and helpers to what a rule looks for, memoised per definition: the
    functions whose body mocks (``mocks``, TA102), or the project classes ``double`` accepts,
    where they are instantiated (TA103)."""

    def __init__(self, project: Any, mocks: bool = True, double: Optional[Callable[[ClassFact], bool]] = None) -> None:
        self.project = project
        self.mocks, self.double = mocks, double
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
        self.memo[key] = result = dedupe(out)
        return result

    def helper(self, target: str, stack: FrozenSet[str] = frozenset(), call: Optional[CallFact] = None) -> List[Chain]:
        hit = self.graph.resolve_function(target) or self._inherited(target)
        if hit is None:
            return []
        facts, qualname = hit
        if call is not None and not self._fits(call, facts, qualname):
            return []  # the call raises TypeError before the body runs
        cls = self.project.class_of(facts, qualname)
        if cls is not None:  # instantiating a class runs its constructor, not its other methods
            bodies = [fn for fn in facts.functions if fn.class_name == qualname and fn.name in CONSTRUCTORS]
        else:
            bodies = [fn for fn in facts.functions if fn.qualname == qualname and fn.kind != "fixture"]
        closed = [_closed(call, fn, method=cls is not None or bool(call and call.bound and fn.class_name))
                  for fn in bodies]
        key = f"helper {facts.path}::{qualname}" + "".join(f" -{g}" for shut in closed for g in sorted(shut))
        if key in self.memo:
            return self.memo[key]
        if key in stack:
            return []
        stack = stack | {key}
        out: List[Chain] = []
        if cls is not None and self.double is not None and self.double(cls):
            out.append(((f"{cls.name} ({facts.path}:{cls.line})",), (facts.path, cls.line, ())))
        elif cls is not None:
            label = f"helper {qualname} ({facts.path}:{cls.line})"
            for fn, shut in zip(bodies, closed):
                out.extend(self._body(label, facts, fn, stack, cause_line=cls.line, closed=shut))
        else:
            for fn, shut in zip(bodies, closed):
                out.extend(self._body(f"helper {qualname} ({facts.path}:{fn.line})", facts, fn, stack, closed=shut))
        self.memo[key] = result = dedupe(out)
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
              cause_line: Optional[int] = None, closed: FrozenSet[str] = frozenset()) -> List[Chain]:
        """What ``fn``'s body reaches; not what sits under `if <parameter>:` for a ``closed``
        parameter (the call did not pass it)."""
        out: List[Chain] = []
        live = [site for site in fn.mock_sites if not self._dead_fallback(site.unless) and site.guard not in closed] \
            if self.mocks else []
        if live:
            site = min(live, key=lambda s: len(s.unless))  # a double made unconditionally first
            outside = tuple(m for m in site.unless if self.graph.files.module(m) is None)
            out.append(((label, site.what), (facts.path, cause_line or fn.line, outside)))
        for call in fn.calls:
            if call.guard not in closed:
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


@dataclass(frozen=True)
class Route:
    """The shortest route of one test (or of a class, for class-level ``usefixtures``) to what
    the tracer looks for: where to report it and the steps after the test."""

    facts: FileFacts
    line: int
    column: int
    end_column: int
    who: str
    steps: Tuple[str, ...]


def routes(project: Any, tracer: Tracer, categories: Iterable[str],
           keep: Callable[[FileFacts, Chain], bool]) -> Iterator[Route]:
    """Per collected test of ``categories`` whose chains ``keep`` accepts, its shortest route:
    one per test (fix it, and the next run shows the next)."""
    categories = set(categories)
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
            kept = dedupe(c for c in chains if keep(facts, c))
            if kept:
                steps = min(kept, key=lambda r: len(r[0]))[0]
                yield Route(facts, test.line, test.column, test.end_column, test.name, steps)
            cls = project.class_of(facts, test.class_name)
            if cls is not None and cls.usefixtures:
                found = class_level.setdefault(cls.qualname, (cls, {}))[1]
                for name in cls.usefixtures:
                    fx = tracer.index.resolve(name, scopes)
                    for chain in (tracer.fixture(fx) if fx is not None else []):
                        if keep(facts, chain):
                            found.setdefault(chain[1], chain)
        for cls, found in class_level.values():
            if found:
                steps = min(found.values(), key=lambda r: len(r[0]))[0]
                yield Route(facts, cls.line, cls.column, cls.end_column, cls.name, steps)
