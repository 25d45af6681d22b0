"""Runs of a few files read other modules' facts on demand, and find exactly what a full run finds.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Velocity
- Value Impact: a pre-commit run reads the few modules its rules consult, not the import closure
- Strategic Impact: a hook that answers in seconds stays installed; one that is right stays trusted
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from conftest import run_project, write_project
from testaudit import analyze, engine, tree
from testaudit.cache import DB, DIR
from testaudit.model import RunResult

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
CHECKED = ["tests/integration/test_a.py", "tests/unit/test_b.py", "tests/e2e/test_c.py"]
HEAVY = [f"helpers/heavy/m{i}.py" for i in range(10)]
EVERY_DIR = ["helpers", "pkg", "stars", "test_framework", "tests"]

PROJECT: Dict[str, str] = {
    # base classes re-exported by a package, one of whose setups mocks
    "test_framework/__init__.py": "from test_framework.base_integration_test import BaseIntegrationTest\n"
                                  "from test_framework.base_e2e_test import BaseE2ETest\n",
    "test_framework/base_integration_test.py": "import unittest\n\n\nclass BaseIntegrationTest(unittest.TestCase):\n"
                                               "    def setUp(self):\n        self.db = object()\n",
    "test_framework/base_e2e_test.py": "from unittest.mock import patch\n\n\nclass BaseE2ETest:\n"
                                       "    def setup_method(self):\n        self.p = patch('app.clock')\n",
    # a helper two imports away that mocks, reached through a re-export
    "helpers/__init__.py": "from helpers.api import make_client\n",
    "helpers/api.py": "from helpers.impl import build\n\n\ndef make_client():\n    return build()\n",
    "helpers/impl.py": "from unittest.mock import MagicMock\n\n\ndef build():\n    return MagicMock()\n",
    # an import chain no rule needs beyond its first module
    "helpers/heavy/__init__.py": "",
    **{f"helpers/heavy/m{i}.py": f"from helpers.heavy.m{i + 1} import value\n" for i in range(9)},
    "helpers/heavy/m9.py": "value = 1\n",
    # a base class reached as an attribute of a package the test imports (`pkg.sub.Base`)
    "pkg/__init__.py": "",
    "pkg/sub.py": "from test_framework.base_integration_test import BaseIntegrationTest\n\n\n"
                  "class Base(BaseIntegrationTest):\n    pass\n",
    # names provided through a chain of star imports
    "stars/__init__.py": "from stars.inner import *\n",
    "stars/inner.py": "from stars.deeper import *\nX = 1\n",
    "stars/deeper.py": "Y = 2\n",
    # a mocking fixture in the root conftest, overridden by one requesting its own name
    "tests/conftest.py": "import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\ndef client():\n"
                         "    return MagicMock()\n\n\n@pytest.fixture(autouse=True)\ndef guard():\n    yield\n",
    "tests/integration/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef client(client):\n    return client\n",
    "tests/integration/test_a.py": BVJ + "import pytest\nfrom helpers import make_client\nfrom stars import Y, Z\n"
                                   "from helpers.missing import thing\nfrom helpers.heavy.m0 import value\n"
                                   "from test_framework import BaseIntegrationTest\n\n\n"
                                   "class TestA(BaseIntegrationTest):\n    def test_uses_client(self, client):\n"
                                   "        assert client and Y and value\n\n\n"
                                   "def test_helper():\n    assert make_client()\n\n\n"
                                   "@pytest.mark.unit\ndef test_marked_unit():\n    assert thing\n",
    "tests/unit/test_b.py": BVJ + "import pkg\nimport test_framework\n\n\n"
                            "class TestViaAttribute(pkg.sub.Base):\n    def test_x(self, client):\n"
                            "        assert client\n\n\n"
                            "class TestE2EBase(test_framework.BaseE2ETest):\n    def test_y(self):\n"
                            "        assert test_framework\n",
    "tests/e2e/test_c.py": BVJ + "import unittest\n\nfrom test_framework import BaseIntegrationTest\n\n\n"
                           "class TestWrongBase(BaseIntegrationTest):\n    def test_z(self):\n        assert self.db\n\n\n"
                           "class TestPlain(unittest.TestCase):\n    def test_w(self):\n        assert self\n",
    **{f"tests/unit/test_unrelated_{i}.py": BVJ + f"\n\ndef test_{i}():\n    assert {i} >= 0\n" for i in range(8)},
}

Seen = List[Tuple[str, str]]


@pytest.fixture()
def analysed(monkeypatch: pytest.MonkeyPatch) -> Seen:
    """(path, role) of every file analyze_file reads (runs are in-process: jobs=1)."""
    seen: Seen = []
    real: Callable = analyze.analyze_file

    def spy(src, role="check"):  # type: ignore[no-untyped-def]
        seen.append((src.rel, role))
        return real(src, role)

    monkeypatch.setattr(analyze, "analyze_file", spy)
    return seen


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", PROJECT)


def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "LAZY_MAX_FILES", 0)  # every run reads its whole closure first


def of(result: RunResult, paths: List[str]) -> Tuple[list, list]:
    """Everything a report shows about ``paths``: findings (with category, node and chain) and
    the per-module summaries the scores come from."""
    findings = sorted((f.path, f.code, f.location.line, f.location.column, f.message, f.category, f.node_id,
                       f.chain, f.scope) for f in result.findings if f.path in paths)
    return findings, sorted((m for m in result.modules if m.path in paths), key=lambda m: m.path)


def test_the_project_exercises_every_cross_file_rule(project: Path) -> None:
    codes = {(f.path, f.code) for f in run_project(project, CHECKED).findings}
    assert {("tests/integration/test_a.py", c) for c in ("TA102", "TA202", "TA804")} <= codes
    assert {("tests/unit/test_b.py", "TA102"), ("tests/e2e/test_c.py", "TA501")} <= codes


def test_a_few_files_give_what_a_full_run_gives_for_them(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lazy = [of(run_project(project, [path]), [path]) for path in CHECKED]
    together = of(run_project(project, CHECKED), CHECKED)
    eager(monkeypatch)
    full = run_project(project, EVERY_DIR)
    assert lazy == [of(full, [path]) for path in CHECKED]
    assert together == of(full, CHECKED) == of(run_project(project, CHECKED), CHECKED)


def test_a_few_files_read_only_what_their_rules_consult(project: Path, analysed: Seen,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    run_project(project, CHECKED)
    lazy = {rel for rel, role in analysed if role == "facts"}
    analysed.clear()
    eager(monkeypatch)
    run_project(project, CHECKED)
    closure = {rel for rel, role in analysed if role == "facts"}
    assert set(HEAVY) <= closure and "helpers/heavy/m0.py" in lazy  # TA202 reads what `value` comes from
    assert not lazy & set(HEAVY[1:])  # ... and nothing it imports in turn
    assert {"helpers/impl.py", "tests/conftest.py", "pkg/sub.py", "stars/deeper.py"} <= lazy < closure
    assert not lazy & set(CHECKED)  # the checked files' facts come with their check


def stored_outcomes(root: Path) -> List[str]:
    with sqlite3.connect(root / DIR / DB) as db:
        return sorted(rel for rel, in db.execute("SELECT rel FROM outcomes"))


def test_a_file_whose_closure_was_not_read_keeps_no_outcome_but_the_run_is_remembered(project: Path,
                                                                                       analysed: Seen) -> None:
    cold = run_project(project, CHECKED, cache=True)
    assert "helpers/heavy/m1.py" not in {rel for rel, _ in analysed}
    assert set(stored_outcomes(project)) <= set(CHECKED) - {"tests/integration/test_a.py"}  # it reaches m1…m9
    analysed.clear()
    warm = run_project(project, CHECKED, cache=True)
    assert analysed == [] and of(warm, CHECKED) == of(cold, CHECKED)
    (project / "helpers/heavy/m9.py").write_text("value = 2\n", encoding="utf-8")  # read by no rule
    assert of(run_project(project, CHECKED, cache=True), CHECKED) == of(cold, CHECKED) and analysed == []


@pytest.mark.parametrize("change, gone", [
    ("helpers/impl.py", ("tests/integration/test_a.py", "TA102", "helpers/impl.py")),
    ("tests/unit/conftest.py", ("tests/unit/test_b.py", "TA102", "tests/conftest.py")),
])
def test_the_run_record_notices_what_its_rules_read_and_asked(project: Path, change: str,
                                                              gone: Tuple[str, str, str]) -> None:
    def chains(result: RunResult) -> List[Tuple[str, str, str]]:
        return [(f.path, f.code, gone[2]) for f in result.findings if gone[2] in f.message]

    assert gone in chains(run_project(project, CHECKED, cache=True))
    clean = "import pytest\n\n\n@pytest.fixture\ndef client():\n    return object()\n\n\ndef build():\n    return 1\n"
    (project / change).write_text(clean, encoding="utf-8")  # the mock goes; a new conftest shadows the root's
    warm = run_project(project, CHECKED, cache=True)
    assert gone not in chains(warm)
    assert of(warm, CHECKED) == of(run_project(project, CHECKED), CHECKED)


@pytest.mark.parametrize("up_front", [True, False], ids=["closure-read-first", "facts-on-demand"])
def test_after_a_full_run_a_few_files_come_from_their_closure_signatures(project: Path, analysed: Seen,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        up_front: bool) -> None:
    if up_front:
        eager(monkeypatch)
    # every file checked (directories named, so the project's own packages too): every closure is known
    full = run_project(project, EVERY_DIR, cache=True)
    assert set(CHECKED) <= set(stored_outcomes(project))
    monkeypatch.setattr(engine, "LAZY_MAX_FILES", engine.SMALL_RUN)
    analysed.clear()
    few = run_project(project, CHECKED, cache=True)
    assert analysed == [] and of(few, CHECKED) == of(full, CHECKED)


SUBMODULES = {"ns/sub/mod.py": "def helper():\n    pass\n",  # a namespace package: no __init__.py
              "src/pkg/__init__.py": "", "src/pkg/deep/leaf.py": "def f():\n    pass\n", "self.py": ""}


def test_module_lookups_stop_where_no_directory_could_hold_a_submodule(tmp_path: Path) -> None:
    """What a name reaches (the closure) and its longest module prefix (the project phase) are
    looked up shortest first, and stop at the first part with no directory under any root:
    ``self.client.get`` asks about ``self`` alone, while a namespace package's modules are found."""
    from testaudit.api import load
    from testaudit.graph import ProjectGraph
    from testaudit.project_files import DIR as DIR_PROBE, FILE, ProjectFiles

    root = write_project(tmp_path, SUBMODULES, 'src = ["src", "."]\n')
    config = load([str(root)])
    disk = tree.FileTree(config.root)
    asked: List[str] = []
    listed = disk.listed
    disk.listed = lambda rel: asked.append(rel) or listed(rel)  # type: ignore[method-assign]
    reach = tree.Reach(config, disk)
    assert reach._files_of("ns.sub.mod.helper") == {"ns/sub/mod.py"}
    assert reach._files_of("pkg.deep.leaf.f") == {"src/pkg/__init__.py", "src/pkg/deep/leaf.py"}
    assert reach._files_of("self.client.get") == {"self.py"}
    assert "self.py" in asked and not any("self/client" in a for a in asked)

    files = ProjectFiles(config.src, disk.listed, disk.isdir, lambda rel: pytest.fail(f"read {rel}"))
    graph = ProjectGraph(files)
    assert graph._split("ns.sub.mod.helper") == ("ns.sub.mod", "helper")
    assert graph._split("pkg.deep.leaf.f") == ("pkg.deep.leaf", "f")
    assert graph._split("self.client.get") == ("self", "client.get")
    assert graph._split("requests.get") == (None, "requests.get")
    probed = {key[len(FILE):] if key.startswith(FILE) else key[len(DIR_PROBE):] for key in files.probes}
    assert "self.py" in probed and not any("self/client" in p or "requests/get" in p for p in probed)
