"""pytest fixture resolution on facts (the foundation TA102 builds on).

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: mocks reached through conftest fixtures can be traced the way pytest resolves them
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

from conftest import write_project
from testaudit.api import facts_of
from testaudit.config import load_config
from testaudit.fixtures import FixtureIndex, requested

ROOT_CONFTEST = '''
import pytest

@pytest.fixture
def db():
    return "root-db"

@pytest.fixture(autouse=True)
def guard():
    yield

@pytest.fixture
def client(db):
    return db
'''
NEAR_CONFTEST = '''
import pytest

@pytest.fixture
def client(client):
    return client

@pytest.fixture(name="db")
def _near_db():
    return "near-db"
'''
TEST = '''
import pytest

@pytest.fixture
def local(client):
    return client

@pytest.mark.usefixtures("db")
class TestA:
    @pytest.fixture
    def client(self):
        return 1

    @pytest.mark.parametrize("local", [1])
    def test_one(self, client, local, tmp_path):
        assert client

def test_two(client, local):
    assert local
'''


def _index(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_project(tmp_path, {"tests/conftest.py": ROOT_CONFTEST, "tests/integration/conftest.py": NEAR_CONFTEST,
                             "tests/integration/test_a.py": TEST})
    facts = facts_of([str(tmp_path)], load_config(tmp_path))
    return FixtureIndex(facts.values()), facts["tests/integration/test_a.py"]


def test_nearest_definition_wins_and_self_request_gets_the_parent(tmp_path: Path) -> None:
    index, module = _index(tmp_path)
    scopes = index.scopes(module.path)
    near = index.resolve("client", scopes)
    assert near is not None and near.where == "tests/integration/conftest.py:5"
    parent = index.resolve("client", scopes, skip=near)
    assert parent is not None and parent.where == "tests/conftest.py:13"
    assert index.resolve("db", scopes).where == "tests/integration/conftest.py:9"  # name= wins
    assert index.resolve("tmp_path", scopes) is None  # plugin fixture: unknown


def test_class_fixtures_shadow_and_parametrize_shadows(tmp_path: Path) -> None:
    index, module = _index(tmp_path)
    tests = {t.name: t for t in module.tests()}
    cls = module.classes[0]
    assert requested(tests["test_one"], cls, module) == ["client", "tmp_path", "db"]
    scopes = index.scopes(module.path, [(module.path, cls.qualname)])
    assert index.resolve("client", scopes).where == "tests/integration/test_a.py:11"
    assert requested(tests["test_two"], None, module) == ["client", "local"]


def test_autouse_in_scope(tmp_path: Path) -> None:
    index, module = _index(tmp_path)
    assert [f.name for f in index.autouse(index.scopes(module.path))] == ["guard"]
    assert index.autouse(index.scopes("other/test_b.py")) == []
