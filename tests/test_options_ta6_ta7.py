"""End-to-end option cases for TA601 commented-out-test, TA602 disabled-test-module and TA701
bad-typed-id, in the shape of `test_options_reach_rules.CASES`: (code, option key, TOML value,
files, lines reported with defaults, lines reported with the option set).

`test_options_reach_rules.test_every_option_has_an_end_to_end_case` counts these as covered.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: commented-out-test and typed-ID options reach their rules
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations


TA6_TA7_CASES = [
    ("TA601", "disable-markers", "['OFF:']",
     {"tests/test_a.py": "def test_live():\n    assert 1\n\n\n# OFF: def test_gone():\n#     assert 2\n"}, [], [5]),
    ("TA602", "disable-markers", "['OFF:']",
     {"tests/test_a.py": "# OFF: a = 1\n# OFF: b = 2\nc = 3\n"}, [], [1]),
    ("TA701", "id-types", "{ AccountID = { keys = ['account_id'], valid = ['^acct_\\d+$'] } }",
     {"tests/test_a.py": "def test_a():\n    assert go(user_id='alice')\n    assert go(account_id='acct-1')\n"
                         "    assert go(account_id='acct_1')\n"}, [2], [3]),
    ("TA701", "negative-tests", "'legacy'",
     {"tests/test_a.py": "def test_legacy_flow():\n    assert go(user_id='alice')\n\n\n"
                         "def test_rejects_bad_ids():\n    assert go(user_id='bob')\n"}, [2], [6]),
]

