"""TA202 unresolved-import: what counts as a project module, and what a module provides.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: collection errors ("cannot import name") are found before pytest runs
- Strategic Impact: a rule that cries wolf is switched off; every silence here is deliberate
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import run_project, write_project

MODELS = "class Account:\n    pass\n"


def _findings(root: Path, files: Dict[str, str], table: str = "", paths=None) -> List[Tuple[str, int]]:  # type: ignore[no-untyped-def]
    write_project(root, files, table)
    result = run_project(root, paths, select=["TA202"])
    return sorted((f.path, f.location.line) for f in result.findings)


@pytest.mark.parametrize("name, files, expected", [
    ("module that does not parse", {"app/__init__.py": "", "app/broken.py": "def (:\n",
                                    "tests/test_a.py": "from app.broken import Anything\n"}, []),
    ("package extending __path__", {"app/__init__.py": "from pkgutil import extend_path\n"
                                                       "__path__ = extend_path(__path__, __name__)\n",
                                    "tests/test_a.py": "import app.plugins.card\n"}, []),
    ("package __getattr__", {"app/__init__.py": "def __getattr__(name):\n    return name\n",
                             "tests/test_a.py": "from app import anything\n"}, []),
    ("globals() registration", {"app/__init__.py": "globals().update(card=1)\n",
                                "tests/test_a.py": "from app import card\n"}, []),
    ("star import of a third-party module", {"app/__init__.py": "from sdk import *\n",
                                             "tests/test_a.py": "from app import Client\n"}, []),
    ("stdlib name shadowed at the root", {"types.py": "X = 1\n",
                                          "tests/test_a.py": "from types import SimpleNamespace\n"}, []),
    ("namespace top-level directory", {"alembic/versions/v1.py": "X = 1\n",
                                       "tests/test_a.py": "from alembic import op\n"}, []),
    ("third-party import", {"app/__init__.py": "", "tests/test_a.py": "import requests\nfrom yaml import safe_load\n"},
     []),
    ("TYPE_CHECKING import in the test", {"app/__init__.py": "",
                                          "tests/test_a.py": "from typing import TYPE_CHECKING\n"
                                                             "if TYPE_CHECKING:\n    from app.models import User\n"},
     []),
    ("bare except around the import", {"app/__init__.py": "",
                                        "tests/test_a.py": "try:\n    import app.fast\nexcept:\n    pass\n"}, []),
    ("import under a ValueError handler", {"app/__init__.py": "",
                                           "tests/test_a.py": "try:\n    import app.fast\nexcept ValueError:\n"
                                                              "    pass\n"}, [("tests/test_a.py", 2)]),
    ("submodule of a plain module", {"app.py": "X = 1\n", "tests/test_a.py": "import app.sub\n"},
     [("tests/test_a.py", 1)]),
    ("name re-exported under an alias", {"app/__init__.py": "from app.models import Account as User\n",
                                         "app/models.py": MODELS,
                                         "tests/test_a.py": "from app import User, Account\n"},
     [("tests/test_a.py", 1)]),
    ("`import a.b` binds `a` for a re-export", {"app/__init__.py": "import app.models\n", "app/models.py": MODELS,
                                                "lib/__init__.py": "from app import app\n",
                                                "tests/test_a.py": "from lib import app\n"}, []),
])
def test_what_is_judged(tmp_path: Path, name: str, files: Dict[str, str], expected) -> None:  # type: ignore[no-untyped-def]
    assert _findings(tmp_path, files) == expected, name


def test_a_non_package_test_directory_shadows_root_modules(tmp_path: Path) -> None:
    """pytest puts a test directory without ``__init__.py`` first on ``sys.path``."""
    files = {"helpers.py": "ROOT = 1\n", "tests/helpers.py": "LOCAL = 1\n", "tests/test_a.py": "from helpers import LOCAL\n"}
    assert _findings(tmp_path / "plain", files) == []
    files["tests/__init__.py"] = ""  # a package: the root's helpers.py is the one imported
    assert _findings(tmp_path / "package", files) == [("tests/test_a.py", 1)]


def test_src_roots(tmp_path: Path) -> None:
    files = {"src/app/__init__.py": "", "src/app/models.py": MODELS,
             "tests/test_a.py": "from app.models import Account\nfrom app.models import User\n"}
    assert _findings(tmp_path, files, 'src = ["src", "."]\n') == [("tests/test_a.py", 2)]


def test_a_partial_run_still_sees_the_imported_modules(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_a.py": "from app.models import User\n",
             "tests/test_b.py": "from app.models import Account\n"}
    assert _findings(tmp_path, files, paths=["tests/test_a.py"]) == [("tests/test_a.py", 1)]


def test_a_change_in_the_imported_module_reaches_a_cached_run(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "tests/test_a.py": "from app.models import User\n"}
    write_project(tmp_path, files)
    assert [f.code for f in run_project(tmp_path, select=["TA202"], cache=True).findings] == ["TA202"]
    assert [f.code for f in run_project(tmp_path, select=["TA202"], cache=True).findings] == ["TA202"]
    (tmp_path / "app/models.py").write_text(MODELS + "\n\nclass User:\n    pass\n", encoding="utf-8")
    assert run_project(tmp_path, select=["TA202"], cache=True).findings == ()


def test_the_finding_points_at_the_name(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS,
             "tests/test_a.py": "from app.models import (\n    Account,\n    User as U,\n)\n"}
    write_project(tmp_path, files)
    (finding,) = run_project(tmp_path, select=["TA202"]).findings
    loc = finding.location
    assert (loc.line, loc.column, loc.end_column) == (3, 5, 9)
    assert "cannot import name `User` from `app.models`" in finding.message
