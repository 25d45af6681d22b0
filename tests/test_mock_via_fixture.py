"""TA102 beyond the fixtures_repo scenarios: partial runs and the chain in JSON.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: a pre-commit run over one staged file still sees mocks in parent conftest files
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_project
from testaudit.report.json import finding_dict

CHAIN = "scenarios/conftest_chain/integration/test_chain.py"


def test_a_run_naming_one_file_follows_parent_conftest_files() -> None:
    result = run_project(FIXTURES, paths=[CHAIN], select=["TA102"])
    assert result.files_checked == 1
    assert [(f.path, f.line) for f in result.findings] == [(CHAIN, 11), (CHAIN, 15)]


def test_json_carries_the_chain_and_node_id() -> None:
    result = run_project(FIXTURES, paths=[CHAIN], select=["TA102"])
    first = finding_dict(result.findings[0])
    assert first["chain"] == [
        "test_login",
        "fixture session (scenarios/conftest_chain/integration/conftest.py:6)",
        "fixture auth_client (scenarios/conftest_chain/conftest.py:8)",
        "MagicMock",
    ]
    assert first["message"] == " → ".join(first["chain"])
    assert first["node_id"] == f"{CHAIN}::test_login" and first["category"] == "integration"


def test_findings_only_for_the_named_files(tmp_path: Path) -> None:
    result = run_project(FIXTURES, paths=["scenarios/clean/integration/test_clean.py"], select=["TA102"])
    assert result.findings == ()


def test_a_base_class_set_up_is_traced_once_for_all_the_tests_of_a_class(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from conftest import write_project
    from testaudit.rules import _reach as reach

    bases = ('"""Bases."""\nfrom unittest.mock import patch\n\n\nclass PatchedBase:\n'
             '    def setUp(self):\n        self.p = patch("app.x")\n')
    test = ('"""Doc.\n\nBVJ: x\n"""\nfrom tests.bases import PatchedBase\n\n\nclass TestA(PatchedBase):\n'
            + "".join(f"    def test_{n}(self):\n        assert self.p\n\n" for n in range(3))
            + "\nclass TestB(PatchedBase):\n    def test_b(self):\n        assert self.p\n")
    root = write_project(tmp_path, {"tests/__init__.py": "", "tests/bases.py": bases,
                                    "tests/integration/test_a.py": test})
    traced = []
    real = reach.Tracer._base_setups
    monkeypatch.setattr(reach.Tracer, "_base_setups", lambda self, classes: traced.append(classes) or real(self, classes))
    result = run_project(root, select=["TA102"])
    assert [f.line for f in result.findings] == [9, 12, 15, 20]  # every test of both classes
    assert all(f.chain[-1] == "patch" for f in result.findings)
    assert traced == [(("tests/bases.py", "PatchedBase"),)]  # both classes have the same bases: once


def test_helper_objects_are_followed_through_inherited_methods_and_import_fallbacks(tmp_path: Path) -> None:
    """Issue 29: a context manager's entry inherited from a project base, a method called on an
    instance bound by `with … as`, and `except ImportError:` fallbacks — silent when the project
    has the module the `try:` imports, followed when it does not (the fallback then runs)."""
    from conftest import write_project

    clients = ('"""Clients."""\nfrom unittest.mock import AsyncMock, MagicMock\n\n\n'
               "class BaseClient:\n    async def __aenter__(self):\n        self.conn = AsyncMock()\n"
               "        return self\n\n    async def __aexit__(self, *exc):\n        return False\n\n\n"
               "class ChatClient(BaseClient):\n    def history(self):\n        try:\n"
               "            from app.store import History\n        except ImportError:\n"
               "            return MagicMock()\n        return History()\n\n"
               "    def presence(self):\n        try:\n            import vendor_sdk.presence\n"
               "        except ModuleNotFoundError:\n            return MagicMock()\n"
               "        return vendor_sdk.presence\n")
    test = ('"""Doc.\n\nBVJ: x\n"""\nimport pytest\n\nfrom tests.clients import ChatClient\n\n\n'
            "@pytest.mark.e2e\nasync def test_enter():\n    async with ChatClient() as chat:\n"
            "        assert chat.history()\n\n\n"
            "@pytest.mark.e2e\ndef test_presence():\n    chat = ChatClient()\n    assert chat.presence()\n")
    importing = test.replace("import pytest\n", "import pytest\nimport vendor_sdk.presence\n")
    root = write_project(tmp_path, {"tests/__init__.py": "", "tests/clients.py": clients, "app/__init__.py": "",
                                    "app/store.py": "class History:\n    pass\n", "tests/e2e/test_chat.py": test,
                                    "tests/e2e/test_chat_importing_the_sdk.py": importing})
    result = run_project(root, select=["TA102"])
    assert [(f.path.rsplit("/", 1)[-1], f.chain) for f in result.findings] == [
        ("test_chat.py", ("test_enter", "helper BaseClient.__aenter__ (tests/clients.py:6)", "AsyncMock")),
        ("test_chat.py", ("test_presence", "helper ChatClient.presence (tests/clients.py:22)", "MagicMock")),
        # the module imports vendor_sdk itself: when it runs, presence()'s fallback cannot
        ("test_chat_importing_the_sdk.py",
         ("test_enter", "helper BaseClient.__aenter__ (tests/clients.py:6)", "AsyncMock")),
    ]
