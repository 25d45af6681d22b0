"""`testaudit init`: a starting configuration fitted to the project it inspects (SPEC §7).

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams adopting testaudit on an existing suite)
- Business Goal: Acquisition
- Value Impact: a team with a suite and no policy gets a first run it can act on in one command
- Strategic Impact: testaudit is useful outside the codebase whose policy it started from
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest
from click.testing import CliRunner

from conftest import run_project
from testaudit.api import propose_config
from testaudit.cli import main
from testaudit.config import load_config, tomllib
from testaudit.errors import ConfigError
from testaudit.init_config import write

BVJ = ('"""Orders.\n\nBusiness Value Justification (BVJ):\n- Segment: Enterprise\n- Business Goal: Retention\n'
       '- Value Impact: orders are kept\n- Strategic Impact: revenue\n"""\n')
PYTEST = '[project]\nname = "shop"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\nmarkers = ["acceptance: slow"]\n'


def project(root: Path, files: Dict[str, str], pyproject: str = PYTEST) -> Path:
    """A project with no testaudit configuration (``conftest.write_project`` always adds one)."""
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


# A suite in the style of many public ones: no BVJ docstrings, `os.environ` without the reference
# accessor, an `end_to_end/` directory and an `acceptance` marker for live tests, the team's own
# `@requires_db` decorator, and tests that assert.
SUITE = {
    "app/__init__.py": "",
    "app/orders.py": "def total(items):\n    return sum(items)\n",
    "tests/__init__.py": "",
    "tests/support.py": "import pytest\n\nrequires_db = pytest.mark.skipif(False, reason='needs a database')\n",
    "tests/unit/test_orders.py": ("import os\n\nfrom app.orders import total\n\n\n"
                                  "def test_total():\n    assert total([1, 2]) == 3\n\n\n"
                                  "def test_env():\n    assert os.environ.get('HOME') is not None\n"),
    "tests/unit/test_more.py": "from app.orders import total\n\n\ndef test_empty():\n    assert total([]) == 0\n",
    "tests/end_to_end/test_checkout.py": ("from unittest.mock import MagicMock\n\nimport pytest\n\n"
                                          "from tests.support import requires_db\n\n\n"
                                          "@requires_db\ndef test_checkout():\n    assert MagicMock()\n\n\n"
                                          "@pytest.mark.acceptance\ndef test_pay(paid):\n    assert paid == 3\n"),
    "tests/test_live.py": ("import pytest\n\n\n@pytest.mark.acceptance\ndef test_live(shop):\n    assert shop.open\n\n\n"
                           "@pytest.mark.acceptance\ndef test_live_again(shop):\n    assert shop.stock > 0\n"),
}


def test_init_fits_the_policy_to_what_the_project_does(tmp_path: Path) -> None:
    root = project(tmp_path, SUITE)
    proposal = propose_config(str(root), jobs=1)
    raw = tomllib.loads(proposal.text)["tool"]["testaudit"]
    # conventions the project lacks, and BVJs nobody writes, are off; the generic rules are not
    assert raw["ignore"] == ["TA301", "TA401", "TA402", "TA403", "TA701"]
    assert "its accessor `shared.isolated_environment.get_env` is not in this project" in proposal.text
    assert "missing-bvj: 0 of 4 modules comply" in proposal.text
    # synonyms of categories become mappings; the marker pytest registers too
    assert raw["categories"]["e2e"] == {"markers": ["e2e", "acceptance"], "paths": ["e2e", "end_to_end"]}
    # the project's own decorator is listed for the team to map, with the tests carrying it
    assert "#   @tests.support.requires_db: 1" in proposal.text
    # the gate starts at the score the generated configuration gives: one e2e module mocks
    assert proposal.survey.score == (3, 4)
    assert raw["fail-under"] == 75
    assert proposal.pyproject and proposal.target == str(root / "pyproject.toml")


