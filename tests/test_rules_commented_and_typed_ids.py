"""TA601 commented-out-test, TA602 disabled-test-module, TA701 bad-typed-id: spans, severities,
options reaching the rules end to end, and the f-string reasoning.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: commented-out tests and typed IDs are found precisely
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_project, write_project
from testaudit.errors import ConfigError
from testaudit.model import Severity
from testaudit.rules._commented import classify_lines, find_commented_tests
from testaudit.rules.bad_typed_id import Matcher, _default_id_types, regex_examples

BVJ = '"""Module.\n\nBVJ: x\n"""\n'


def _findings(tmp_path: Path, files, code: str, pyproject: str = ""):  # type: ignore[no-untyped-def]
    write_project(tmp_path, files, pyproject)
    return [f for f in run_project(tmp_path).findings if f.code == code]


def _tests(text: str):  # type: ignore[no-untyped-def]
    lines = classify_lines(text.splitlines(), ("REMOVED_SYNTAX_ERROR:",))
    return [(t.name, t.kind, t.start, t.end) for t in find_commented_tests(lines, ("test*",))]


# -- TA601 ---------------------------------------------------------------------------------
def test_block_spans_decorators_and_ends_at_blank_line_or_next_definition() -> None:
    text = ("# @pytest.mark.slow\n# def test_a():\n#     assert 1\n# def test_b():\n#     assert 2\n\n"
            "#     assert 3\n")
    assert _tests(text) == [("test_a", "function", 1, 3), ("test_b", "function", 4, 5)]


def test_prose_and_helpers_are_not_definitions() -> None:
    text = ("# test_login covers the happy path\n# see def test_x in module y\n"
            "# TODO: def test_foo is flaky\n# def test_foo is flaky\n# def helper():\n#     pass\n"
            "# class TestHelper:\n#     def __init__(self):\n#         pass\n")
    assert _tests(text) == []


def test_class_is_reported_once_with_methods_across_blank_lines() -> None:
    text = ("# REMOVED_SYNTAX_ERROR: class TestA:\n    # REMOVED_SYNTAX_ERROR: '''doc'''\n\n"
            "# REMOVED_SYNTAX_ERROR: def test_one(self):\n    # REMOVED_SYNTAX_ERROR: pass\n\n"
            "# REMOVED_SYNTAX_ERROR: def test_two(self):\n    # REMOVED_SYNTAX_ERROR: pass\n\n"
            "# REMOVED_SYNTAX_ERROR: def test_module_level():\n    # REMOVED_SYNTAX_ERROR: pass\n")
    assert _tests(text) == [("TestA", "class", 1, 8), ("test_module_level", "function", 10, 11)]


def test_class_region_ends_at_live_code() -> None:
    text = "# class TestA:\n#     def test_one(self):\n#         pass\nx = 1\n# def test_two(self):\n#     pass\n"
    assert _tests(text) == [("TestA", "class", 1, 3), ("test_two", "function", 5, 6)]


def test_ta601_location_and_message(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + "\n\ndef test_live():\n    assert 1\n\n\n"
                                      "    # @pytest.mark.slow\n    # def test_gone():\n    #     assert 2\n"}
    [finding] = _findings(tmp_path, files, "TA601")
    loc = finding.location
    assert (loc.line, loc.column, loc.end_line) == (11, 5, 13)
    assert "`test_gone`" in finding.message


def test_ta601_runs_on_files_that_do_not_parse(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + "def test_live(:\n    pass\n# def test_gone():\n#     assert 2\n"}
    write_project(tmp_path, files)
    codes = sorted((f.code, f.location.line) for f in run_project(tmp_path).findings
                   if f.code in ("TA001", "TA601", "TA602"))
    assert codes == [("TA001", 5), ("TA601", 7)]


def test_ta601_respects_python_functions_and_disable_markers(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + "def check_live():\n    assert 1\n\n\n"
                                      "# DISABLED BY BOT: def check_gone():\n#     assert 2\n\n"
                                      "# def test_not_a_test_name_here():\n#     assert 3\n"}
    config = ('python-functions = ["check_*"]\n[tool.testaudit.rules.commented-out-test]\n'
              'disable-markers = ["DISABLED BY BOT:"]\n')
    found = _findings(tmp_path, files, "TA601", config)
    assert [(f.location.line, f.message.split("`")[1]) for f in found] == [(9, "check_gone")]


def test_ta601_not_run_on_support_modules(tmp_path: Path) -> None:
    files = {"tests/conftest.py": "# def test_gone():\n#     assert 2\n"}
    assert _findings(tmp_path, files, "TA601") == []


def test_ta601_and_ta602_share_one_scan_of_the_comments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both rules read the same classified comments: the file's lines are classified once, and each
    rule still reports what it reports alone."""
    import testaudit.rules.commented_out_test as ta601

    scans = []
    real = ta601.classify_lines
    monkeypatch.setattr(ta601, "classify_lines", lambda lines, markers: scans.append(len(lines)) or real(lines, markers))
    write_project(tmp_path, {"tests/test_gone.py": BVJ + "\n# def test_total():\n#     assert total(1) == 1\n"})
    result = run_project(tmp_path, jobs=1, cache=False)
    assert sorted(f.code for f in result.findings if f.code in ("TA601", "TA602")) == ["TA601", "TA602"]
    assert scans == [7]


