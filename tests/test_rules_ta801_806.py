"""TA801 test-without-assertion, TA802 skipped-without-reason, TA803 sleep-in-test and TA806
swallowed-exception: helper following, categories, support modules, options.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: tests that cannot fail, hidden skips and fixed sleeps are found precisely
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

from conftest import run_project, write_project

# (code, option key, TOML value, files, lines reported with defaults, lines reported with the option)
TA8A_CASES = [
    ("TA801", "assertion-helpers", "['^confirm_']",
     {"tests/test_a.py": "def test_a(order):\n    confirm_total(order)\n\n\n"
                         "def test_b(order):\n    verify_total(order)\n"}, [1], [5]),
    # extends the defaults instead of replacing them: verify_total still counts
    ("TA801", "extend-assertion-helpers", "['^confirm_']",
     {"tests/test_a.py": "def test_a(order):\n    confirm_total(order)\n\n\n"
                         "def test_b(order):\n    verify_total(order)\n"}, [1], []),
    ("TA802", "runtime-skip-in-except", "['unit']",
     {"tests/unit/test_a.py": "import pytest\n\n\ndef test_a(db):\n    try:\n        db.ping()\n"
                              "    except OSError:\n        pytest.skip('db down')\n    assert db\n"}, [], [8]),
    ("TA803", "max-seconds", "1.0",
     {"tests/test_a.py": "import time\n\n\ndef test_a(q):\n    time.sleep(0.5)\n    time.sleep(1)\n"
                         "    time.sleep(2)\n    assert q\n"}, [5, 6, 7], [7]),
    ("TA806", "allowed-exceptions", "['KeyError']",
     {"tests/test_a.py": "import asyncio\n\n\nasync def test_a(task):\n    try:\n        assert await task\n"
                         "    except asyncio.CancelledError:\n        pass\n    try:\n        assert await task\n"
                         "    except KeyError:\n        pass\n    assert task\n"}, [11], [7]),
    ("TA806", "narrow-handlers", "true",
     {"tests/test_a.py": "def test_a(d, ws):\n    try:\n        d.pop()\n    except IndexError:\n        pass\n"
                         "    for _ in range(3):\n        try:\n            ws.recv(timeout=1)\n"
                         "        except TimeoutError:\n            continue\n    assert d\n"}, [], [4]),
]


def _found(tmp: Path, files: Dict[str, str], code: str, table: str = "") -> List[Tuple[str, int]]:
    write_project(tmp, files, table)
    result = run_project(tmp, select=[code])
    return sorted((f.path, f.location.line) for f in result.findings if f.code == code)


# -- TA801 ---------------------------------------------------------------------------------------
def test_ta801_follows_helpers_transitively_with_a_recursion_guard(tmp_path: Path) -> None:
    source = (
        "def _a(x, n):\n    return _b(x, n - 1) if n else _c(x)\n\n\n"
        "def _b(x, n):\n    return _a(x, n)\n\n\n"
        "def _c(x):\n    assert x\n\n\n"
        "def _loop(x):\n    return _loop(x)\n\n\n"
        "def test_reaches_an_assertion(x):\n    _a(x, 3)\n\n\n"
        "def test_only_a_cycle(x):\n    _loop(x)\n"
    )
    assert _found(tmp_path, {"tests/test_a.py": source}, "TA801") == [("tests/test_a.py", 21)]


def test_ta801_methods_of_the_class_and_its_same_module_bases(tmp_path: Path) -> None:
    source = (
        "from elsewhere import RemoteBase\n\n\n"
        "class Checks:\n    def _ok(self, r):\n        self.assertEqual(r, 1)\n\n\n"
        "class TestA(Checks):\n    def test_inherited(self, r):\n        self._ok(r)\n\n"
        "    def test_unknown_method(self, r):\n        self._remote(r)\n\n\n"
        "class TestB(RemoteBase):\n    def test_inherited_from_elsewhere(self, r):\n        self._ok(r)\n"
    )
    # `_ok` of TestB comes from a base this module does not define: not followed, reported
    assert _found(tmp_path, {"tests/test_a.py": source}, "TA801") == [("tests/test_a.py", 13),
                                                                       ("tests/test_a.py", 18)]


def test_ta801_only_checks_test_modules_and_test_classes(tmp_path: Path) -> None:
    files = {
        "tests/helpers.py": "def test_like_helper(x):\n    return x\n",
        "tests/test_a.py": "class Probe:\n    def test_connection(self):\n        return True\n\n\n"
                           "class ProbeRunner(Probe):\n    def test_probe(self):\n        self.test_connection()\n",
    }
    # ProbeRunner is neither named like a test class nor derived from a test base
    assert _found(tmp_path, files, "TA801") == []
    files["tests/test_a.py"] = files["tests/test_a.py"].replace("ProbeRunner(Probe)", "ProbeRunner(Probe, BaseE2ETest)")
    assert _found(tmp_path / "based", files, "TA801") == [("tests/test_a.py", 7)]
    files["tests/test_a.py"] = files["tests/test_a.py"].replace("ProbeRunner(Probe, BaseE2ETest)", "ProbeTests(Probe)")
    assert _found(tmp_path / "named", files, "TA801") == [("tests/test_a.py", 7)]
    # a class that is a test class by its name only, whose method returns a result: a helper
    files["tests/test_a.py"] = files["tests/test_a.py"].replace("        self.test_connection()",
                                                                "        return self.test_connection()")
    assert _found(tmp_path / "returns", files, "TA801") == []


def test_ta801_trivial_assertion_is_reported_once(tmp_path: Path) -> None:
    source = "def test_a(x):\n    x.run()\n    assert x or True, 'ran'\n"
    write_project(tmp_path, {"tests/test_a.py": source})
    (finding,) = [f for f in run_project(tmp_path, select=["TA801"]).findings]
    assert (finding.location.line, finding.message) == (3, "`assert x or True` always passes; assert on the result")
    assert finding.node_id == "tests/test_a.py::test_a"


def test_ta801_inline_suppression(tmp_path: Path) -> None:
    source = "def test_smoke(app):  # testaudit: ignore[TA801]\n    app.start()\n"
    assert _found(tmp_path, {"tests/test_a.py": source}, "TA801") == []


# -- TA802 ---------------------------------------------------------------------------------------
SKIP_IN_EXCEPT = ("import pytest\n\n\ndef test_a(svc):\n    try:\n        svc.ping()\n    except OSError:\n"
                  "        pytest.skip('service down')\n    assert svc\n")


def test_ta802_runtime_skip_in_except_by_category(tmp_path: Path) -> None:
    files = {f"tests/{cat}/test_{cat}.py": SKIP_IN_EXCEPT for cat in ("integration", "e2e", "unit")}
    files["tests/test_plain.py"] = SKIP_IN_EXCEPT
    files["tests/test_marked.py"] = SKIP_IN_EXCEPT.replace("def test_a", "@pytest.mark.integration\ndef test_a")
    assert _found(tmp_path, files, "TA802") == [("tests/e2e/test_e2e.py", 8),
                                                ("tests/integration/test_integration.py", 8),
                                                ("tests/test_marked.py", 9)]
    assert _found(tmp_path / "off", files, "TA802",
                  "[tool.testaudit.rules.TA802]\nruntime-skip-in-except = []\n") == []


def test_ta802_in_a_conftest_fixture(tmp_path: Path) -> None:
    conftest = ("import pytest\n\n\n@pytest.fixture\ndef svc(url):\n    try:\n        return connect(url)\n"
                "    except OSError:\n        pytest.skip('service down')\n")
    files = {"tests/integration/conftest.py": conftest, "tests/unit/conftest.py": conftest,
             "tests/integration/test_a.py": "def test_a(svc):\n    assert svc\n"}
    assert _found(tmp_path, files, "TA802") == [("tests/integration/conftest.py", 9)]


# -- TA803 ---------------------------------------------------------------------------------------
def test_ta803_fixtures_in_conftest_but_not_helpers(tmp_path: Path) -> None:
    files = {"tests/conftest.py": "import time\nimport pytest\n\n\n@pytest.fixture\ndef server():\n"
                                  "    time.sleep(2)\n    return 1\n\n\ndef wait():\n    time.sleep(2)\n",
             "tests/test_a.py": "def test_a(server):\n    assert server\n"}
    assert _found(tmp_path, files, "TA803") == [("tests/conftest.py", 7)]


def test_ta803_message_names_the_call(tmp_path: Path) -> None:
    write_project(tmp_path, {"tests/test_a.py": "from time import sleep as nap\n\n\ndef test_a(q):\n"
                                                "    nap(60 * 2)\n    assert q\n"})
    (finding,) = run_project(tmp_path, select=["TA803"]).findings
    assert finding.message.startswith("`nap(120)` in a test")


# -- TA806 ---------------------------------------------------------------------------------------
def test_ta806_reports_the_handler_and_what_it_catches(tmp_path: Path) -> None:
    source = ("def test_a(api):\n    try:\n        assert api.sync()\n    except (KeyError, ValueError):\n"
              "        pass\n    finally:\n        try:\n            api.close()\n        except Exception:\n"
              "            pass\n")
    write_project(tmp_path, {"tests/test_a.py": source})
    (finding,) = run_project(tmp_path, select=["TA806"]).findings
    assert finding.location.line == 4
    assert "swallows `(KeyError, ValueError)`" in finding.message


def test_string_rules_see_through_escapes(tmp_path: Path) -> None:
    """TA805 and TA301 skip a string literal whose text cannot hold what they look for (no colon,
    no `os.`), but only when it has no escape: an escaped colon or dot is still read."""
    files = {"tests/test_a.py": (
        "from unittest import mock\n\n\n"
        "def test_a(client):\n    assert client.get('http://localhost\\x3a8080/health')\n"
        "    with mock.patch.dict('os\\x2eenviron', {'MODE': 'test'}):\n        assert client\n"
        "    assert client.get('http://localhost/health')\n")}
    assert _found(tmp_path, files, "TA805") == [("tests/test_a.py", 5)]
    assert _found(tmp_path, files, "TA301") == [("tests/test_a.py", 6)]
