"""A run that names a support file reports what its change does to the tests reaching it (issue 31).

Business Value Justification (BVJ):
- Segment: teams running testaudit as a pre-commit hook
- Business Goal: Stability
- Value Impact: a commit that turns a shared fixture into a MagicMock is stopped before it lands
- Strategic Impact: the cross-file rules do not go blind in the hook, where tests are written
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
from click.testing import CliRunner

from conftest import write_project
from testaudit.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BVJ = ('"""Orders.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: orders\n- Strategic Impact: revenue\n"""\n')
CONFTEST = "import pytest\n\nfrom app.client import Client\n\n\n@pytest.fixture\ndef client():\n    return Client()\n"
MOCKING_CONFTEST = ("import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\n"
                    "def client():\n    return MagicMock()\n")
HELPER = "from app.client import Client\n\n\ndef make_client():\n    return Client()\n"
PATCHING_HELPER = ("from unittest.mock import MagicMock\n\n\ndef make_client():\n    return MagicMock()\n")
BASE = ("import unittest\n\nfrom app.client import Client\n\n\nclass BaseIntegrationTest(unittest.TestCase):\n"
        "    def setUp(self):\n        self.client = Client()\n")
MOCKING_BASE = ("import unittest\nfrom unittest.mock import MagicMock\n\n\n"
                "class BaseIntegrationTest(unittest.TestCase):\n    def setUp(self):\n        self.client = MagicMock()\n")


def uses_client(n: int) -> str:
    return BVJ + f"\n\ndef test_orders_{n}(client):\n    assert client.orders() == []\n"


def uses_helper() -> str:
    return BVJ + ("from tests.helpers.clients import make_client\n\n\n"
                  "def test_helper():\n    assert make_client().orders() == []\n")


def uses_base() -> str:
    return BVJ + ("from tests.base import BaseIntegrationTest\n\n\nclass TestOrders(BaseIntegrationTest):\n"
                  "    def test_base(self):\n        assert self.client.orders() == []\n")


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",  # testaudit: ignore[TA301] (subprocess env)
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def committed(tmp_path: Path, files: Dict[str, str], tests: int = 2) -> Path:
    base = {"app/__init__.py": "", "app/client.py": "class Client:\n    def orders(self):\n        return []\n",
            "tests/__init__.py": "", "tests/integration/__init__.py": "", "tests/helpers/__init__.py": "",
            "tests/integration/conftest.py": CONFTEST, "tests/helpers/clients.py": HELPER, "tests/base.py": BASE,
            "tests/integration/test_helper.py": uses_helper(), "tests/integration/test_base.py": uses_base(),
            "tests/unit/conftest.py": "import pytest\n", "tests/unit/test_unit.py": uses_client(0)}
    base.update({f"tests/integration/test_orders_{i}.py": uses_client(i) for i in range(tests)})
    base.update(files)
    root = write_project(tmp_path / "repo", base)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "start")
    return root


def check(root: Path, *args: str) -> "tuple[int, str]":
    res = CliRunner().invoke(main, ["check", *args, "--format", "concise", "--no-cache"], catch_exceptions=False)
    return res.exit_code, res.output


def edit(root: Path, rel: str, text: str) -> str:
    (root / rel).write_text(text, encoding="utf-8")
    return str(root / rel)


def lines_with(output: str, code: str) -> List[str]:
    return [line for line in output.splitlines() if f": {code} " in line]


def test_a_conftest_fixture_that_starts_mocking_fails_the_run_on_the_tests_requesting_it(tmp_path: Path) -> None:
    root = committed(tmp_path, {})
    conftest = edit(root, "tests/integration/conftest.py", MOCKING_CONFTEST)
    code, out = check(root, conftest)
    assert code == 1
    found = lines_with(out, "TA102")
    assert [line.split(":")[0] for line in found] == [
        f"tests/integration/test_orders_{i}.py" for i in range(2)]
    assert found[0].endswith("test_orders_0 → fixture client (tests/integration/conftest.py:6) → MagicMock "
                             "[affected by the change to tests/integration/conftest.py]")
    assert "tests/unit/" not in out  # its own conftest: the integration one does not reach it
    assert check(root, conftest, "--no-affected")[1].count("TA102") == 0


@pytest.mark.parametrize(("support", "text", "affected"), [
    ("tests/helpers/clients.py", PATCHING_HELPER, "tests/integration/test_helper.py"),  # a helper starts patching
    ("tests/base.py", MOCKING_BASE, "tests/integration/test_base.py"),  # a base class's setUp starts mocking
])
def test_a_helper_or_base_class_that_starts_mocking(tmp_path: Path, support: str, text: str, affected: str) -> None:
    root = committed(tmp_path, {})
    code, out = check(root, edit(root, support, text))
    assert code == 1
    assert [line.split(":")[0] for line in lines_with(out, "TA102")] == [affected]
    assert f"[affected by the change to {support}]" in out


def test_an_unrelated_or_unchanged_support_file_reports_nothing_about_other_tests(tmp_path: Path) -> None:
    root = committed(tmp_path, {})
    unchanged = str(root / "tests/integration/conftest.py")
    assert check(root, unchanged) == (0, "")
    unrelated = edit(root, "tests/unit/conftest.py", "import pytest\n\n\n@pytest.fixture\ndef other():\n    return 1\n")
    assert check(root, unrelated) == (0, "")


def test_findings_the_tests_already_had_are_not_blamed_on_the_change(tmp_path: Path) -> None:
    """test_orders_0 already reaches a MagicMock through `client` at HEAD; a change that adds a
    second mocking fixture blames only the test that newly reaches one."""
    root = committed(tmp_path, {"tests/integration/conftest.py": MOCKING_CONFTEST,
                                "tests/integration/test_orders_1.py": BVJ + "\n\ndef test_orders_1(db):\n    assert db\n"})
    conftest = edit(root, "tests/integration/conftest.py",
                    MOCKING_CONFTEST + "\n\n@pytest.fixture\ndef db():\n    return MagicMock()\n")
    code, out = check(root, conftest)
    assert code == 1
    assert [line.split(":")[0] for line in lines_with(out, "TA102")] == ["tests/integration/test_orders_1.py"]


def test_a_fixture_used_by_many_tests_keeps_the_output_short(tmp_path: Path) -> None:
    root = committed(tmp_path, {}, tests=60)
    conftest = edit(root, "tests/integration/conftest.py", MOCKING_CONFTEST)
    res = CliRunner().invoke(main, ["check", conftest, "--no-cache"], catch_exceptions=False)
    assert res.exit_code == 1
    assert res.output.count("[affected by the change to tests/integration/conftest.py]") == 10  # in full
    assert "… and 40 more files with 40 findings" in res.output  # ten listed one line each, the rest counted
    assert len(res.output.splitlines()) < 80


def test_with_a_baseline_only_new_affected_findings_fail(tmp_path: Path) -> None:
    root = committed(tmp_path, {})
    conftest = edit(root, "tests/integration/conftest.py", MOCKING_CONFTEST)
    runner = CliRunner()
    # the team accepts today's state of the whole tree into the baseline...
    res = runner.invoke(main, ["baseline", str(root), "--no-cache"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    code, out = check(root, conftest)
    assert code == 0 and "TA102" not in out  # ...so the fixture's effect is recorded, not new
    (root / ".testaudit-baseline.json").unlink()
    assert check(root, conftest)[0] == 1


def test_outside_git_the_change_is_measured_against_nothing(tmp_path: Path) -> None:
    """No HEAD to compare with: the named file counts as new, so everything it causes is reported."""
    root = write_project(tmp_path, {"app/__init__.py": "", "app/client.py": "class Client:\n    pass\n",
                                    "tests/integration/conftest.py": MOCKING_CONFTEST,
                                    "tests/integration/test_orders_0.py": uses_client(0)})
    code, out = check(root, str(root / "tests/integration/conftest.py"))
    assert code == 1 and [line.split(":")[0] for line in lines_with(out, "TA102")] == [
        "tests/integration/test_orders_0.py"]


def _pre_commit_available() -> bool:
    try:
        import pre_commit  # noqa: F401
        return True
    except ImportError:
        return False


def test_a_real_pre_commit_run_staging_only_a_conftest_fails(tmp_path: Path) -> None:
    if not _pre_commit_available():
        pytest.skip("pre-commit is not installed")
    from test_pre_commit_hook import _hook_repo

    hook_repo = _hook_repo(tmp_path / "hook")
    root = committed(tmp_path, {})
    edit(root, "tests/integration/conftest.py", MOCKING_CONFTEST)
    _git(root, "add", "tests/integration/conftest.py")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home")}  # testaudit: ignore[TA301] (subprocess env)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "testaudit", "--color",
                           "never"], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "tests/integration/test_orders_0.py" in proc.stdout
    assert "[affected by the change to tests/integration/conftest.py]" in proc.stdout


def test_imports_read_from_text_resolve_relative_and_plugin_names() -> None:
    from testaudit.affected import imported

    text = ("import os, a.b as ab\nfrom . import sibling\nfrom ..pkg.mod import (\n    name,\n    other as o,\n)\n"
            "from x.y import *\n")
    assert imported(text, "tests.integration.test_x", False) == {
        "os", "a.b", "tests.integration", "tests.integration.sibling", "tests.pkg.mod", "tests.pkg.mod.name",
        "tests.pkg.mod.other", "x.y"}
    plugins = 'pytest_plugins = ["tests.fixtures.db", "not a module"]\n'
    assert imported(plugins, "tests.conftest", False, is_conftest=True) == {"tests.fixtures.db"}
    assert imported(plugins, "tests.helper", False) == set()


def test_reach_follows_re_exports_and_stays_in_the_suite(tmp_path: Path) -> None:
    from testaudit.affected import reaching
    from testaudit.config import load_config

    root = write_project(tmp_path, {
        "helpers/__init__.py": "from helpers.clients import make_client\n",
        "helpers/clients.py": HELPER,
        "tests/test_via_package.py": "from helpers import make_client\n",
        "tests/test_direct.py": "from helpers.clients import make_client\n",
        "tests/test_unrelated.py": "from helpers import other\nimport clients_unrelated\n",
        "tests/conftest.py": 'pytest_plugins = ["helpers.clients"]\n',
        "tests/sub/test_plugin.py": "def test_x():\n    pass\n",
        "scripts/test_outside_suite.py": "from helpers.clients import make_client\n",
        "pytest.ini": "[pytest]\ntestpaths = tests\n"})
    config = load_config(root)
    # the conftest loads the helper as a plugin: every test below it is reached, even one that
    # imports nothing; scripts/ is outside pytest's testpaths
    assert reaching(config, ["helpers/clients.py"]) == {
        "tests/test_via_package.py", "tests/test_direct.py", "tests/test_unrelated.py", "tests/sub/test_plugin.py"}
    (root / "tests/conftest.py").write_text("", encoding="utf-8")
    assert reaching(config, ["helpers/clients.py"]) == {
        "tests/test_via_package.py", "tests/test_direct.py",
        "tests/test_unrelated.py"}  # `from helpers import other` runs helpers/__init__: a superset
