"""
## What it does
Checks the ancestry of every test class (a class matching pytest's `python_classes`, default
`Test*`, or any class holding `test*` methods), resolved through imports and project modules
by qualified name, against the approved base classes of its category. Reported:

- a class whose only test-framework base is forbidden (`unittest.TestCase`,
  `unittest.IsolatedAsyncioTestCase`, `test_framework.base.BaseTestCase` by default) — a
  forbidden base mixed with an approved one passes, and so does every class of a project that
  has none of the bases approved for its category (ansible's and localstack's `unittest` suites
  have no `SSotBaseTestCase` to move to);
- a class with a test-framework base (`unittest.*`) but none approved for its category, where
  the category requires one (by default integration and e2e), once its whole ancestry is
  resolved;
- a class whose approved base belongs to another category than its markers or path give it
  (an `e2e/` class on the integration base);
- with `require-base`, a plain pytest class: one whose ancestry holds no test-framework base
  (no base at all, or only plain project classes such as mixins).

## Why is this bad?
The approved base classes set up what the policy promises: real service connections, isolated
environments, cleanup, and the category's fixtures. A test class on `unittest.TestCase` or on
the wrong category's base silently runs without them, and two classes that merely share a name
(the reference codebase has two different `BaseIntegrationTest`s) are not the same base.

## Options
- `required`: category → qualified names of its approved bases (defaults: integration →
  `test_framework.base_integration_test.BaseIntegrationTest`, e2e →
  `test_framework.base_e2e_test.BaseE2ETest`).
- `accepted`: bases every category accepts (defaults: the SSOT bases
  `test_framework.ssot.base_test_case.SSotBaseTestCase` and `.SSotAsyncTestCase`).
- `forbidden`: bases that may not be a class's only test-framework base.
- `require-base`: also report plain pytest classes (default false).
- `strict-resolution`: report classes whose ancestry cannot be fully resolved (default false:
  an unresolvable ancestor is not guessed at, and the class passes).

## Known limitations
Bases are resolved statically through imports, re-exports from `__init__.py` and project
modules; a base chosen at run time (`class TestX(get_base()):`) is unresolvable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

from testaudit.categories import UNCATEGORIZED, default_required_bases
from testaudit.model import ClassFact, FileFacts, Finding, Location
from testaudit.rule import ProjectRule


@dataclass(frozen=True)
class Options:
    required: Dict[str, Tuple[str, ...]] = field(default_factory=default_required_bases)
    accepted: Tuple[str, ...] = ("test_framework.ssot.base_test_case.SSotBaseTestCase",
                                 "test_framework.ssot.base_test_case.SSotAsyncTestCase")
    forbidden: Tuple[str, ...] = ("unittest.TestCase", "unittest.IsolatedAsyncioTestCase",
                                  "test_framework.base.BaseTestCase")
    require_base: bool = False
    strict_resolution: bool = False


# external ancestors whose meaning is known: they end a chain without hiding an approved base
_STDLIB = ("builtins.", "unittest.", "abc.", "typing.", "object")


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class WrongBaseClass(ProjectRule):
    CODE = "TA501"
    NAME = "wrong-base-class"
    MESSAGE = "test class lacks an approved base class for its category"
    FILES = "test"
    APPLIES = "classes"
    Options = Options
    INVALID = (
        "# file: test_framework/base_integration_test.py\n"
        "class BaseIntegrationTest:\n"
        "    pass\n"
        "# file: tests/integration/test_orders.py\n"
        "import unittest\n\n"
        "class TestOrders(unittest.TestCase):\n"
        "    def test_place(self):\n"
        "        self.assertTrue(place_order())\n",
        "# file: test_framework/base_integration_test.py\n"
        "class BaseIntegrationTest:\n"
        "    pass\n"
        "# file: tests/e2e/test_checkout.py\n"
        "from test_framework.base_integration_test import BaseIntegrationTest\n\n"
        "class TestCheckout(BaseIntegrationTest):\n"
        "    def test_pay(self):\n"
        "        assert pay()\n",
    )
    VALID = (
        "# file: test_framework/base_integration_test.py\n"
        "class BaseIntegrationTest:\n"
        "    pass\n"
        "# file: tests/integration/test_orders.py\n"
        "from test_framework.base_integration_test import BaseIntegrationTest\n\n"
        "class TestOrders(BaseIntegrationTest):\n"
        "    def test_place(self):\n"
        "        assert place_order()\n",
        "# file: tests/integration/test_plain.py\n"
        "class TestPlain:\n"
        "    def test_place(self):\n"
        "        assert place_order()\n",
    )

    def check(self, project) -> Iterable[Finding]:
        for facts in project.test_modules():
            for cls in facts.classes:
                if not cls.is_test_class:
                    continue
                message = self._judge(project, facts, cls)
                if message:
                    yield Finding(
                        path=facts.path, code=self.CODE, name=self.NAME, severity=self.severity, message=message,
                        location=Location(cls.line, cls.column, cls.line, cls.end_column),
                        category=project.class_category(facts, cls), stmt_line=cls.line,
                    )

    def _judge(self, project, facts: FileFacts, cls: ClassFact) -> Optional[str]:
        opts: Options = self.options
        ancestry = project.ancestry(facts, cls)
        ancestors = ancestry.ancestors
        category = project.class_category(facts, cls, use_bases=False)
        by_base: Dict[str, str] = {b: cat for cat, bases in opts.required.items() for b in bases}
        approved = [a for a in ancestors if a in by_base or a in opts.accepted]
        own = opts.required.get(category, ())
        wrong = [a for a in approved if a in by_base and by_base[a] != category]
        if wrong and category != UNCATEGORIZED and not any(a in own for a in approved):
            return (f"{category} test class `{cls.name}` uses the {by_base[wrong[0]]} base "
                    f"`{_short(wrong[0])}`; use {self._approved_names(category)}")
        if approved:
            return None
        known = set(by_base) | set(opts.accepted) | set(opts.forbidden)
        opaque = [a for a in ancestors if a not in known and project.graph.is_external(a)
                  and not a.startswith(_STDLIB)]
        complete = ancestry.complete and not opaque
        if not complete and not opts.strict_resolution:
            return None
        use = self._approved_names(category)
        forbidden = [a for a in ancestors if a in opts.forbidden]
        if forbidden and not self._in_project(project, category):
            return None  # the project has none of the bases the message would ask for: nothing to move to
        if forbidden:
            via = "" if forbidden[0] in cls.bases else f" (via `{self._direct_base(project, facts, cls, forbidden[0])}`)"
            return f"test class `{cls.name}` has only a forbidden test base `{forbidden[0]}`{via}; use {use}"
        if not complete:
            what = (ancestry.unresolved or tuple(opaque))[0]
            return f"test class `{cls.name}`: base `{what}` cannot be resolved (strict-resolution); use {use}"
        # A class whose ancestry holds no test-framework base at all (no base, or only plain
        # project classes such as mixins or a plain `TestFlows` it extends) is a plain pytest
        # class: it passes unless require-base is on.
        framework = [a for a in ancestors if a.startswith("unittest.")]
        if not framework:
            if opts.require_base:
                return f"test class `{cls.name}` has no test-framework base class; use {use}"
            return None
        if own or opts.require_base:
            return f"test class `{cls.name}` lacks an approved {category} base; use {use}"
        return None

    @staticmethod
    def _direct_base(project, facts: FileFacts, cls: ClassFact, target: str) -> str:
        """The direct base of ``cls`` through which ``target`` is inherited."""
        graph = project.graph
        for base in cls.bases:
            resolved = graph.resolve(base) if not base.startswith("?") else None
            if resolved and (resolved == target or target in graph.ancestry(resolved).ancestors):
                return resolved
        return cls.bases[0] if cls.bases else target

    def _in_project(self, project, category: str) -> bool:
        """Whether one of the bases approved for ``category`` is a class of the project."""
        names = tuple(self.options.required.get(category, ())) + tuple(self.options.accepted)
        return any(project.graph.class_fact(n) is not None for n in names)

    def _approved_names(self, category: str) -> str:
        names: List[str] = list(self.options.required.get(category, ())) + list(self.options.accepted)
        return " or ".join(f"`{_short(n)}`" for n in names) or "an approved base"
