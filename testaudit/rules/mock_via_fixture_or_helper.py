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
decorated functions and calls unpacking `*args`/`**kwargs` are taken to bind), nor what sits
under `if <parameter>:` when the parameter defaults to `False` or `None` and the call does not
pass it (`def connect(self, mock_mode=False): if mock_mode: ...` called as `client.connect()`;
passed by keyword or position, it is followed, whatever the value). A double made only in an `except ImportError:` handler of a `try:` that
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
from typing import Any, Iterable, Tuple

from testaudit.model import FileFacts, Finding, Location
from testaudit.rule import ProjectRule
from testaudit.rules._reach import Chain, Tracer, imports_all, routes


@dataclass(frozen=True)
class Options:
    categories: Tuple[str, ...] = ("integration", "e2e")


def _elsewhere(facts: FileFacts, chain: Chain) -> bool:
    """A mock in another file (the test module's own are TA101's), unless it is made only when
    an import the test module makes itself fails."""
    return chain[1][0] != facts.path and not imports_all(facts, chain[1][2])


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
        for route in routes(project, Tracer(project), self.options.categories, _elsewhere):
            yield self._finding(route.facts, route.line, route.column, route.end_column, route.who, route.steps)

    def _finding(self, facts: FileFacts, line: int, column: int, end_column: int, who: str,
                 steps: Tuple[str, ...]) -> Finding:
        chain = (who, *steps)
        return Finding(path=facts.path, code=self.CODE, name=self.NAME, severity=self.severity,
                       message=" → ".join(chain), location=Location(line, column, line, end_column),
                       chain=chain, stmt_line=line)