# -- TA602 ---------------------------------------------------------------------------------
def test_ta602_only_when_no_live_tests(tmp_path: Path) -> None:
    files = {
        "tests/test_dead.py": BVJ + "# def test_gone():\n#     assert 2\n",
        "tests/test_alive.py": BVJ + "def test_live():\n    assert 1\n# def test_gone():\n#     assert 2\n",
        "tests/test_async_alive.py": BVJ + "class TestX:\n    async def test_live(self):\n        assert 1\n"
                                           "# def test_gone():\n#     assert 2\n",
        "tests/test_empty.py": "",
    }
    found = _findings(tmp_path, files, "TA602")
    assert [(f.path, f.location.line) for f in found] == [("tests/test_dead.py", 1)]


def test_ta602_marker_ratio_is_strictly_more_than_half(tmp_path: Path) -> None:
    half = "x = 1\ny = 2\n# REMOVED_SYNTAX_ERROR: a = 1\n# REMOVED_SYNTAX_ERROR: b = 2\n"
    more = half + "# REMOVED_SYNTAX_ERROR: c = 3\n"
    files = {"tests/test_half.py": half, "tests/test_more.py": more}
    found = _findings(tmp_path, files, "TA602")
    assert [f.path for f in found] == ["tests/test_more.py"]
    assert "60%" in found[0].message


def test_ta602_disable_markers_option(tmp_path: Path) -> None:
    files = {"tests/test_a.py": "# OFF: a = 1\n# OFF: b = 2\nc = 3\n"}
    config = '[tool.testaudit.rules.TA602]\ndisable-markers = ["OFF:"]\n'
    assert len(_findings(tmp_path, files, "TA602", config)) == 1


# -- TA701 ---------------------------------------------------------------------------------
def test_legacy_formats_are_warnings(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + "def test_a():\n    assert go(user_id='test-user-1', other=go(user_id='alice'))\n"}
    found = _findings(tmp_path, files, "TA701")
    assert [(f.location.column, f.severity) for f in found] == [(23, Severity.WARNING), (55, Severity.ERROR)]


def test_id_types_and_negative_tests_options_reach_the_rule(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + (
        "def test_threads():\n"
        "    assert ThreadID('t-1') and go(thread_id='thread_1_0a1b2c3d', user_id='anything')\n"
        "    assert go(thread_id='thread-9')\n\n\n"
        "def test_bogus_thread():\n    assert go(thread_id='nope')\n")}
    config = ('[tool.testaudit.rules.bad-typed-id]\nnegative-tests = "bogus"\n'
              '[tool.testaudit.rules.bad-typed-id.id-types.ThreadID]\n'
              'constructors = ["ThreadID"]\nkeys = ["thread_id"]\n'
              'valid = ["^thread_\\\\d+_[0-9a-f]{8}$"]\nlegacy = ["^thread-\\\\d+$"]\n')
    found = _findings(tmp_path, files, "TA701", config)
    assert [(f.location.line, f.severity) for f in found] == [(6, Severity.ERROR), (7, Severity.WARNING)]


