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
