"""
## What it does
Reports test doubles from a mocking library used inside an integration or e2e test, the test's
class, or module-level code of a test module whose tests are integration or e2e (a fixture
defined in the test module is module code):

- imports of `unittest.mock`, `mock`, `pytest_mock`, `asynctest` in any form, including
  function-local imports — only when nothing else in the file is reported, so one mock is not
  counted twice;
- calls and decorators of `Mock`, `MagicMock`, `AsyncMock`, `NonCallableMock`, `PropertyMock`,
  `create_autospec`, `mock_open`, `patch`, `patch.object`, `patch.dict`, `patch.multiple`,
  however reached (`mock.patch`, `unittest.mock.patch`, an alias, a star import);
- the pytest-mock fixtures `mocker`, `class_mocker`, `module_mocker`, `session_mocker` as test or
  fixture parameters (calls made through them are covered by the parameter's finding).

## Why is this bad?
An integration test exists to prove that real components work together. A mock replaces the
very collaboration under test with the test author's belief about it, so the test keeps passing
when the real service, schema or protocol changes. Suites that report "100% real services"
while patching their clients are the failure this rule makes visible.

## Options
- `categories`: the test categories checked (default `integration`, `e2e`).
- `external-targets`: regexes of patch targets (searched in the target's dotted name, such as
  `"app.llm.client.OpenAIClient"` or `patch.object(httpx.AsyncClient, "post")`) that may be
  mocked in integration tests but never in e2e tests: paid or third-party APIs.
- `unit`: also report mocks in unit tests unless they are justified (default off).
- `justification-markers`: a comment or decorator on the line right above the mock (or on its
  line) that justifies it; only matters where `unit` is on.
- `monkeypatch`: also report `monkeypatch.setattr` / `monkeypatch.setitem` (default off).

A mocking library a project module re-exports (`from awscli.testutils import mock`, where
`testutils` does `import mock`) is followed through the project's modules: `mock.MagicMock()`
and `@mock.patch(...)` in a test function are reported at their line, with the module they came
through (`external-targets` apply as above; a patch whose target no literal names is reported
in e2e tests only).

## Known limitations
A double created in a helper module or a `conftest.py` fixture is TA102's business, not
TA101's. Names are resolved through imports only; a mock class passed around as a value is not
followed. Through a re-export, only calls inside functions are seen (not module-level code), only
under the library's own names (`mock.patch`, `MagicMock`; not a re-export renamed `patched`),
and `unit` does not apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import libcst as cst

from testaudit.model import Finding, Location, Severity
from testaudit.names import CST, attr_chain, dotted, named_params
from testaudit.pytest_model import (
    MOCK_NAMES, MOCKER_FIXTURES, mock_module, mock_name, patch_args, patch_target, resolve_with_stars,
)
from testaudit.rule import Rule, compiled

_PATCHES = frozenset({"patch", "patch.object", "patch.dict", "patch.multiple"})
_DOUBLE_TAILS = frozenset(name.rpartition(".")[2] for name in MOCK_NAMES)  # `patch.object` → `object`


def _external(target: Optional[str], options: Any) -> bool:
    """A patch of a paid or third-party API (``external-targets``): allowed in integration tests."""
    return target is not None and target != "" and any(compiled(p).search(target) for p in options.external_targets)


@dataclass(frozen=True)
class Options:
    categories: Tuple[str, ...] = ("integration", "e2e")
    external_targets: Tuple[str, ...] = field(
        default=(r"(?i)(openai|anthropic|llm|oauth|httpx|requests|aiohttp|stripe|boto)",), metadata={"regex": True})
    unit: bool = False
    justification_markers: Tuple[str, ...] = ("# Mock justification:", "@mock_justified")
    monkeypatch: bool = False


class MockInIntegration(Rule):
    CODE = "TA101"
    NAME = "mock-in-integration"
    MESSAGE = "mock used in an integration or e2e test"
    FILES = "test"
    APPLIES = "categories"
    KEEP_OPTIONS = ("categories", "unit")
    Options = Options
    INVALID = (
        "# file: tests/integration/test_orders.py\n"
        "from unittest.mock import MagicMock, patch\n\n"
        "@patch('app.orders.repository.OrderRepository.save')\n"
        "def test_place_order(save):\n"
        "    payment = MagicMock()\n"
        "    assert place_order(payment) is not None\n",
        "# file: tests/e2e/test_checkout.py\n"
        "def test_checkout(mocker):\n"
        "    mocker.patch('app.payments.stripe_client.charge')\n"
        "    assert checkout() == 'ok'\n",
    )
    VALID = (
        "# file: tests/integration/test_orders.py\n"
        "def test_place_order(real_db):\n"
        "    assert place_order(real_db, amount=10).status == 'placed'\n",
        "# file: tests/unit/test_pricing.py\n"
        "from unittest.mock import MagicMock\n\n"
        "def test_discount():\n"
        "    assert discount(MagicMock(total=100)) == 10\n",
        "# file: tests/integration/test_llm.py\n"
        "from unittest.mock import patch\n\n"
        "@patch('app.llm.openai_client.complete')\n"
        "def test_summary_uses_llm(complete):\n"
        "    assert summarize('text')\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        src = self.ctx.source
        self.active = "mock" in src.lower() or "patch" in src or (self.options.monkeypatch and "monkeypatch" in src)
        self.calls: List[Tuple[cst.Call, str, int]] = []

    # -- imports: reported only if nothing else in the file is (see reduce) ----------------------
    def visit_Import(self, node: cst.Import) -> None:
        if self.active:
            for alias in node.names:
                module = attr_chain(alias.name)
                if mock_module(module):
                    self.report(node, f"imports mocking library `{module}`", tags=("import",))
                    return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not self.active or node.relative or node.module is None:
            return
        module = attr_chain(node.module)
        names = [] if isinstance(node.names, cst.ImportStar) else [
            a.name.value for a in node.names if isinstance(a.name, cst.Name)]
        if mock_module(module) or any(mock_module(f"{module}.{n}") for n in names):
            self.report(node, f"imports from mocking library `{module}`", tags=("import",))

    # -- calls and decorators, resolved at the end when every import is known ------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self.active:
            name = dotted(node.func)
            if name:
                self.calls.append((node, name, self.ctx.stmt_line()))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.active:
            return
        for param in named_params(node.params):
            if param.name.value in MOCKER_FIXTURES:
                first = self.ctx.line_of(node.decorators[0]) if node.decorators else self.ctx.line_of(node)
                self.report(param.name, f"pytest-mock fixture `{param.name.value}` requested",
                            tags=self._justified(first, self.ctx.line_of(node)))

    def finish(self) -> None:
        for node, name, stmt in self.calls:
            if self.options.monkeypatch and name in ("monkeypatch.setattr", "monkeypatch.setitem"):
                self.report(node, f"`{name}` used as a mock", stmt_line=stmt,
                            tags=self._justified(stmt, self.ctx.line_of(node)))
                continue
            what = mock_name(resolve_with_stars(self.ctx.imports, name))
            if what is None:
                continue
            tags = list(self._justified(stmt, self.ctx.line_of(node)))
            target = self._patch_target(node, what)
            if _external(target, self.options):
                tags.append("external")
            shown = f"{what}({target!r})" if target else f"{what}()"
            self.report(node, f"mock `{shown}` in a test that must use real services", stmt_line=stmt,
                        tags=tuple(tags))
        # an import is a finding only when nothing else in the file is (whatever the category of
        # the other use: a mock kept for a unit test or an allowed external patch explains it)
        if any("import" not in f.tags for f in self.findings):
            self.findings = [f for f in self.findings if "import" not in f.tags]

    def _patch_target(self, node: cst.Call, what: str) -> Optional[str]:
        return patch_target(what, patch_args(node, CST), self.ctx.imports.resolve) if what in _PATCHES else None

    def _justified(self, *starts: int) -> Tuple[str, ...]:
        """'justified' when a justification marker sits on the line or right above it."""
        lines = self.ctx.lines
        for number in {n for s in starts for n in (s, s - 1)}:
            if 0 < number <= len(lines) and any(m in lines[number - 1] for m in self.options.justification_markers):
                return ("justified",)
        return ()

    @classmethod
    def project_findings(cls, project: Any, options: Any, severity: Severity) -> Iterable[Finding]:
        """Doubles of a mocking library that a project module re-exports, called in test functions."""
        graph = project.graph
        categories = set(options.categories)
        resolved: Dict[str, Optional[Tuple[str, str, str]]] = {}  # call target → (double, library, module)

        def double(target: str) -> Optional[Tuple[str, str, str]]:
            if target.rpartition(".")[2] not in _DOUBLE_TAILS:
                return None  # most calls: resolving each through the project cost seconds on a large one
            if target not in resolved:
                module = graph.project_module(target)  # None: outside the project, judged per file
                name = graph.resolve(target) if module is not None else None
                what = mock_name(name)
                resolved[target] = (what, mock_module(name) or "", module) if what and name and module else None
            return resolved[target]

        for facts in project.test_modules():
            seen: Set[int] = set()
            for fn in facts.functions:
                for call in fn.calls:
                    found = double(call.target) if call.line not in seen else None
                    if found is None:
                        continue
                    what, library, module = found
                    category = project.category_at(facts, call.line)[0]
                    target = call.patches if what in _PATCHES else None
                    # an allowed external patch, or one whose target no literal names (which could
                    # be one): reported in e2e tests only
                    allowed = what in _PATCHES and (target is None or _external(target, options))
                    if category not in categories or (allowed and category != "e2e"):
                        continue
                    seen.add(call.line)
                    shown = f"{what}({target!r})" if target else f"{what}()"
                    yield Finding(path=facts.path, code=cls.CODE, name=cls.NAME, severity=severity,
                                  message=f"mock `{shown}` in a test that must use real services "
                                          f"(`{library}`, re-exported by `{module}`)",
                                  location=Location(call.line, 1, call.line, 1), stmt_line=call.line)

    @classmethod
    def keep(cls, finding: Finding, category: str, options: Any) -> bool:
        if category in options.categories:
            return not ("external" in finding.tags and category != "e2e")
        if options.unit and category == "unit":
            return "justified" not in finding.tags
        return False