def test_an_assigned_name_takes_the_longest_key_it_ends_with(tmp_path: Path) -> None:
    """``my_account_id`` ends with ``id`` and ``account_id``: the longer key's type judges it; keys
    of equal length (compared lowered) go to the type configured first."""
    files = {"tests/test_a.py": BVJ + (
        "def test_a():\n"
        "    my_account_id = 'acct_1'\n"  # AccountID: valid
        "    row_id = 'acct_1'\n"  # ShortID: invalid
        "    Old_Account_ID = 's'\n"  # AccountID, whatever the case: invalid
        "    x_ref_id = 'a'\n"  # RefA (first of two equal keys): valid
        "    y_ref_id = 'b'\n"  # RefA: invalid
        "    assert my_account_id and row_id and Old_Account_ID and x_ref_id and y_ref_id\n")}
    config = ('[tool.testaudit.rules.bad-typed-id.id-types]\n'
              'ShortID = { keys = ["id"], valid = ["^s$"] }\n'
              'AccountID = { keys = ["account_id"], valid = ["^acct_\\\\d+$"] }\n'
              'RefA = { keys = ["ref_id"], valid = ["^a$"] }\n'
              'RefB = { keys = ["REF_ID"], valid = ["^b$"] }\n')
    found = _findings(tmp_path, files, "TA701", config)
    assert [f.location.line for f in found] == [7, 8, 10]


@pytest.mark.parametrize("table,key", [
    ('[tool.testaudit.rules.TA701.id-types.UserID]\nconstructor = ["UserID"]\nvalid = ["^u$"]\n', "constructor"),
    ('[tool.testaudit.rules.TA701.id-types.UserID]\nvalid = ["^user_(\\\\d+$"]\n', "valid"),
    ('[tool.testaudit.rules.TA701]\nnegative-tests = "(bad"\n', "negative-tests"),
])
def test_bad_id_types_config_is_an_error(tmp_path: Path, table: str, key: str) -> None:
    write_project(tmp_path, {"tests/test_a.py": "x = 1\n"}, table)
    # a bad regex is a ConfigError from the registry; a bad table shape is a ValueError from
    # the rule's Options (rules may not import testaudit.errors)
    with pytest.raises((ConfigError, ValueError)) as info:
        run_project(tmp_path)
    assert key in str(info.value)


def test_raises_blocks_and_negative_names(tmp_path: Path) -> None:
    files = {"tests/test_a.py": BVJ + (
        "import pytest\nfrom pytest import raises\n\n\n"
        "class TestIds:\n"
        "    def test_a(self):\n"
        "        with pytest.raises(ValueError):\n            UserID('a')\n"
        "        with raises(ValueError):\n            UserID('b')\n"
        "        with self.assertRaises(ValueError):\n            UserID('c')\n"
        "        UserID('d')\n\n"
        "    def test_sql_injection(self):\n        UserID(\"' OR 1=1 --\")\n")}
    found = _findings(tmp_path, files, "TA701")
    assert [f.message.split("`")[1] for f in found] == ['"d"']


@pytest.mark.parametrize("parts,possible", [
    (["test-user-", None], False),
    (["customer-", None, "-x"], False),
    (["user_", None], True),
    (["user_", None, "_", None, "_", None], True),
    (["user_", None, "_deadbeef"], True),
    ([None, "_user_", None], True),
    ([None, "-", None], True),
])
def test_fstring_reasoning(parts, possible: bool) -> None:  # type: ignore[no-untyped-def]
    matcher = Matcher("UserID", _default_id_types()["UserID"])
    assert matcher.template_can_match(parts, matcher.valid) is possible


def test_regex_examples_match_their_regex() -> None:
    for pattern in (*_default_id_types()["UserID"]["valid"], *_default_id_types()["UserID"]["legacy"]):
        assert regex_examples(pattern), pattern
