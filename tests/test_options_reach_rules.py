"""Every rule option is set through `[tool.testaudit.rules.<code-or-name>]` and changes what
the rule reports — proven end to end, through the configuration file and the engine.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: every configured option changes what its rule reports
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from conftest import run_project, write_project
from testaudit.errors import ConfigError
from testaudit.registry import all_rules, option_fields
from testaudit.score import overall

# the approved base the reference policy accepts: TA501 asks a class to move to a base the project has
SSOT = {"test_framework/ssot/base_test_case.py": "class SSotBaseTestCase:\n    pass\n"}
MOCK_UNIT = "from unittest.mock import MagicMock\n\n\ndef test_a():\n    assert MagicMock() is not None\n"

# (code, option key, TOML value, files, lines reported with defaults, lines reported with the option)
CASES = [
    ("TA101", "categories", "['unit']", {"tests/unit/test_a.py": MOCK_UNIT}, [], [5]),
    ("TA101", "external-targets", "['payments']",
     {"tests/integration/test_a.py": "from unittest.mock import patch\n\n\n@patch('app.payments.charge')\n"
                                     "def test_a(charge):\n    assert charge\n"}, [4], []),
    ("TA101", "unit", "true", {"tests/unit/test_a.py": MOCK_UNIT}, [], [5]),
    ("TA101", "justification-markers", "['# allowed-mock']",
     {"tests/unit/test_a.py": "from unittest.mock import MagicMock\n\n\ndef test_a():\n    # allowed-mock\n"
                              "    assert MagicMock() is not None\n\n\ndef test_b():\n"
                              "    # Mock justification: slow\n    assert MagicMock() is not None\n"}, [6], [11]),
    ("TA101", "monkeypatch", "true",
     {"tests/integration/test_a.py": "def test_a(monkeypatch):\n    monkeypatch.setattr('app.x.y', 1)\n"
                                     "    assert True is not False\n"}, [], [2]),
    ("TA102", "categories", "['unit']",
     {"tests/conftest.py": "import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\n"
                           "def svc():\n    return MagicMock()\n",
      "tests/unit/test_a.py": "def test_a(svc):\n    assert svc\n",
      "tests/integration/test_b.py": "\n\ndef test_b(svc):\n    assert svc\n"}, [3], [1]),
    ("TA103", "double-patterns", "['^Pretend']",
     {"tests/integration/test_a.py": "class PretendRedis:\n    pass\n\n\nclass FakeRedis:\n    pass\n\n\n"
                                     "def test_a():\n    assert PretendRedis()\n"}, [5], [1]),
    ("TA103", "categories", "['unit']",
     {"tests/unit/test_a.py": "class FakeRedis:\n    pass\n\n\ndef test_a():\n    assert FakeRedis()\n"}, [], [1]),
    ("TA301", "allow-files", "['conftest.py']",
     {"tests/conftest.py": "import os\n\nHOME = os.environ['HOME']\n"}, [3], []),
    ("TA301", "monkeypatch", "true",
     {"tests/test_a.py": "def test_a(monkeypatch):\n    monkeypatch.setenv('A', '1')\n    assert True\n"}, [], [2]),
    ("TA501", "require-base", "true",
     {"tests/integration/test_a.py": "class TestA:\n    def test_a(self):\n        assert 1\n"}, [], [1]),
    ("TA501", "strict-resolution", "true",
     {"tests/integration/test_a.py": "from plugin import Base\n\n\nclass TestA(Base):\n"
                                     "    def test_a(self):\n        assert 1\n"}, [], [4]),
    ("TA501", "forbidden", "['fw.Legacy']",
     {"fw.py": "class Legacy:\n    pass\n", **SSOT,
      "tests/test_a.py": "from fw import Legacy\n\n\nclass TestA(Legacy):\n    def test_a(self):\n        assert 1\n"},
     [], [4]),
    ("TA501", "accepted", "['fw.Any']",
     {"fw.py": "class Any:\n    pass\n", **SSOT,
      "tests/integration/test_a.py": "import unittest\nfrom fw import Any\n\n\n"
                                     "class TestA(Any, unittest.TestCase):\n    def test_a(self):\n        assert 1\n"},
     [5], []),
    ("TA501", "required", "{ integration = ['fw.Base'] }",
     {"fw.py": "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n", **SSOT,
      "tests/integration/test_a.py": "from fw import Base\n\n\nclass TestA(Base):\n    def test_a(self):\n        assert 1\n"},
     [4], []),
    ("TA804", "paths", "false",
     {"tests/integration/test_a.py": "import pytest\n\n\n@pytest.mark.unit\ndef test_a():\n    assert 1\n"},
     [5], []),
    ("TA804", "combinable", "[]",
     {"tests/test_a.py": "import pytest\n\n\n@pytest.mark.e2e\n@pytest.mark.mission_critical\ndef test_a():\n"
                         "    assert 1\n"}, [], [6]),
    ("TA805", "skip-categories", "[]",
     {"tests/unit/test_a.py": "def test_a(get):\n    assert get('http://localhost:8000/x')\n"}, [], [2]),
    ("TA805", "data-names", "'frontend'",  # the team's own name for an origin; the default's `origin` is then a target
     {"tests/test_a.py": "def test_a(get):\n    frontend = 'http://localhost:3000'\n"
                         "    origin = 'http://localhost:3001'\n    assert get('/', frontend, origin)\n"}, [2], [3]),
    ("TA805", "allow-ports", "[8000]",
     {"tests/test_a.py": "def test_a(get):\n    assert get('http://localhost:8000/x')\n"}, [2], []),
    ("TA805", "hosts", "['db.internal']",
     {"tests/test_a.py": "def test_a(get):\n    assert get('postgresql://db.internal:5432/app')\n"}, [], [2]),
    ("TA805", "keywords", "'listen_on'",
     {"tests/test_a.py": "def test_a(serve):\n    assert serve(listen_on=8080)\n"}, [], [2]),
    # a team whose `Endpoint(...)` parses instead of connecting; setting the list replaces URL & co.
    ("TA805", "mock-transports", "['FakeNetwork']",
     {"tests/test_a.py": "def test_a(client, FakeNetwork):\n    client.mount(FakeNetwork())\n"
                         "    assert client.get('http://localhost:8000/x')\n"}, [3], []),
    ("TA805", "parsers", "['Endpoint']",
     {"tests/test_a.py": "def test_a(app):\n    assert app.route(Endpoint('http://localhost:8000/x'))\n"
                         "    assert app.route(URL('http://localhost:8001/y'))\n"}, [2], [3]),
    ("TA202", "namespace-packages", "['svc']",
     {"svc/api.py": "X = 1\n", "tests/test_a.py": "from svc.api import Y\n\n\ndef test_a():\n    assert Y\n"},
     [], [1]),
    ("TA202", "ignore-modules", "['app.generated']",
     {"app/__init__.py": "", "tests/test_a.py": "from app.generated.api import Client\n\n\n"
                                                 "def test_a():\n    assert Client\n"}, [1], []),
]


# options that only matter together with another one: set in both runs
BASE = {("TA101", "justification-markers"): "unit = true\n"}


def _lines(tmp: Path, code: str, files: Dict[str, str], table: str) -> list:
    write_project(tmp, files, table)
    result = run_project(tmp, select=[code])
    return sorted(f.location.line for f in result.findings if f.code == code)


def _all_cases() -> list:
    # cases of the BVJ, TA6xx/TA701 and TA801-TA806 rules are kept beside those rules' other tests
    from test_options_bvj import BVJ_CASES
    from test_options_ta6_ta7 import TA6_TA7_CASES
    from test_rules_ta801_806 import TA8A_CASES

    return [*CASES, *BVJ_CASES, *TA6_TA7_CASES, *TA8A_CASES]


@pytest.mark.parametrize("code,key,value,files,default_lines,option_lines", _all_cases(),
                         ids=[f"{c[0]}-{c[1]}" for c in _all_cases()])
def test_option_reaches_rule(tmp_path: Path, code, key, value, files, default_lines, option_lines) -> None:  # type: ignore[no-untyped-def]
    base = f"[tool.testaudit.rules.{code}]\n" + BASE.get((code, key), "")
    assert _lines(tmp_path / "default", code, files, base) == default_lines
    assert _lines(tmp_path / "set", code, files, f"{base}{key} = {value}\n") == option_lines


def test_env_accessor_reaches_the_message(tmp_path: Path) -> None:
    files = {"tests/test_a.py": "import os\n\n\ndef test_a():\n    assert os.environ\n"}
    write_project(tmp_path, files, "[tool.testaudit.rules.TA301]\nenv-accessor = 'app.env.read_env'\n")
    (finding,) = run_project(tmp_path, select=["TA301"]).findings
    assert "use `read_env()` (app.env.read_env)" in finding.message


MESSAGE_CASES = {("TA301", "env-accessor")}


def test_every_option_has_an_end_to_end_case() -> None:
    covered = {(c[0], c[1]) for c in _all_cases()} | MESSAGE_CASES
    missing = [(r.CODE, key) for r in all_rules() for key, _, _ in option_fields(r) if (r.CODE, key) not in covered]
    assert not missing, f"options without an end-to-end test: {missing}"


def test_severity_reaches_the_rule_and_decides_whether_its_module_complies(tmp_path: Path) -> None:
    files = {"tests/test_a.py": "import os\n\n\ndef test_a():\n    assert os.environ\n"}
    write_project(tmp_path, files, "[tool.testaudit.rules.os-environ-access]\nseverity = 'warning'\n")
    result = run_project(tmp_path, select=["TA301"])
    assert [f.severity.value for f in result.findings] == ["warning"]
    assert overall(result).complying == 1  # a warning never fails its module
    write_project(tmp_path, files, "[tool.testaudit.rules.os-environ-access]\nseverity = 'error'\n")
    assert overall(run_project(tmp_path, select=["TA301"])).complying == 0


def test_a_configured_weight_is_refused_naming_the_key(tmp_path: Path) -> None:
    """Weights fed the old weighted-mean score; accepting one would silently mean nothing."""
    write_project(tmp_path, {"tests/test_a.py": "def test_a():\n    assert 1\n"},
                  "[tool.testaudit.rules.os-environ-access]\nweight = 7\n")
    with pytest.raises(ConfigError) as info:
        run_project(tmp_path)
    assert info.value.key == "tool.testaudit.rules.os-environ-access.weight"
    assert "rule weights were removed" in info.value.message and "severity" in info.value.message


def test_a_forbidden_base_is_reported_only_where_an_approved_one_exists(tmp_path: Path) -> None:
    """`unittest.TestCase` in a project without any approved base (ansible's and localstack's
    unit suites): there is nothing to move to, so nothing is reported; with the base, it is."""
    test = {"tests/unit/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n"
                                    "    def test_a(self):\n        self.assertTrue(1)\n"}
    assert _lines(tmp_path / "without", "TA501", test, "") == []
    assert _lines(tmp_path / "with", "TA501", {**test, **SSOT}, "") == [4]
