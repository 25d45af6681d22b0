"""pytest's fixture resolution, modelled on facts (the foundation of TA102).

Visibility for a test in ``tests/a/test_x.py``, nearest first: fixtures defined on the test's
class (and its project base classes), in the module itself, then in ``conftest.py`` files from
the module's directory up to the project root. The nearest definition wins; a fixture that
requests its own name gets the next definition further out (pytest's override-with-parent).
``parametrize`` argument names shadow fixtures. Names nobody defines (plugin fixtures such as
``tmp_path``) resolve to None: unknown means "not known to mock".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from testaudit.model import ClassFact, FileFacts, FunctionFact


@dataclass(frozen=True)
class FixtureDef:
    facts: FileFacts
    fn: FunctionFact

    @property
    def name(self) -> str:
        return self.fn.fixture_name or self.fn.name

    @property
    def where(self) -> str:
        return f"{self.facts.path}:{self.fn.line}"


# A scope is where definitions live: ("class", path, qualname), ("module", path), ("conftest", dir)
Scope = Tuple[str, ...]


class FixtureIndex:
    """Fixture definitions by scope, collected the first time a scope is asked for: a test sees
    only its classes', its module's and its conftest chain's, so only those files are read.
    ``facts`` are the files to draw from; ``file`` (root-relative path → facts, None for no such
    file) reads them on demand instead."""

    def __init__(self, facts: Iterable[FileFacts] = (),
                 file: Optional[Callable[[str], Optional[FileFacts]]] = None) -> None:
        self._file = file or {f.path: f for f in facts}.get
        self.by_scope: Dict[Scope, Dict[str, FixtureDef]] = {}

    def defined(self, scope: Scope) -> Dict[str, FixtureDef]:
        """The fixtures defined in ``scope``, by the name pytest registers (the last one wins)."""
        found = self.by_scope.get(scope)
        if found is None:
            found = self.by_scope[scope] = self._collect(scope)
        return found

    def _collect(self, scope: Scope) -> Dict[str, FixtureDef]:
        kind = scope[0]
        if kind == "conftest":
            path = f"{scope[1]}/conftest.py" if scope[1] else "conftest.py"
        else:
            path = scope[1]
        facts = self._file(path)
        out: Dict[str, FixtureDef] = {}
        if facts is None:
            return out
        for fn in facts.functions:
            if fn.kind != "fixture":
                continue
            if kind == "class":
                wanted = fn.class_name == scope[2]
            else:  # module-level fixtures belong to the conftest scope in a conftest.py
                wanted = not fn.class_name and facts.is_conftest == (kind == "conftest")
            if wanted:
                out[fixture_key(fn)] = FixtureDef(facts, fn)
        return out

    def scopes(self, path: str, classes: Sequence[Tuple[str, str]] = ()) -> List[Scope]:
        """Scopes visible from a test in ``path``; ``classes``: (path, qualname) of its class and
        then of the class's project base classes, whose fixture methods pytest also sees."""
        out: List[Scope] = [("class", p, q) for p, q in classes]
        out.append(("module", path))
        parts = path.split("/")[:-1]
        for i in range(len(parts), -1, -1):
            out.append(("conftest", "/".join(parts[:i])))
        return out

    def resolve(self, name: str, scopes: Sequence[Scope], skip: Optional[FixtureDef] = None) -> Optional[FixtureDef]:
        """The nearest definition of ``name``; after ``skip`` when a fixture requests its own name."""
        passed = skip is None
        for scope in scopes:
            found = self.defined(scope).get(name)
            if found is None:
                continue
            if not passed:
                if found == skip:
                    passed = True
                continue
            return found
        return None

    def autouse(self, scopes: Sequence[Scope]) -> List[FixtureDef]:
        """Autouse fixtures in scope, nearest first, one per name."""
        seen: Dict[str, FixtureDef] = {}
        for scope in scopes:
            for name, fx in self.defined(scope).items():
                if fx.fn.autouse and name not in seen:
                    seen[name] = fx
        return list(seen.values())


def fixture_key(fn: FunctionFact) -> str:
    return fn.fixture_name or fn.name


def requested(test: FunctionFact, cls: Optional[ClassFact], module: FileFacts) -> List[str]:
    """Fixture names a test requests: parameters (minus parametrized ones) and usefixtures."""
    shadowed = set(test.parametrized)
    names = [p for p in test.params if p not in shadowed]
    for extra in (test.usefixtures, cls.usefixtures if cls else (), module.module_usefixtures):
        names.extend(n for n in extra if n not in names)
    return names
