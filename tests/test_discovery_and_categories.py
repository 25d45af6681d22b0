"""Discovery, project root, excludes, git-ignore (SPEC §3) and test categories.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: the right files are checked and each test gets its category
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import run_project, write_project
from testaudit.api import load
from testaudit.categories import Categorizer
from testaudit.config import DEFAULT_CATEGORIES, CategorySpec, find_project_root, load_config
from testaudit.errors import ConfigError
from testaudit.discover import discover, matches_any, module_name

ENV = "import os\n\n\ndef test_env():\n    assert os.environ.get('X') is None\n"


def rels(root: Path, paths=None, **overrides) -> list:  # type: ignore[no-untyped-def]
    config = load_config(root).with_overrides(**overrides)
    return [f.rel for f in discover([str(root / p) for p in (paths or ["."])], config).files]


def test_project_root_is_nearest_marker(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "pkg" / "tests"
    sub.mkdir(parents=True)
    assert find_project_root([str(sub)]) == tmp_path
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert find_project_root([str(sub)]) == tmp_path  # no [tool.testaudit]: not a root
    (tmp_path / "pkg" / "pyproject.toml").write_text("[tool.testaudit]\n")
    assert find_project_root([str(sub)]) == tmp_path / "pkg"


def test_one_path_given_as_a_string_is_that_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    assert find_project_root(str(project / "tests")) == project == find_project_root([str(project / "tests")])
    assert load(str(project)).root == str(project)


def test_default_and_configured_excludes(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "tests/test_a.py": "", "tests/backup_old/test_b.py": "", "node_modules/x/test_c.py": "",
        "tests/__pycache__/test_d.py": "", "build/test_e.py": "", "tests/legacy/test_f.py": "",
        "venvx/pyvenv.cfg": "", "venvx/lib/test_g.py": "", "tests/backup_test_h.py": "",
    }, "exclude = ['backup*', 'tests/legacy/']\n")
    assert rels(tmp_path) == ["tests/test_a.py"]


def test_pattern_semantics() -> None:
    assert matches_any("a/b/backup_x", ["backup*"], is_dir=True)
    assert not matches_any("a/backup_x/c.py", ["tests/backup*"])
    assert matches_any("tests/legacy/c.py", ["tests/legacy/"], is_dir=False) is False
    assert matches_any("tests/legacy", ["tests/legacy/"], is_dir=True)
    assert matches_any("tests/legacy/c.py", ["/tests/legacy/*"])


def test_explicit_file_checked_even_if_excluded_unless_force_exclude(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/backup/test_a.py": ENV}, "exclude = ['backup']\n")
    assert rels(tmp_path, ["tests/backup/test_a.py"]) == ["tests/backup/test_a.py"]
    assert rels(tmp_path, ["tests/backup/test_a.py"], force_exclude=True) == []
    assert rels(tmp_path) == []


def test_git_ignored_files_are_skipped(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_a.py": ENV, "tests/generated/test_b.py": ENV, "tests/test_c.py": ENV,
                             ".gitignore": "generated/\ntest_c.py\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert rels(tmp_path) == ["tests/test_a.py"]
    assert rels(tmp_path, respect_gitignore=False) == ["tests/generated/test_b.py", "tests/test_a.py", "tests/test_c.py"]


def test_symlinked_directories_are_not_followed(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_a.py": ""})
    (tmp_path / "tests" / "loop").symlink_to(tmp_path / "tests")
    outside = tmp_path.parent / (tmp_path.name + "_outside")
    outside.mkdir()
    (outside / "test_x.py").write_text("")
    (tmp_path / "tests" / "test_link.py").symlink_to(outside / "test_x.py")
    assert rels(tmp_path) == ["tests/test_a.py"]


def test_module_names_against_src_roots() -> None:
    assert module_name("tests/integration/test_a.py", (".",)) == "tests.integration.test_a"
    assert module_name("src/pkg/__init__.py", (".", "src")) == "pkg"
    assert module_name("src/pkg/mod.py", ("src",)) == "pkg.mod"


CAT = Categorizer(DEFAULT_CATEGORIES, {"integration": ("fw.BaseIntegration",), "e2e": ("fw.BaseE2E",)})


@pytest.mark.parametrize("kwargs,expected", [
    ({"rel": "tests/unit/test_a.py"}, "unit"),
    ({"rel": "tests/e2e/unit/test_a.py"}, "unit"),  # nearest segment wins
    ({"rel": "tests/e2e/unit_helpers/test_a.py"}, "e2e"),  # segments match whole names
    ({"rel": "tests/integration/test_a.py", "function_markers": ["e2e"]}, "e2e"),  # markers first
    ({"rel": "tests/test_a.py", "class_markers": ["integration"], "module_markers": ["unit"]}, "integration"),
    ({"rel": "tests/unit/test_a.py", "ancestors": ["fw.BaseE2E"]}, "e2e"),  # bases before path
    ({"rel": "tests/test_a.py"}, "uncategorized"),
    ({"rel": "tests/mission_critical/test_a.py"}, "mission_critical"),
])
def test_category_decision_order(kwargs, expected) -> None:  # type: ignore[no-untyped-def]
    assert CAT.decide(**kwargs) == expected


def test_module_category_majority_and_ties() -> None:
    assert CAT.majority(["unit", "unit", "integration"], "x") == "unit"
    assert CAT.majority(["unit", "integration"], "x") == "integration"
    assert CAT.majority([], "fallback") == "fallback"


def test_categories_are_configurable_end_to_end(tmp_path: Path) -> None:
    code = ("from unittest.mock import MagicMock\n\n\ndef test_a():\n    assert MagicMock() is not None\n")
    write_project(tmp_path, {"tests/smoke/test_a.py": code},
                  "[tool.testaudit.categories.smoke]\npaths = ['smoke']\nrank = 5\n"
                  "[tool.testaudit.rules.TA101]\ncategories = ['smoke']\n")
    result = run_project(tmp_path, select=["TA101"])
    assert [(f.code, f.category) for f in result.findings] == [("TA101", "smoke")]


ANCHORED = Categorizer((CategorySpec("e2e", 4, ("e2e",), ("e2e", "tests/*/live")),
                        CategorySpec("integration", 3, ("integration",), ("integration", "tests/aws/**")),
                        CategorySpec("unit", 1, ("unit",), ("unit",)),
                        CategorySpec("smoke", 2, ("smoke",), ("/smoke",))), {})


@pytest.mark.parametrize("rel,expected", [
    ("tests/aws/test_s3.py", "integration"),  # a path from the root, and below it
    ("tests/aws/services/lambda_/test_invoke.py", "integration"),
    ("tests/unit/aws/test_s3.py", "unit"),  # not captured: `tests/aws` is anchored at the root
    ("tests/aws/unit/test_s3.py", "unit"),  # the deeper directory decides
    ("tests/awsome/test_s3.py", "uncategorized"),  # whole directories only
    ("tests/aws.py", "uncategorized"),
    ("tests/staging/live/test_chat.py", "e2e"),  # `*` in a path pattern
    ("smoke/test_boot.py", "smoke"),  # `/smoke`: only at the root
    ("tests/smoke/test_boot.py", "uncategorized"),
])
def test_category_paths_from_the_project_root(rel: str, expected: str) -> None:
    assert ANCHORED.decide(rel) == expected


def test_the_folder_that_decides_a_category_is_named_whole() -> None:
    assert ANCHORED.folder("tests/aws/services/test_s3.py") == "tests/aws"
    assert ANCHORED.folder("tests/aws/unit/test_s3.py") == "tests/aws/unit"
    assert ANCHORED.folder("tests/other/test_s3.py") is None
    assert ANCHORED.path_names("tests/aws/unit/test_s3.py", "integration")
    assert not ANCHORED.path_names("tests/unit/aws/test_s3.py", "integration")


def test_a_category_path_from_the_root_configured_end_to_end(tmp_path: Path) -> None:
    code = ("from unittest.mock import MagicMock\n\n\ndef test_a():\n    assert MagicMock() is not None\n")
    write_project(tmp_path, {"tests/aws/test_a.py": code, "tests/unit/aws/test_b.py": code},
                  "[tool.testaudit.categories.integration]\npaths = ['integration', 'tests/aws/']\n")
    result = run_project(tmp_path, select=["TA101"])
    assert [(f.path, f.category) for f in result.findings] == [("tests/aws/test_a.py", "integration")]
    assert {m.path: m.category for m in result.modules}["tests/unit/aws/test_b.py"] == "unit"


@pytest.mark.parametrize("bad", ["../outside", "tests/../../x", "/", "**", "~/tests", "C:/tests", "tests\\\\aws"])
def test_a_category_path_that_names_no_directory_of_the_project_is_an_error(tmp_path: Path, bad: str) -> None:
    write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"},
                  f"[tool.testaudit.categories.integration]\npaths = ['{bad}']\n")
    with pytest.raises(ConfigError, match="names no directory of the project"):
        load_config(tmp_path)


def test_decorators_other_than_marks_name_a_category_end_to_end(tmp_path: Path) -> None:
    """A project's own decorator (`@requires_aws`, a `pytestmark` of it, a dotted use) says
    integration when the category lists it; an unlisted decorator and a plain test say nothing."""
    mocked = "    client = mock.MagicMock()\n    assert client\n"
    write_project(tmp_path, {
        "tests/__init__.py": "", "tests/support/__init__.py": "",
        "tests/support/live.py": ("import pytest\nrequires_aws = pytest.mark.skipif(False, reason='x')\n\n\n"
                                  "def traced(f):\n    return f\n"),
        "tests/test_s3.py": ("from unittest import mock\nfrom tests.support.live import requires_aws, traced\n\n\n"
                             f"@requires_aws\ndef test_put():\n{mocked}\n\n"
                             f"@traced\ndef test_get():\n{mocked}\n\n"
                             f"class TestBucket:\n    @requires_aws()\n    def test_list(self):\n    {mocked.replace(chr(10) + '    ', chr(10) + '        ')}"),
        "tests/test_sqs.py": ("from unittest import mock\nfrom tests.support import live\n\n"
                              f"pytestmark = [live.requires_aws]\n\n\ndef test_send():\n{mocked}"),
    }, "[tool.testaudit.categories.integration]\ndecorators = ['requires_aws']\n")
    result = run_project(tmp_path, select=["TA101"])
    assert sorted((f.path, f.line) for f in result.findings) == [
        ("tests/test_s3.py", 7), ("tests/test_s3.py", 20), ("tests/test_sqs.py", 8)]
    categories = {m.path: m.category for m in result.modules}
    assert categories == {"tests/test_s3.py": "integration", "tests/test_sqs.py": "integration"}


def test_a_decorator_in_the_wrong_categorys_directory_is_a_mixed_marker(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/unit/test_a.py": ("from tests_support import live_only\n\n\n"
                                                      "@live_only\ndef test_a():\n    assert 1\n")},
                  "[tool.testaudit.categories.e2e]\ndecorators = ['tests_support.live_only']\n")
    result = run_project(tmp_path, select=["TA804"])
    assert [f.message for f in result.findings] == [
        "test `test_a` is marked `@tests_support.live_only` (function) but its path `tests/unit/` makes it unit; "
        "move it or fix the marker"]


@pytest.mark.parametrize("bad, message", [
    ("['pytest.mark.live']", "is a pytest marker; put `live` in `markers`"),
    ("['requires aws']", "is not a decorator name"),
    ("['']", "is not a decorator name"),
    ("3", "expected list of decorator names, got integer"),
])
def test_category_decorators_are_validated(tmp_path: Path, bad: str, message: str) -> None:
    write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"},
                  f"[tool.testaudit.categories.integration]\ndecorators = {bad}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_a_decorator_can_name_one_category_only(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"},
                  "[tool.testaudit.categories.integration]\ndecorators = ['live']\n"
                  "[tool.testaudit.categories.e2e]\ndecorators = ['live']\n")
    with pytest.raises(ConfigError, match="decorator `live` also belongs to category"):
        load_config(tmp_path)


def test_a_check_of_the_project_root_leaves_out_the_code_under_test(tmp_path: Path) -> None:
    """Walking the whole project, the application's own modules are not test code: a relative
    import there is not reported, while test helpers (in a directory that holds tests or is named
    for tests, or a `testutils.py`) still are. Named explicitly, any directory is checked."""
    relative = "from . import sibling\n"
    root = write_project(tmp_path, {
        "app/__init__.py": "", "app/sibling.py": "", "app/client.py": relative,
        "app/latest/__init__.py": relative,  # `latest` is not a test directory
        "tests/__init__.py": "", "tests/helpers.py": relative, "tests/data/loader.py": relative,
        "test_framework/__init__.py": "", "test_framework/base.py": relative,
        "testutils.py": "from .app import client\n",
        "tests/test_client.py": "from app.client import sibling\nfrom tests import helpers\nimport tests.data.loader\n"
                                "import test_framework.base\nimport testutils\n\n\n"
                                "def test_a():\n    assert sibling is not None\n",
    })
    result = run_project(root, select=["TA201"])
    assert sorted(f.path for f in result.findings) == [
        "test_framework/base.py", "tests/data/loader.py", "tests/helpers.py", "testutils.py"]
    assert "app/client.py" not in result.paths and "tests/test_client.py" in result.paths
    named = run_project(root, ["app"], select=["TA201"])
    assert sorted(f.path for f in named.findings) == ["app/client.py", "app/latest/__init__.py"]
    from testaudit.api import files

    assert "app/client.py" not in [rel for rel, _ in files([str(root)], load_config(root))]


def test_a_module_beside_its_test_is_the_code_under_test(tmp_path: Path) -> None:
    """A flat layout (tests next to the modules they test): `pkg/util.py`, imported by the
    `pkg/test_util.py` named after it, is the code under test; a helper those tests import is
    test code."""
    root = write_project(tmp_path, {"pkg/__init__.py": "", "pkg/util.py": "from . import x\n",
                                    "pkg/fakes.py": "from . import x\n",
                                    "pkg/test_util.py": "from pkg import fakes, util\n\n\n"
                                                        "def test_a():\n    assert util and fakes\n"})
    result = run_project(root, select=["TA201"])
    assert [f.path for f in result.findings] == ["pkg/fakes.py"] and "pkg/util.py" in result.unreached


def test_pytests_norecursedirs_are_not_test_code(tmp_path: Path) -> None:
    """Directories pytest never collects from (its `norecursedirs`, by name or by path) are not
    walked; a file named on the command line is still checked, unless --force-exclude."""
    from testaudit.api import files
    from testaudit.config import load_config

    root = write_project(tmp_path, {"tests/test_ok.py": "", "tests/data/test_sample.py": "",
                                    "tests/legacy/old/test_gone.py": "", "tests/legacy/test_kept.py": "",
                                    "pytest.ini": "[pytest]\nnorecursedirs = data tests/legacy/*\n"})
    config = load_config(root)
    assert [rel for rel, _ in files([str(root)], config)] == ["tests/legacy/test_kept.py", "tests/test_ok.py"]
    named = str(root / "tests/data/test_sample.py")
    assert [rel for rel, _ in files([named], config)] == ["tests/data/test_sample.py"]
    assert files([named], config.with_overrides(force_exclude=True)) == ()


ENV_READ = "import os\n\nVALUE = os.environ['HOME']\n"


def _support_project(tmp_path: Path, pyproject: str = "") -> Path:
    """Tests reaching helpers every way pytest loads them, beside modules no test reaches."""
    return write_project(tmp_path, {
        "tests/__init__.py": "", "tests/helpers/__init__.py": "",
        "tests/helpers/db.py": "from tests.helpers import env\n" + ENV_READ,  # imported by a test
        "tests/helpers/env.py": ENV_READ,  # imported by that helper only
        "tests/plugins/__init__.py": "", "tests/plugins/seed.py": ENV_READ,  # a conftest's pytest_plugins
        "tests/conftest.py": 'pytest_plugins = ["tests.plugins.seed"]\n',
        "tests/test_orders.py": "from tests.helpers.db import VALUE\n\n\ndef test_db():\n    assert VALUE\n",
        "tests/lambda_/functions/handler.py": ENV_READ,  # source the tests deploy, never import
        "tests/lambda_/test_lambda.py": "def test_deploy():\n    assert open('functions/handler.py')\n",
        "tests/run_all.py": ENV_READ,  # a script beside the suite
        # a test directory without __init__.py: pytest puts it on sys.path, `import util` finds it
        "flat/util.py": ENV_READ, "flat/test_flat.py": "from util import VALUE\n\n\ndef test_f():\n    assert VALUE\n",
        "flat/orphan.py": ENV_READ,
        # a test module that does not parse may import anything beside it
        "tests/broken/test_broken.py": "def test_b(:\n", "tests/broken/helper.py": ENV_READ,
    }, pyproject)


def test_support_modules_no_test_reaches_are_not_reported(tmp_path: Path) -> None:
    """A module under the paths that is neither a test module nor a conftest is test code when a
    test or conftest reaches it — imported directly, through another helper, as a
    `pytest_plugins` module, or from a test directory pytest puts on `sys.path`; the rest
    (sources the tests deploy, scripts) is left out and listed, unless named or configured. What a
    test module that does not parse imports is unknown: the modules beside it stay."""
    root = _support_project(tmp_path)
    reached = ["flat/util.py", "tests/broken/helper.py", "tests/helpers/db.py", "tests/helpers/env.py",
               "tests/plugins/seed.py"]
    unreached = ["flat/orphan.py", "tests/lambda_/functions/handler.py", "tests/run_all.py"]
    result = run_project(root, ["tests", "flat"], select=["TA301"])
    assert sorted({f.path for f in result.findings}) == reached
    assert list(result.unreached) == unreached
    assert not set(unreached) & set(result.paths) and "tests/helpers/__init__.py" in result.paths
    named = run_project(root, ["tests", "flat/orphan.py"], select=["TA301"])
    assert "flat/orphan.py" in {f.path for f in named.findings}
    alone = run_project(root, ["tests/lambda_/functions"], select=["TA301"])  # no test there: its modules
    assert [f.path for f in alone.findings] == ["tests/lambda_/functions/handler.py"]
    every = run_project(_support_project(tmp_path / "all", "report-unreached = true\n"), ["tests", "flat"],
                        select=["TA301"])
    assert sorted({f.path for f in every.findings}) == sorted(reached + unreached) and every.unreached == ()


def test_whether_a_support_module_is_reached_follows_edits_under_the_cache(tmp_path: Path) -> None:
    """Reach is decided at every run from each file's recorded imports, not cached with the
    helper's outcome: a test that starts importing a helper makes it reported on the next warm
    run, and the warm run answers as a run without the cache does."""
    root = _support_project(tmp_path)
    first = run_project(root, ["tests"], select=["TA301"], cache=True)
    assert "tests/run_all.py" in first.unreached
    (root / "tests/test_orders.py").write_text("import tests.run_all\nfrom tests.helpers.db import VALUE\n\n\n"
                                           "def test_db():\n    assert VALUE\n", encoding="utf-8")
    warm = run_project(root, ["tests"], select=["TA301"], cache=True)
    cold = run_project(root, ["tests"], select=["TA301"])
    assert "tests/run_all.py" in {f.path for f in warm.findings} and "tests/run_all.py" not in warm.unreached
    assert (warm.findings, warm.unreached, warm.paths) == (cold.findings, cold.unreached, cold.paths)


def test_a_remembered_reach_decision_is_taken_only_while_the_packages_it_asked_about_hold(tmp_path: Path) -> None:
    """A warm run takes the last reach decision for the same imports, but not once a directory
    it asked about became a package: `pkg/__init__.py` (outside the named path) makes the
    helpers `pkg.tests.…`, so `tests.helper_a` names the first only by its path's tail (not
    followed) and the second is no longer reached — as a run without the cache finds."""
    root = write_project(tmp_path, {
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_a.py": "from tests.helper_a import VALUE\n\n\ndef test_a():\n    assert VALUE\n",
        "pkg/tests/helper_a.py": "from tests.helper_b import VALUE\n",
        "pkg/tests/helper_b.py": ENV_READ,
    })
    first = run_project(root, ["pkg/tests"], select=["TA301"], cache=True)
    assert [f.path for f in first.findings] == ["pkg/tests/helper_b.py"] and first.unreached == ()
    assert run_project(root, ["pkg/tests"], select=["TA301"], cache=True).findings == first.findings  # remembered
    (root / "pkg/__init__.py").write_text("", encoding="utf-8")
    warm = run_project(root, ["pkg/tests"], select=["TA301"], cache=True)
    cold = run_project(root, ["pkg/tests"], select=["TA301"])
    assert warm.unreached == cold.unreached == ("pkg/tests/helper_b.py",)
    assert warm.findings == cold.findings == ()


@pytest.mark.parametrize("rel, packages, basedir, name", [
    ("tests/helpers/db.py", {"tests/helpers"}, "tests", "helpers.db"),
    ("tests/helpers/db.py", {"tests", "tests/helpers"}, "", "tests.helpers.db"),
    ("tests/helpers/__init__.py", {"tests/helpers"}, "tests", "helpers"),
    ("flat/util.py", set(), "flat", "util"),
])
def test_the_name_pytest_gives_a_module_beside_the_tests(rel: str, packages: set, basedir: str, name: str) -> None:
    """Counted from the first directory above it that is not a package (pytest's basedir)."""
    from testaudit.discover import _basedir

    assert _basedir(rel, packages.__contains__) == (basedir, name)


def test_a_module_a_test_is_named_after_is_the_code_under_test(tmp_path: Path) -> None:
    """`test/lib/tool/` is on `sys.path` because a conftest inserts it (or an installed
    distribution does: statically the same). `test_core.py` importing `tool.core` tests it: the
    tool a suite tests is not its test code, while a helper beside the tests is."""
    root = write_project(tmp_path, {
        "test/lib/tool/__init__.py": "", "test/lib/tool/core.py": ENV_READ,
        "test/units/conftest.py": "import sys\n\nsys.path.insert(0, 'test/lib')\n",
        "test/units/helper.py": ENV_READ,
        "test/units/test_core.py": "import helper\nimport tool.core\n\n\ndef test_t():\n    assert tool.core\n",
    })
    result = run_project(root, ["test"], select=["TA301"])
    assert [f.path for f in result.findings] == ["test/units/helper.py"]
    assert "test/lib/tool/core.py" in result.unreached


def test_a_package_under_a_source_root_nobody_configured_is_reached_by_its_import(tmp_path: Path) -> None:
    """`core/acme/testing/config.py`, installed as `acme` (no `src` names `core`), is test code a
    test imports as `acme.testing.config`; what it imports in turn is not followed, and a module
    a test is named after (`test_azp.py` importing `mytool.azp`) is the code under test."""
    root = write_project(tmp_path, {
        "core/acme/testing/__init__.py": "", "core/acme/testing/config.py": "from . import internal\n" + ENV_READ,
        "core/acme/testing/internal.py": ENV_READ,
        "tests/lib/mytool/__init__.py": "", "tests/lib/mytool/azp.py": ENV_READ,
        "tests/test_orders.py": "from acme.testing.config import VALUE\n\n\ndef test_o():\n    assert VALUE\n",
        "tests/test_azp.py": "from mytool.azp import VALUE\n\n\ndef test_a():\n    assert VALUE\n",
    })
    result = run_project(root, select=["TA301"])
    assert [f.path for f in result.findings] == ["core/acme/testing/config.py"]
    assert {"core/acme/testing/internal.py", "tests/lib/mytool/azp.py"} <= set(result.unreached)