def test_the_written_configuration_gives_the_score_it_announces(tmp_path: Path) -> None:
    root = project(tmp_path, SUITE)
    before = (root / "pyproject.toml").read_text(encoding="utf-8")
    proposal = propose_config(str(root), jobs=1)
    write(proposal)
    after = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert after.startswith(before)  # appended; nothing of the project's file changes
    config = load_config(root)
    assert config.fail_under == "75" and "TA401" in config.ignore
    result = run_project(root, ["tests"])
    assert [(f.path, f.code) for f in result.findings] == [("tests/end_to_end/test_checkout.py", "TA101")]
    assert {m.path: m.category for m in result.modules}["tests/test_live.py"] == "e2e"
    with pytest.raises(ConfigError, match="already has a testaudit configuration"):
        write(propose_config(str(root), jobs=1))
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == after


def test_a_project_that_follows_the_policy_keeps_it(tmp_path: Path) -> None:
    files = {"tests/integration/test_orders.py": BVJ + "\n\ndef test_a(orders):\n    assert orders.count() == 0\n",
             "tests/integration/test_refunds.py": BVJ + "\n\ndef test_b(refunds):\n    assert not refunds\n"}
    proposal = propose_config(str(project(tmp_path, files)), jobs=1)
    raw = tomllib.loads(proposal.text)["tool"]["testaudit"]
    assert "TA401" not in raw["ignore"] and "TA101" not in raw["ignore"]
    assert "TA401 missing-bvj (2 of 2 comply)" in proposal.text
    assert raw["fail-under"] == 100 and "categories" not in raw


def test_without_pyproject_a_testaudit_toml_is_written(tmp_path: Path) -> None:
    root = project(tmp_path, {"tests/test_a.py": "def test_a():\n    pass\n"}, pyproject=None)
    proposal = propose_config(str(root), jobs=1)
    assert not proposal.pyproject and proposal.target == str(root / "testaudit.toml")
    write(proposal)
    raw = tomllib.loads((root / "testaudit.toml").read_text(encoding="utf-8"))
    assert raw["fail-under"] == 0 and "tool" not in raw  # TA801: the only module asserts nothing
    assert load_config(root).fail_under == "0"


def test_a_pyproject_that_cannot_take_the_section_is_left_alone(tmp_path: Path) -> None:
    text = 'tool = { black = { line-length = 99 } }\n'
    root = project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"}, pyproject=text)
    with pytest.raises(ConfigError, match="cannot be appended"):
        write(propose_config(str(root), jobs=1))
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == text


def test_init_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, SUITE)
    monkeypatch.chdir(root)
    printed = CliRunner().invoke(main, ["init", "--stdout", "--jobs", "1"])
    assert printed.exit_code == 0 and printed.output.startswith("# Written by `testaudit init`")
    assert "[tool.testaudit]" not in (root / "pyproject.toml").read_text(encoding="utf-8")
    wrote = CliRunner().invoke(main, ["init", "--jobs", "1"])
    assert wrote.exit_code == 0, wrote.output
    assert "wrote" in wrote.output and "testaudit baseline" in wrote.output
    again = CliRunner().invoke(main, ["init", "--jobs", "1"])
    assert again.exit_code == 2 and "already has a testaudit configuration" in again.output
    assert CliRunner().invoke(main, ["init", "--stdout", "--jobs", "1"]).exit_code == 0


def test_a_linked_pyproject_is_neither_read_nor_replaced(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(PYTEST, encoding="utf-8")
    root = project(tmp_path / "p", {"tests/test_a.py": "def test_a(x):\n    assert x == 1\n"}, pyproject=None)
    (root / "pyproject.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match="not a regular file"):
        write(propose_config(str(root), jobs=1))
    assert (root / "pyproject.toml").is_symlink() and outside.read_text(encoding="utf-8") == PYTEST


def test_the_text_holds_exactly_the_choices_the_second_check_ran_with(tmp_path: Path) -> None:
    """The TOML is written with comments by `render`, the second check's configuration comes from
    `_raw`: they must not drift apart."""
    from testaudit.init_config import _raw

    proposal = propose_config(str(project(tmp_path, SUITE)), jobs=1)
    assert tomllib.loads(proposal.text)["tool"]["testaudit"] == _raw(proposal.survey)
