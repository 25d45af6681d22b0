"""End-to-end option cases for TA401 missing-bvj, TA402 displaced-bvj and TA403 incomplete-bvj,
in the shape of `test_options_reach_rules.CASES`: (code, option key, TOML value, files, lines
reported with defaults, lines reported with the option set).

`test_options_reach_rules.test_every_option_has_an_end_to_end_case` counts these as covered.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: BVJ options reach their rules
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

TEST = "\n\ndef test_a():\n    assert 1\n"

BVJ_CASES = [
    # a team whose header is "Business Value:" (not a header by default)
    ("TA401", "bvj-header", "'(?i)business value'",
     {"tests/test_a.py": '"""Checkout.\n\nBusiness Value: totals are right.\n"""\n' + TEST}, [1], []),
    # a team whose header is "Rationale:": the displaced one is found only with the option
    ("TA402", "bvj-header", "'(?i)\\brationale\\b'",
     {"tests/test_a.py": 'import os\n"""Rationale: paths resolve."""\n' + TEST}, [], [2]),
    ("TA403", "bvj-header", "'(?i)\\brationale\\b'",
     {"tests/test_a.py": '"""Paths.\n\nRationale: paths resolve.\n"""\n' + TEST}, [], [1]),
    ("TA403", "bvj-fields", "{ Owner = ['Owner', 'Team'] }",
     {"tests/test_a.py": '"""Paths.\n\nBVJ:\n- Team: platform\n"""\n' + TEST}, [1], []),
]



def test_bvj_fields_message_names_the_missing_fields(tmp_path: Path) -> None:
    from conftest import run_project, write_project

    files = {"tests/test_a.py": '"""Paths.\n\nBusiness Value Justification (BVJ):\n- **Segment:** All\n'
                                '1) Goal: speed\n"""\n' + TEST}
    write_project(tmp_path, files)
    (finding,) = run_project(tmp_path, select=["TA403"]).findings
    assert finding.message == "BVJ lacks Value Impact, Impact"
    assert finding.severity.value == "warning"
