"""FileFacts: what one module tells the project graph (fixtures, requests, calls, mocks, bases).

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: cross-file rules (TA501 now, TA102 next) see the facts pytest would see
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

from conftest import write_project
from testaudit.api import facts_of
from testaudit.config import load_config

CONFTEST = '''
import pytest
import pytest_asyncio
from unittest.mock import MagicMock
import tests.helpers.factory as factory
from tests.helpers.factory import make_client as build

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("db")]


@pytest.fixture(autouse=True)
def env_guard():
    yield


@pytest.fixture(name="client", scope="module")
def _client_fixture(env_guard, tmp_path):
    return build(tmp_path)


@pytest_asyncio.fixture
async def llm(mocker):
    return MagicMock()


@pytest.fixture
def session():
    return factory.new_session()
'''

TEST = '''
import pytest
from unittest.mock import patch
from test_framework.base_integration_test import BaseIntegrationTest as Base


@pytest.mark.e2e
@pytest.mark.usefixtures("client")
class TestFlow(Base):
    pytestmark = pytest.mark.slow

    @pytest.fixture
    def local(self):
        return 1

    @pytest.mark.parametrize("client, n", [(1, 2)])
    @patch("app.x.y")
    def test_one(self, y, client, n, session, opt=3):
        assert session
'''


def test_facts_for_fixtures_requests_calls_and_mocks(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/conftest.py": CONFTEST, "tests/test_flow.py": TEST,
                             "tests/helpers/factory.py": "def make_client(p):\n    return p\n"})
    facts = facts_of([str(tmp_path)], load_config(tmp_path))
    conf = facts["tests/conftest.py"]
    assert conf.is_conftest and not conf.is_test_module
    assert conf.module_markers == ("integration",)
    assert conf.module_usefixtures == ("db",)
    fx = {f.fixture_name: f for f in conf.functions if f.kind == "fixture"}
    assert set(fx) == {"env_guard", "client", "llm", "session"}
    assert fx["env_guard"].autouse and not fx["client"].autouse
    assert fx["client"].name == "_client_fixture" and fx["client"].params == ("env_guard", "tmp_path")
    assert [m.what for m in fx["llm"].mock_sites] == ["MagicMock", "mocker"]
    assert [c.target for c in fx["client"].calls] == ["tests.helpers.factory.make_client"]
    assert [c.target for c in fx["session"].calls] == ["tests.helpers.factory.new_session"]

    test = facts["tests/test_flow.py"]
    (cls,) = test.classes
    assert cls.is_test_class and cls.markers == ("e2e", "slow") and cls.usefixtures == ("client",)
    assert cls.bases == ("test_framework.base_integration_test.BaseIntegrationTest",)
    funcs = {f.name: f for f in test.functions}
    assert funcs["local"].kind == "fixture" and funcs["local"].class_name == "TestFlow"
    one = funcs["test_one"]
    assert one.kind == "test" and one.params == ("y", "client", "n", "session")
    assert one.parametrized == ("client", "n")
    assert [m.what for m in one.mock_sites] == ["patch"]
    assert one.start_line < one.line  # decorators included in the span
