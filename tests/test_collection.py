"""pytest's collection, read statically: its configuration file and the tests one module yields.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams whose pytest configuration renames test files or classes)
- Business Goal: Stability
- Value Impact: testaudit sees the same test modules, classes and tests that pytest runs
- Strategic Impact: counts and findings that match pytest are counts and findings people trust
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

from conftest import run_project, write_project
from testaudit.collection import PytestSettings, collected_tests, find_pytest_settings
from testaudit.config import load_config
from testaudit.model import ClassFact, FileFacts


def files(root: Path, contents: Dict[str, str]) -> Path:
    for rel, text in contents.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


PYPROJECT_PYTEST = '[tool.pytest.ini_options]\npython_classes = ["Test*", "*Tests"]\npython_functions = "test_* check_*"\n'


@pytest.mark.parametrize(("contents", "expected_table", "classes"), [
    ({"pyproject.toml": PYPROJECT_PYTEST}, "tool.pytest.ini_options", ("Test*", "*Tests")),
    ({"pytest.ini": "[pytest]\npython_classes = Suite* *Tests\n"}, "pytest", ("Suite*", "*Tests")),
    ({"tox.ini": "[tox]\nenvlist = py311\n[pytest]\npython_classes = Check\n"}, "pytest", ("Check",)),
    ({"setup.cfg": "[metadata]\nname = x\n[tool:pytest]\npython_classes =\n    Spec\n    *Spec\n"}, "tool:pytest",
     ("Spec", "*Spec")),
    ({"pyproject.toml": '[tool.pytest]\npython_classes = ["Native*"]\n'}, "tool.pytest", ("Native*",)),
])
def test_each_file_pytest_reads(tmp_path: Path, contents: Dict[str, str], expected_table: str,
                                classes: Tuple[str, ...]) -> None:
    settings = find_pytest_settings(files(tmp_path, contents))
    assert settings.table == expected_table and settings.python_classes == classes
    assert settings.problem is None


def test_precedence_is_pytests(tmp_path: Path) -> None:
    """pytest.ini wins even when empty; a pyproject.toml without a pytest table, a tox.ini
    without [pytest] and a setup.cfg without [tool:pytest] are passed over; the nearest directory
    holding a pytest configuration governs."""
    root = files(tmp_path / "repo", {
        "setup.cfg": "[tool:pytest]\npython_classes = FromSetupCfg\n",
        "tox.ini": "[pytest]\npython_classes = FromTox\n",
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
        "svc/pyproject.toml": '[project]\nname = "svc"\n',
    })
    assert find_pytest_settings(root).python_classes == ("FromTox",)
    assert find_pytest_settings(root / "svc").python_classes == ("FromTox",)  # up to the parent
    (root / "pytest.ini").write_text("", encoding="utf-8")
    settings = find_pytest_settings(root / "svc")
    assert settings.path == str(root / "pytest.ini") and settings.python_classes is None
    assert settings.value("python_classes") == ("Test",)  # pytest's default


def test_markers_and_testpaths(tmp_path: Path) -> None:
    settings = find_pytest_settings(files(tmp_path, {"pytest.ini": (
        "[pytest]\ntestpaths = tests integration\nmarkers =\n    slow: takes long\n"
        "    env(name): run only on env\n    integration\n")}))
    assert settings.markers == ("slow", "env", "integration")
    assert settings.testpaths == ("tests", "integration")


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("pytest.ini", "[pytest\npython_classes = X\n", "cannot read pytest's configuration"),
    ("pyproject.toml", "[tool.testaudit]\n[tool.pytest.ini_options]\npython_classes = 3\n",
     "`python_classes` is neither a string nor a list of strings"),
])
def test_an_unusable_file_is_a_warning_and_pytests_defaults_apply(tmp_path: Path, name: str, text: str,
                                                                  problem: str) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"})
    files(root, {name: text})
    result = run_project(root)
    assert [(w.path, w.message.startswith(problem)) for w in result.warnings] == [
        (name + (" [tool.pytest.ini_options]" if name == "pyproject.toml" else ""), True)]
    assert [m.path for m in result.modules] == ["tests/test_a.py"]  # pytest's defaults apply


def test_testaudits_own_keys_win_and_origins_say_where_each_value_came_from(tmp_path: Path) -> None:
    root = write_project(tmp_path, {}, 'python-functions = ["should_*"]\n')
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text(encoding="utf-8") + PYPROJECT_PYTEST,
                                         encoding="utf-8")
    config = load_config(root)
    assert config.python_classes == ("Test*", "*Tests") and config.python_functions == ("should_*",)
    assert config.test_files == ("test_*.py", "*_test.py")
    assert dict(config.origins) == {
        "python-classes": "pyproject.toml [tool.pytest.ini_options] (python_classes)",
        "python-functions": "pyproject.toml (testaudit)",
        "test-files": "pytest's default",
    }


NO_BVJ_CHECK = "def check_login():\n    assert True is not False\n"


def test_pytests_python_files_and_functions_reach_the_rules(tmp_path: Path) -> None:
    """`check_*.py` files are pytest's test modules here, and `check_*` functions its tests:
    TA401 (every test module needs a BVJ) sees the module, and the count sees the test."""
    root = write_project(tmp_path, {"tests/check_login.py": NO_BVJ_CHECK})
    assert run_project(root).modules == ()  # not a test module under pytest's defaults
    files(root, {"pytest.ini": "[pytest]\npython_files = check_*.py\npython_functions = check_\n"})
    result = run_project(root)
    assert [m.path for m in result.modules] == ["tests/check_login.py"]
    assert "TA401" in {f.code for f in result.findings}


def test_a_pytest_configuration_change_is_not_served_stale_from_the_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/check_login.py": NO_BVJ_CHECK})
    assert run_project(root, cache=True).modules == ()
    files(root, {"pytest.ini": "[pytest]\npython_files = check_*.py\n"})
    assert [m.path for m in run_project(root, cache=True).modules] == ["tests/check_login.py"]


# -- the tests one module yields ----------------------------------------------------------------
MODULE = '''
import pytest
import unittest


def test_plain():
    assert 1


def helper():
    return 1


def test_plain():  # rebound: pytest sees one test_plain
    assert 2


@pytest.mark.parametrize("x", [1, 2, 3])
@pytest.mark.parametrize("y", [pytest.param(1), 2])
def test_grid(x, y):
    assert x and y


@pytest.mark.parametrize("x", list(range(4)))
def test_computed(x):
    assert x is not None


class TestBilling:
    def test_charge(self):
        assert 1

    def helper(self):
        return 1

    class TestNested:
        def test_inner(self):
            assert 1


class BillingTests(Base):
    def test_refund(self):
        assert 1


class TestWithInit:
    def __init__(self):
        self.x = 1

    def test_never_collected(self):
        assert self.x


class TestWithNew:  # pytest refuses a `__new__` constructor too
    def __new__(cls):
        return super().__new__(cls)

    def test_never_collected_either(self):
        assert self


class TestInterface:  # `__test__ = False`: a D-Bus service double, whose methods are not tests
    __test__ = False

    def test_signal(self, value):
        return value


class Legacy(unittest.TestCase):
    def test_old(self):
        self.assertTrue(True)

    def testNoUnderscore(self):
        self.assertTrue(True)
'''
BASE = '''
class Base:
    def test_inherited(self):
        assert 1

    def test_refund(self):  # overridden by BillingTests
        assert 0
'''


def _facts(tmp_path: Path, python_classes: Sequence[str]) -> Dict[str, FileFacts]:
    from testaudit.api import facts_of

    pytest_ini = f"[pytest]\npython_classes = {' '.join(python_classes)}\npython_functions = test_\n"
    root = write_project(tmp_path, {"tests/test_billing.py": "from tests.base import Base\n" + MODULE,
                                    "tests/base.py": BASE, "pytest.ini": pytest_ini})
    return facts_of([str(root)], load_config(root))


def _ancestry(all_facts: Dict[str, FileFacts]):  # type: ignore[no-untyped-def]
    classes = {f"{f.module}.{c.qualname}": (c, f) for f in all_facts.values() for c in f.classes}

    def ancestry(cls: ClassFact) -> List[Tuple[ClassFact, FileFacts]]:
        return [classes[b] for b in cls.bases if b in classes]

    return ancestry


def test_what_pytest_collects_from_one_module(tmp_path: Path) -> None:
    all_facts = _facts(tmp_path, ["Test", "*Tests"])
    facts = all_facts["tests/test_billing.py"]
    tests = collected_tests(facts, ("Test", "*Tests"), ("test_",), _ancestry(all_facts))
    assert [(t.node_id.split("::", 1)[1], t.cases) for t in tests] == [
        ("test_plain", 1), ("test_grid", 6), ("test_computed", 0), ("TestBilling::test_charge", 1),
        ("BillingTests::test_refund", 1), ("BillingTests::test_inherited", 1),
        ("Legacy::test_old", 1), ("Legacy::testNoUnderscore", 1),
    ]
    # the refund pytest runs is BillingTests' own, not the base's
    assert next(t for t in tests if t.node_id.endswith("test_refund")).function.qualname == "BillingTests.test_refund"
    # pytest's default python_classes: BillingTests is not a test class
    default = collected_tests(facts, ("Test",), ("test",), _ancestry(all_facts))
    assert not any("BillingTests" in t.node_id for t in default)


def test_a_module_that_does_not_parse_yields_no_tests() -> None:
    broken = FileFacts("tests/test_x.py", "tests.test_x", True, False, parsed=False)
    assert collected_tests(broken, ("Test",), ("test",)) == ()


def test_settings_defaults() -> None:
    assert PytestSettings().value("python_files") == ("test_*.py", "*_test.py")
    assert PytestSettings().where() == "pytest's defaults"
