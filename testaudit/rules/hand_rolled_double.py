"""
## What it does
Reports hand-written test doubles in integration and e2e test modules: a class whose name
matches `double-patterns` (by default `MockWebSocket`, `FakeRedis`, `StubClient`,
`Dummy_Service`, `DatabaseMock`) defined in the module, or imported into it and used there.

It also reports an integration or e2e test that gets such a class, defined in another project
module (a conftest, a helper module, the test framework), through a fixture or a helper: a
fixture returning `FakeRedis()`, a helper returning a `StubMailer`, a fixture building a client
on top of one. The routes are TA102's (fixtures by parameter, `usefixtures` and autouse, helpers
called, methods of objects the test makes, `self.helper()`, base-class set-up methods); the
finding is on the test, one per test, with its shortest chain:
`test_cache_hit → fixture redis (tests/conftest.py:12) → FakeRedis (tests/doubles.py:4)`.

## Why is this bad?
A `FakeRedis` class written inside an integration test is a mock by another name: the test
checks the fake, not Redis. Hand-rolled doubles are also where "no mocks" policies are quietly
worked around, because a linter that only looks for `unittest.mock` never sees them.

## Options
- `double-patterns`: regexes searched in class names.
- `categories`: the test categories checked (default `integration`, `e2e`).

## Known limitations
Library classes (`MagicMock`, `AsyncMock`, …) are TA101's business and never reported here;
a class the module defines under such a name (`class Mock:`) is hand-rolled and is reported.
A double imported but only passed to other code is reported where it is imported; its use
elsewhere is not traced. A double a test module makes itself is reported where the module
imports it, not again on the test. Across files, a double counts where a fixture or helper (or a
constructor or method they call) instantiates it: one that is only assigned (`Redis = FakeRedis`
in an `except ImportError:`) or handed over without a call is not followed, and TA102's
limitations on objects apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Set, Tuple

import libcst as cst

from testaudit.model import FileFacts, Finding, Location, Severity
from testaudit.names import attr_chain
from testaudit.pytest_model import LIBRARY_DOUBLES, mock_module
from testaudit.rule import Rule, compiled
from testaudit.rules._reach import Chain, Tracer, routes


@dataclass(frozen=True)
class Options:
    double_patterns: Tuple[str, ...] = field(default=(r"^(Mock|Fake|Stub|Dummy)[A-Z_]", r"Mock$"),
                                             metadata={"regex": True})
    categories: Tuple[str, ...] = ("integration", "e2e")


class HandRolledDouble(Rule):
    CODE = "TA103"
    NAME = "hand-rolled-double"
    SEVERITY = Severity.WARNING
    MESSAGE = "hand-rolled test double in an integration or e2e test"
    FILES = "test"
    APPLIES = "categories"
    KEEP_OPTIONS = ("categories",)
    Options = Options
    INVALID = (
        "# file: tests/integration/test_cache.py\n"
        "class FakeRedis:\n"
        "    def get(self, key):\n"
        "        return None\n\n"
        "def test_cache_miss():\n"
        "    assert load_profile(FakeRedis(), 'u1') is None\n",
        "# file: tests/e2e/test_chat.py\n"
        "from tests.doubles import MockWebSocket\n\n"
        "def test_chat_roundtrip():\n"
        "    assert send(MockWebSocket(), 'hi')\n",
    )
    VALID = (
        "# file: tests/unit/test_cache.py\n"
        "class FakeRedis:\n"
        "    def get(self, key):\n"
        "        return None\n\n"
        "def test_cache_miss():\n"
        "    assert load_profile(FakeRedis(), 'u1') is None\n",
        "# file: tests/integration/test_cache.py\n"
        "class MockingbirdSpecies:\n"
        "    name = 'mockingbird'\n\n"
        "def test_species(real_redis):\n"
        "    assert store(real_redis, MockingbirdSpecies.name)\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.imported: Dict[str, Tuple[cst.ImportAlias, int]] = {}
        self.alias_names: Set[int] = set()
        self.used: Set[str] = set()

    def _is_double(self, name: str, defined_here: bool = False) -> bool:
        """``defined_here``: a class this module defines is never the library's, even when it is
        named like one (a local `class Mock:`)."""
        return ((defined_here or name not in LIBRARY_DOUBLES)
                and any(compiled(p).search(name) for p in self.options.double_patterns))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self._is_double(node.name.value, defined_here=True):
            self.report(node.name, f"hand-rolled test double `{node.name.value}`; use the real service")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = attr_chain(node.module) if node.module is not None else ""
        if mock_module(module):
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.asname.name if alias.asname else alias.name
            if isinstance(local, cst.Name) and (self._is_double(alias.name.value) or self._is_double(local.value)):
                self.imported[local.value] = (alias, self.ctx.stmt_line())
                self.alias_names.add(id(local))
                self.alias_names.add(id(alias.name))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.imported and id(node) not in self.alias_names:
            self.used.add(node.value)

    def finish(self) -> None:
        for local, (alias, stmt) in sorted(self.imported.items()):
            if local in self.used:
                self.report(alias, f"hand-rolled test double `{local}` imported and used; use the real service",
                            stmt_line=stmt)

    @classmethod
    def keep(cls, finding: Finding, category: str, options: Any) -> bool:
        return category in options.categories

    @classmethod
    def project_findings(cls, project: Any, options: Any, severity: Severity) -> Iterable[Finding]:
        """Tests that get a double of another module through a fixture or helper."""
        patterns = [compiled(p) for p in options.double_patterns]

        def elsewhere(facts: FileFacts, chain: Chain) -> bool:
            """Reached through a fixture or helper, from another module than the test's, and not
            a class the test module imports by name (reported there, per file)."""
            steps, (path, _, _) = chain
            name = steps[-1].partition(" ")[0]
            return (len(steps) > 1 and path != facts.path
                    and not any(imp.local == name or imp.target.endswith("." + name) for imp in facts.imports))

        tracer = Tracer(project, mocks=False, double=lambda c: any(p.search(c.name) for p in patterns))
        for route in routes(project, tracer, options.categories, elsewhere):
            chain = (route.who, *route.steps)
            yield Finding(path=route.facts.path, code=cls.CODE, name=cls.NAME, severity=severity,
                          message=" → ".join(chain),
                          location=Location(route.line, route.column, route.line, route.end_column),
                          chain=chain, stmt_line=route.line)
