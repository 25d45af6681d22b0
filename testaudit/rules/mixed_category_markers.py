"""
## What it does
Reports a test whose category markers disagree:

- markers of two or more categories reach the same test, from any of the levels pytest applies
  them at: the function's decorators, its class (decorators or `pytestmark` in the class body,
  enclosing classes included) and the module's `pytestmark` — e.g. a module marked
  `pytest.mark.unit` holding a test marked `@pytest.mark.integration`;
- with `paths` on (the default), a test whose markers name one category while the nearest
  category directory of its path names another and no directory of its path names the
  marker's (`@pytest.mark.unit` on a test in `tests/integration/`; an `e2e` marker in
  `tests/e2e/integration/` agrees with one of its directories and is not reported).

Which markers and directories name which category is the project's `categories`
configuration (by default `e2e`, `integration`, `mission_critical`, `unit`), the same one that
decides every test's category. The same category marked at two levels, and markers that name
no category (`asyncio`, `slow`, `usefixtures`…), are fine, and so are the `combinable`
categories (by default `mission_critical`), which mark a test's priority on top of its kind:
`@pytest.mark.e2e` with `@pytest.mark.mission_critical` is an e2e test that is also mission
critical. One finding per test, on its name.

## Why is this bad?
A test's category decides which rules apply to it: no mocks in integration and e2e tests,
their base classes, the services they may assume. A test marked both `unit` and `integration`
is counted, selected (`pytest -m unit`) and policed as whichever marker wins, so the claim
"no mocks in integration tests" silently skips it, and a `unit` marker on a test in
`integration/` moves a real-service test out of the integration run. The reference corpus has
about 190 tests marked with two categories, typically after a generator stacked a module
`pytestmark` onto tests that already carried their own marker.

Severity is **error**: the marker is read by pytest's selection and by the policy, and one of
the two is wrong.

## Options
- `paths`: also report a marker that contradicts the test's directory (default true).
- `combinable`: categories whose markers and directories may accompany another category's
  without a finding (default `mission_critical`: in the reference codebase it tags e2e and
  integration tests as release-blocking — about 320 tests carry it beside their own category,
  and `tests/mission_critical/` holds tests of every kind). An empty list makes every pair of
  categories a conflict.

Categories, their markers, decorators (a project's own `@requires_aws`, listed in a category's
`decorators`, counts as a marker of that category) and their directories come from the top-level
`categories` table.

## Known limitations
Markers are read statically: a marker added by a `conftest.py` hook
(`pytest_collection_modifyitems`), by a fixture (`request.applymarker`), or through a variable
(`mark = pytest.mark.unit`, `@mark`) is not seen unless a category lists the variable in
`decorators`, nor one applied through `pytest.param(..., marks=...)` to a single parameter set.
Categories that base classes give a test are not compared with its markers (TA501 reports a
class on another category's base).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

from testaudit.model import FileFacts, Finding, FunctionFact, Location
from testaudit.rule import ProjectRule


@dataclass(frozen=True)
class Options:
    paths: bool = True
    combinable: Tuple[str, ...] = ("mission_critical",)


class MixedCategoryMarkers(ProjectRule):
    CODE = "TA804"
    NAME = "mixed-category-markers"
    MESSAGE = "test carries markers of two categories, or a marker that contradicts its path"
    FILES = "test"
    Options = Options
    INVALID = (
        "import pytest\n\npytestmark = pytest.mark.unit\n\n\n@pytest.mark.integration\n"
        "def test_orders_roundtrip(database):\n    assert database.orders.count() == 0\n",
        "# file: tests/integration/test_cache.py\nimport pytest\n\n\n@pytest.mark.unit\n"
        "def test_cache_hit(redis_client):\n    assert redis_client.get('k') is None\n",
    )
    VALID = (
        "import pytest\n\npytestmark = [pytest.mark.integration, pytest.mark.asyncio]\n\n\n"
        "@pytest.mark.integration\n@pytest.mark.slow\n"
        "async def test_orders_roundtrip(database):\n    assert await database.orders.count() == 0\n",
        "# file: tests/integration/test_cache.py\nimport pytest\n\n\n@pytest.mark.integration\n"
        "def test_cache_hit(redis_client):\n    assert redis_client.get('k') is None\n",
    )

    def check(self, project) -> Iterable[Finding]:
        for facts in project.test_modules():
            if not facts.parsed:
                continue
            for fn in facts.tests():
                message = self._judge(project, facts, fn)
                if message:
                    yield Finding(
                        path=facts.path, code=self.CODE, name=self.NAME, severity=self.severity, message=message,
                        location=Location(fn.line, fn.column, fn.line, fn.end_column), stmt_line=fn.start_line,
                    )

    def _judge(self, project, facts: FileFacts, fn: FunctionFact) -> Optional[str]:
        found: Dict[str, List[Tuple[str, str]]] = {}  # category -> [(marker, where)]
        combinable = set(self.options.combinable)
        for where, markers in self._levels(project, facts, fn):
            for marker in markers:
                category = project.categorizer.marker_category(marker)
                if category is not None and category not in combinable and (marker, where) not in found.get(category, []):
                    found.setdefault(category, []).append((marker, where))
        if len(found) >= 2:
            ordered = sorted(found, key=lambda c: -project.categorizer.rank.get(c, 0))
            parts = [f"`{found[c][0][0]}` ({found[c][0][1]})" for c in ordered]
            listed = ", ".join(parts[:-1]) + f" and {parts[-1]}"
            return f"test `{fn.name}` is marked with {len(found)} categories: {listed}; keep one"
        if len(found) == 1 and self.options.paths:
            (category, hits), = found.items()
            from_path = project.categorizer.from_path(facts.path)
            if from_path is not None and from_path != category and from_path not in combinable \
                    and not project.categorizer.path_names(facts.path, category):
                marker, where = hits[0]
                folder = project.categorizer.folder(facts.path)
                return (f"test `{fn.name}` is marked `{marker}` ({where}) but its path `{folder}/` makes it "
                        f"{from_path}; move it or fix the marker")
        return None

    @staticmethod
    def _levels(project, facts: FileFacts, fn: FunctionFact) -> List[Tuple[str, Tuple[str, ...]]]:
        levels: List[Tuple[str, Tuple[str, ...]]] = [("function", fn.markers)]
        if fn.class_name:
            parts = fn.class_name.split(".")
            for i in range(len(parts), 0, -1):  # the class, then the classes enclosing it
                cls = project.class_of(facts, ".".join(parts[:i]))
                if cls is not None:
                    levels.append((f"class `{cls.name}`", cls.markers))
        levels.append(("module pytestmark", facts.module_markers))
        return levels

