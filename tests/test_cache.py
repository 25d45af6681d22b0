"""The content-hash cache: unchanged files are never parsed again, and nothing stale is reported.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Retention
- Value Impact: a pre-commit hook that answers at once, with the same findings as a cold run
- Strategic Impact: a fast tool is a tool that stays in the hook
"""
from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import pytest

from conftest import copy_fixtures, run_project, write_project
from testaudit import analyze, engine
from testaudit.cache import DB, DIR
from testaudit.model import RunResult
from testaudit.report.json import to_dict

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef client():\n    return object()\n"
MOCKING_CONFTEST = ("import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\ndef client():\n"
                    "    return MagicMock()\n")
TEST = BVJ + "\n\ndef test_login(client):\n    assert client is not None\n"


def _json(result: RunResult) -> dict:
    return to_dict(result)


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The files analyze_file parses (runs are in-process: jobs=1)."""
    seen: List[str] = []
    real: Callable = analyze.analyze_file

    def spy(src, role="check"):  # type: ignore[no-untyped-def]
        seen.append(src.rel)
        return real(src, role)

    monkeypatch.setattr(analyze, "analyze_file", spy)
    return seen


def test_warm_run_equals_cold_run_and_parses_nothing(tmp_path: Path, parsed: List[str]) -> None:
    root = copy_fixtures(tmp_path)
    uncached = _json(run_project(root))
    assert not (root / DIR).exists()  # the API does not cache unless asked
    parsed.clear()
    cold = _json(run_project(root, cache=True))
    assert cold == uncached and len(parsed) > 40
    parsed.clear()
    warm_result = run_project(root, cache=True)
    assert _json(warm_result) == uncached
    assert parsed == []
    assert warm_result.findings == run_project(root).findings  # every field, not only the serialised ones
    assert (root / DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_only_changed_files_are_parsed_again(tmp_path: Path, parsed: List[str]) -> None:
    root = write_project(tmp_path, {"tests/integration/conftest.py": CONFTEST,
                                    "tests/integration/test_login.py": TEST,
                                    "tests/unit/test_other.py": TEST.replace("client", "value")})
    run_project(root, cache=True)
    test_file = root / "tests/integration/test_login.py"
    os.utime(test_file, None)  # touched, same content
    parsed.clear()
    run_project(root, cache=True)
    assert parsed == []
    test_file.write_text(TEST + "\n\ndef test_more(client):\n    assert client\n", encoding="utf-8")
    parsed.clear()
    result = run_project(root, cache=True)
    assert parsed == ["tests/integration/test_login.py"]
    assert result.findings == run_project(root).findings


def test_a_change_in_a_conftest_reaches_the_tests_that_use_it(tmp_path: Path, parsed: List[str]) -> None:
    root = write_project(tmp_path, {"tests/integration/conftest.py": CONFTEST,
                                    "tests/integration/test_login.py": TEST})
    assert [f.code for f in run_project(root, cache=True).findings] == []
    (root / "tests/integration/conftest.py").write_text(MOCKING_CONFTEST, encoding="utf-8")
    parsed.clear()
    warm = run_project(root, cache=True)
    assert parsed == ["tests/integration/conftest.py"]  # the test module itself comes from the cache
    assert ("tests/integration/test_login.py", "TA102") in {(f.path, f.code) for f in warm.findings}
    assert _json(warm) == _json(run_project(root))


def test_a_new_conftest_in_a_parent_directory_is_noticed(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/integration/test_login.py": TEST})
    run_project(root, paths=["tests/integration/test_login.py"], cache=True)
    (root / "tests/conftest.py").write_text(MOCKING_CONFTEST, encoding="utf-8")
    warm = run_project(root, paths=["tests/integration/test_login.py"], cache=True)
    assert [f.code for f in warm.findings] == ["TA102"]


def test_a_helper_module_changing_reaches_its_importers(tmp_path: Path) -> None:
    helper_clean = "def make_client():\n    return object()\n"
    helper_mock = "from unittest.mock import MagicMock\n\n\ndef make_client():\n    return MagicMock()\n"
    test = BVJ + "from helpers.factory import make_client\n\n\ndef test_x():\n    assert make_client()\n"
    root = write_project(tmp_path, {"helpers/__init__.py": "", "helpers/factory.py": helper_clean,
                                    "tests/integration/test_x.py": test})
    assert run_project(root, paths=["tests"], cache=True).findings == ()
    (root / "helpers/factory.py").write_text(helper_mock, encoding="utf-8")
    warm = run_project(root, paths=["tests"], cache=True)
    assert [f.code for f in warm.findings] == ["TA102"]


def test_corrupt_cache_is_discarded_with_a_warning(tmp_path: Path) -> None:
    root = copy_fixtures(tmp_path)
    expected = _json(run_project(root))["findings"]
    run_project(root, cache=True)
    (root / DIR / DB).write_bytes(b"this is not a database" * 100)
    result = run_project(root, cache=True)
    assert any("cache discarded" in w.message and "corrupt" in w.message for w in result.warnings)
    assert _json(result)["findings"] == expected
    again = run_project(root, cache=True)
    assert not [w for w in again.warnings if DIR in w.path]


@pytest.mark.parametrize("keep", [0, 100, 4096, 0.5])
def test_a_truncated_cache_is_discarded_with_a_warning(tmp_path: Path, keep: float) -> None:
    root = copy_fixtures(tmp_path)
    expected = _json(run_project(root))["findings"]
    run_project(root, cache=True)
    db = root / DIR / DB
    data = db.read_bytes()
    db.write_bytes(data[:int(len(data) * keep) if isinstance(keep, float) else keep])
    result = run_project(root, cache=True)
    assert _json(result)["findings"] == expected
    if keep:  # an empty file is a valid (empty) SQLite database: nothing to warn about
        assert any("cache discarded" in w.message for w in result.warnings), result.warnings
    again = run_project(root, cache=True)
    assert not [w for w in again.warnings if DIR in w.path]
    assert _json(again)["findings"] == expected


def test_foreign_version_is_discarded_with_a_warning(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": TEST})
    run_project(root, cache=True)
    with sqlite3.connect(root / DIR / DB) as conn:
        conn.execute("UPDATE meta SET value = '0.0.1' WHERE key = 'version'")
    result = run_project(root, cache=True)
    assert any("written by testaudit 0.0.1" in w.message for w in result.warnings)


def test_unreadable_entries_are_ignored_never_executed(tmp_path: Path) -> None:
    files = {f"tests/test_{i}.py": TEST for i in range(60)}  # enough for a whole-run record too
    files["tests/test_b.py"] = "def test_b():\n    pass\n"
    root = write_project(tmp_path, files)
    expected = _json(run_project(root))["findings"]
    run_project(root, cache=True)
    planted = "cos\nsystem\n(S'echo pwned'\ntR."  # a pickle that would run a command: not JSON, never unpickled
    with sqlite3.connect(root / DIR / DB) as conn:
        assert conn.execute("UPDATE meta SET value = ? WHERE key LIKE 'run:%'", (planted,)).rowcount == 1
        conn.execute("UPDATE outcomes SET value = ?", (planted,))
    result = run_project(root, cache=True)
    assert _json(result)["findings"] == expected
    assert any("unreadable, ignored" in w.message for w in result.warnings)


def test_a_cache_that_cannot_be_created_only_warns(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_a.py": TEST})
    (root / DIR).write_text("a file where the cache folder should be", encoding="utf-8")
    result = run_project(root, cache=True)
    assert [w.message for w in result.warnings if w.path == DIR][0].startswith("cache disabled")
    assert result.files_checked == 1


def test_concurrent_runs_do_not_corrupt_the_cache(tmp_path: Path) -> None:
    root = copy_fixtures(tmp_path)
    expected = _json(run_project(root))["findings"]
    cmd = [sys.executable, "-m", "testaudit", "check", str(root), "--format", "json", "-j", "1"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for out, err in outputs:
        assert json.loads(out)["findings"] == expected, err
        assert "cache" not in err
    warm = run_project(root, cache=True)
    assert _json(warm)["findings"] == expected
    assert not [w for w in warm.warnings if DIR in w.path]


def test_a_warm_run_with_nothing_changed_imports_neither_libcst_nor_networkx(tmp_path: Path) -> None:
    """Nor the process pool's machinery: a warm run starts no workers."""
    root = copy_fixtures(tmp_path)
    run_project(root, cache=True)
    code = ("import sys\nfrom testaudit.api import check_paths, load\n"
            f"result = check_paths([{str(root)!r}], load([{str(root)!r}]), jobs=2, cache=True)\n"
            "print(len(result.findings), 'libcst' in sys.modules, 'networkx' in sys.modules,"
            " 'concurrent.futures.process' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(len(run_project(root).findings)), "False", "False", "False"]


def _named_file_project(tmp_path: Path) -> Path:
    files = {f"tests/unit/test_unrelated_{i}.py": TEST.replace("client", "value") for i in range(20)}
    files.update({
        "tests/conftest.py": CONFTEST, "tests/integration/conftest.py": CONFTEST,
        "tests/integration/test_login.py": BVJ + "from helpers.base import BaseCase\n\n\n"
                                            "class TestLogin(BaseCase):\n    def test_x(self, client):\n"
                                            "        assert client\n",
        "helpers/__init__.py": "", "helpers/base.py": "from helpers.util import tool\n\n\nclass BaseCase:\n    pass\n",
        "helpers/util.py": "def tool():\n    return 1\n", "helpers/unused.py": "def other():\n    return 2\n",
    })
    return write_project(tmp_path, files)


def test_a_named_file_run_parses_only_what_its_rules_consult(tmp_path: Path, parsed: List[str]) -> None:
    root = _named_file_project(tmp_path)
    run_project(root, paths=["tests/integration/test_login.py"], cache=False)
    # its base class's module (category, TA501) and its conftest chain (TA102's fixtures); not the
    # modules base.py imports (helpers/__init__.py, helpers/util.py), which no rule consults
    assert sorted(parsed) == ["helpers/base.py", "tests/conftest.py", "tests/integration/conftest.py",
                              "tests/integration/test_login.py"]


def test_a_run_of_many_files_reads_the_whole_closure_up_front(tmp_path: Path, parsed: List[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = _named_file_project(tmp_path)
    monkeypatch.setattr(engine, "LAZY_MAX_FILES", 1)  # one file counts as many
    run_project(root, paths=["tests/integration/test_login.py"], cache=False)
    assert sorted(parsed) == ["helpers/__init__.py", "helpers/base.py", "helpers/util.py", "tests/conftest.py",
                              "tests/integration/conftest.py", "tests/integration/test_login.py"]


def test_the_whole_run_record_is_invalidated_by_any_change_it_depends_on(tmp_path: Path, parsed: List[str]) -> None:
    helper_clean = "def make_client():\n    return object()\n"
    helper_mock = "from unittest.mock import MagicMock\n\n\ndef make_client():\n    return MagicMock()\n"
    test = BVJ + "from helpers.factory import make_client\n\n\ndef test_x():\n    assert make_client()\n"
    files = {f"tests/unit/test_{i}.py": TEST.replace("client", "value") for i in range(60)}
    files.update({"helpers/__init__.py": "", "helpers/factory.py": helper_clean,
                  "tests/integration/deep/test_x.py": test})
    root = write_project(tmp_path, files)
    assert run_project(root, paths=["tests"], cache=True).findings == ()
    parsed.clear()
    assert run_project(root, paths=["tests"], cache=True).findings == ()
    assert parsed == []
    (root / "helpers/factory.py").write_text(helper_mock, encoding="utf-8")  # outside the checked paths
    assert [(f.path, f.code) for f in run_project(root, paths=["tests"], cache=True).findings] == [
        ("tests/integration/deep/test_x.py", "TA102")]
    (root / "helpers/factory.py").write_text(helper_clean, encoding="utf-8")
    assert run_project(root, paths=["tests"], cache=True).findings == ()
    (root / "tests/integration/conftest.py").write_text(MOCKING_CONFTEST.replace("def client", "def auto"),
                                                        encoding="utf-8")
    (root / "tests/integration/deep/test_x.py").write_text(test.replace("def test_x()", "def test_x(auto)"),
                                                           encoding="utf-8")
    run_project(root, paths=["tests"], cache=True)
    (root / "tests/integration/conftest.py").unlink()  # a conftest disappears: the probe notices
    result = run_project(root, paths=["tests"], cache=True)
    assert _json(result) == _json(run_project(root, paths=["tests"]))
    before = run_project(root, paths=["tests"], cache=True).findings
    (root / "conftest.py").write_text("import pytest\nfrom unittest.mock import MagicMock\n\n\n"
                                      "@pytest.fixture(autouse=True)\ndef everywhere():\n    return MagicMock()\n",
                                      encoding="utf-8")  # a new conftest above the checked paths
    after = run_project(root, paths=["tests"], cache=True)
    assert _json(after) == _json(run_project(root, paths=["tests"]))
    assert after.findings != before


def test_a_changed_testaudit_install_does_not_reuse_old_results(tmp_path: Path, parsed: List[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from testaudit import cache

    root = write_project(tmp_path, {"tests/test_a.py": TEST})
    run_project(root, cache=True)
    parsed.clear()
    monkeypatch.setattr(cache, "_code_stamp", lambda: (("rules/new_rule.py", 1, 1),))  # same version, new code
    run_project(root, cache=True)
    assert parsed == ["tests/test_a.py"]


def test_every_fixture_result_survives_the_cache_codec() -> None:
    """Findings (with severities, fixes, chains) and facts of every fixture file, encoded for
    SQLite and decoded, are equal to what the analysis produced."""
    from conftest import FIXTURES
    from testaudit.cache import decode, encode
    from testaudit.config import Config
    from testaudit.discover import SourceFile
    from testaudit.model import CHECK, FACTS, Severity
    from testaudit.registry import build_ruleset

    config = Config(root=str(FIXTURES))
    analyze.init_worker(config, build_ruleset(config))
    results = [analyze.analyze_file(SourceFile(str(p), p.relative_to(FIXTURES).as_posix()), role)
               for p in sorted(FIXTURES.rglob("*.py")) for role in (CHECK, FACTS)]
    assert sum(len(r.findings) for r in results) > 50 and any(f.fix for r in results for f in r.findings)
    for res in results:
        back = decode(json.loads(encode(res)))
        assert back == res
        assert all(type(f.severity) is Severity for f in back.findings)


def test_outcomes_survive_the_run_record_codec_whatever_their_ids() -> None:
    """Run records write each node id and scope once, whatever its shape, and every finding
    refers to it; they all come back as they were, fixes and hashes with their own findings."""
    from dataclasses import replace

    from testaudit.cache import decode_outcomes, encode, encode_outcomes
    from testaudit.engine import Outcome
    from testaudit.model import Edit, Finding, Fix, Location, ModuleSummary, Severity, Warning_

    path = "tests/unit/test_a.py"
    base = Finding(path, "TA101", "mock-in-integration", Severity.ERROR, "msg", Location(3, 5, 3, 9))
    ids = [None, "", path, f"{path}::test_x", f"{path}::C::test_y[a-b]", f"{path}x::t", "tests/unit/test_b.py::t",
           "::odd", "test_a.py::t"]
    fix = Fix(True, "drop it", (Edit(3, 5, 3, 9, ""),))
    findings = tuple(replace(base, node_id=node_id, scope=scope, location=Location(i + 1, 1, i + 1, 2),
                             source_hash=f"{i:016x}", stmt_line=i, fix=fix if i % 7 == 3 else None)
                     for i, (node_id, scope) in enumerate(
                         [(n, s) for n in ids for s in ("", path, n or "", f"{path}::C", "elsewhere.py::f")]))
    outcome = Outcome(path, findings, ModuleSummary(path, "unit", ("TA101",), ("TA101",)), 2,
                      (Warning_(path, "w"),))
    empty = Outcome("tests/test_empty.py", (), None, 0, ())
    text = encode(encode_outcomes([empty, outcome, empty]))
    assert decode_outcomes(json.loads(text)) == [empty, outcome, empty]
    assert text.count(f'"{path}::test_x"') == 1 and text.count(f'"{path}::C"') == 1  # once each


def test_outcomes_write_each_shared_value_once() -> None:
    """Codes, names, messages, categories, chains, tags and rule lists are written once per
    encoding and referred to by index; they come back as the same types (tuples, severities)."""
    from testaudit.cache import decode_outcomes, encode, encode_outcomes
    from testaudit.engine import Outcome
    from testaudit.model import Finding, Location, ModuleSummary, Severity

    message = "direct environment access `os.environ`; use `get_env()`"
    outcomes = [Outcome(f"tests/test_{i}.py", tuple(
        Finding(f"tests/test_{i}.py", "TA301", "os-environ-access", Severity.ERROR, message, Location(n, 1, n, 9),
                category="unit", chain=("a.b", "c.d"), tags=("env",), scope=f"tests/test_{i}.py::test_x")
        for n in range(1, 4)), ModuleSummary(f"tests/test_{i}.py", "unit", ("TA301", "TA101"), ("TA301",)), 0, ())
        for i in range(3)]
    text = encode(encode_outcomes(outcomes))
    for shared in (message, "os-environ-access", '"unit"', "a.b", '"env"', '"TA101"'):
        assert text.count(shared) == 1, shared
    back = decode_outcomes(json.loads(text))
    assert back == outcomes
    finding = back[2].findings[1]
    assert type(finding.severity) is Severity and type(finding.chain) is tuple and type(finding.tags) is tuple
    assert back[0].module is not None and type(back[0].module.applicable) is tuple


def _cut_values(part: list) -> None:
    part[0] = part[0][:1]  # the shared values, cut short: indexes now point past them


def _cut_rows(part: list) -> None:
    part[2] = base64.b64encode(base64.b64decode(part[2])[:-56]).decode()  # one finding short


def _garble_rows(part: list) -> None:
    part[2] = "not base64!"


def _overcount(part: list) -> None:
    part[1][0][1] += 1  # the first outcome claims a finding more than there are


def _cut_hashes(part: list) -> None:
    part[3].pop()


def _garble_fingerprint(record: list) -> None:
    first = sorted(record[0])[0]
    record[0][first] = record[0][first][:2]


def _lose_a_part(record: list) -> None:
    record[3][0] = "0" * 32  # a part no one stored


@pytest.mark.parametrize("corrupt", [_cut_values, _cut_rows, _garble_rows, _overcount, _cut_hashes,
                                     _garble_fingerprint, _lose_a_part])
def test_a_run_record_that_does_not_add_up_is_ignored(tmp_path: Path, corrupt: Callable[[list], None]) -> None:
    files = {f"tests/integration/test_{i}.py": TEST + "\n\ndef test_env():\n    import os\n    assert os.environ['X']\n"
             for i in range(60)}
    root = write_project(tmp_path, {**files, "tests/integration/conftest.py": MOCKING_CONFTEST})
    expected = _json(run_project(root))["findings"]
    assert len(expected) >= 120
    run_project(root, cache=True)
    with sqlite3.connect(root / DIR / DB) as conn:
        key, value = conn.execute("SELECT key, value FROM meta WHERE key LIKE 'run:%'").fetchone()
        record = json.loads(value)
        if corrupt in (_garble_fingerprint, _lose_a_part):
            corrupt(record)
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(record), key))
        else:  # the outcomes, stored in parts beside the record
            (digest, text), = conn.execute("SELECT digest, value FROM parts WHERE digest = ?", (record[3][0],))
            part = json.loads(text)
            corrupt(part)
            conn.execute("UPDATE parts SET value = ? WHERE digest = ?", (json.dumps(part), digest))
    result = run_project(root, cache=True)
    assert _json(result)["findings"] == expected
    assert any("last run unreadable, ignored" in w.message for w in result.warnings)


def test_cache_values_are_ascii_and_keep_every_character() -> None:
    """Non-ASCII text (emoji in test names and messages) is escaped, so a large record stays a
    one-byte-per-character string, and comes back exactly."""
    from testaudit.cache import decode_outcomes, encode, encode_outcomes
    from testaudit.engine import Outcome
    from testaudit.model import Finding, Location, Severity

    path = "tests/test_ünïcode.py"
    finding = Finding(path, "TA201", "missing-bvj", Severity.WARNING, "no BVJ in `test_🚀_launch` — ψ",
                      Location(1, 1, 1, 2), node_id=f"{path}::test_🚀_launch", scope=f"{path}::test_🚀_launch")
    outcomes = [Outcome(path, (finding,))]
    text = encode(encode_outcomes(outcomes))
    assert text.isascii()
    assert decode_outcomes(json.loads(text)) == outcomes


def test_findings_come_out_in_report_order_however_the_files_are_listed() -> None:
    """Each outcome's findings are in report order; the run's are too, whether the files come in
    path order (concatenated as they are) or not (sorted again)."""
    from itertools import permutations

    from testaudit.config import Config
    from testaudit.engine import Outcome, _assemble
    from testaudit.model import FINDING_ORDER, Finding, Location, ModuleSummary, Severity

    def finding(path: str, line: int, code: str) -> Finding:
        return Finding(path, code, "n", Severity.ERROR, "m", Location(line, 1, line, 2))

    paths = ["tests/a.py", "tests/a/b.py", "tests/a_b.py", "tests/ab.py"]
    outcomes = {p: Outcome(p, tuple(sorted((finding(p, n, c) for n in (3, 1, 2) for c in ("TA101", "TA001")),
                                           key=FINDING_ORDER)), ModuleSummary(p, "unit", ("TA101",), ()))
                for p in paths}
    expected = sorted((f for o in outcomes.values() for f in o.findings), key=FINDING_ORDER)
    for order in permutations(paths):
        result = _assemble(Config(root="/p"), list(order), outcomes, (), [])
        assert list(result.findings) == expected, order
        assert [m.path for m in result.modules] == sorted(paths)


def test_a_cold_cache_is_asked_without_hashing_any_file(tmp_path: Path) -> None:
    """A cold run asks the cache about every file before the workers get any: with nothing held
    for them, no file is read and hashed then (each is hashed when its result is stored); a file
    the cache holds is hashed to compare, and only that one."""
    from testaudit.cache import Cache
    from testaudit.model import FileFacts, FileResult

    root = write_project(tmp_path, {"tests/unit/test_a.py": TEST, "tests/unit/test_b.py": TEST})
    rels = ["tests/unit/test_a.py", "tests/unit/test_b.py"]
    cache = Cache.open(str(root), [])
    assert cache is not None
    assert cache.results(rels, {"check": "k"}) == {} and cache._digests == {}
    held = FileResult(rels[0], (), FileFacts(rels[0], "tests.unit.test_a", True, False, parsed=False))
    cache.put_results([held], "k", "check")
    cache.close()
    cache = Cache.open(str(root), [])
    assert cache is not None
    assert cache.results(rels, {"check": "k"}) == {rels[0]: held}
    assert list(cache._digests) == [rels[0]]
    cache.close()
    (root / rels[0]).write_text(TEST + "\n", encoding="utf-8")  # changed since: not served
    cache = Cache.open(str(root), [])
    assert cache is not None
    assert cache.results(rels, {"check": "k"}) == {}
    cache.close()


def test_a_cache_another_process_holds_is_left_alone(tmp_path: Path) -> None:
    """A locked cache was waited on for 60 s, called corrupt and deleted under its holder; now
    the run waits a few seconds (another run's write is over by then), goes on without it, says
    so, and the holder's database is untouched. The subprocess timeout turns a 60 s wait into a
    failure (it is not a speed measurement)."""
    from testaudit import cache

    root = write_project(tmp_path, {"tests/test_a.py": "import os\n\n\ndef test_a():\n    assert os.environ\n"})
    first = run_project(root, cache=True)
    holder = sqlite3.connect(str(root / cache.DIR / cache.DB), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE holder_only (x)")
    try:
        locked = subprocess.run([sys.executable, "-m", "testaudit", "check", str(root), "--format", "json",
                                 "--exit-zero"], capture_output=True, text=True, timeout=30)
    finally:
        holder.execute("COMMIT")
        holder.close()
    report = json.loads(locked.stdout)
    assert [f["code"] for f in report["findings"]] == [f.code for f in first.findings]
    assert any("another process holds it" in w["message"] for w in report["warnings"])
    tables = {row[0] for row in sqlite3.connect(str(root / cache.DIR / cache.DB)).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "holder_only" in tables and "outcomes" in tables  # nothing deleted


@pytest.mark.parametrize("cached_run", ["memo", "outcomes"])
def test_creating_a_module_a_test_could_not_import_invalidates_its_outcome(tmp_path: Path, cached_run: str) -> None:
    """The cache kept "cannot import" after the module was created (and never showed the TA501
    the import newly caused): a module that did not exist is part of its importer's closure."""
    files = {"tests/__init__.py": "", "tests/integration/__init__.py": "", "app/__init__.py": "",
             # an approved base exists, so TA501 has somewhere to send the class
             "test_framework/ssot/base_test_case.py": "class SSotBaseTestCase:\n    pass\n",
             "tests/integration/test_a.py": (
                 '"""x\n\nBVJ: a | b | c\n"""\nimport pytest\n\nfrom app.bases import LegacyCase\n\n\n'
                 "@pytest.mark.integration\nclass TestA(LegacyCase):\n    def test_a(self):\n"
                 "        assert LegacyCase is not None\n")}
    root = write_project(tmp_path, files)
    first = run_project(root, cache=True)
    assert [f.code for f in first.findings if f.code != "TA403"] == ["TA202"]  # (TA403: the one-line BVJ)
    if cached_run == "outcomes":  # no run record: served file by file from the outcomes table
        import sqlite3 as sq

        conn = sq.connect(str(root / ".testaudit_cache" / "cache.sqlite3"))
        conn.execute("DELETE FROM meta WHERE key LIKE 'run:%'")
        conn.commit()
        conn.close()
    (root / "app" / "bases.py").write_text("import unittest\n\n\nclass LegacyCase(unittest.TestCase):\n"
                                            "    pass\n", encoding="utf-8")
    cached, fresh = run_project(root, cache=True), run_project(root)
    assert [f.code for f in fresh.findings if f.code != "TA403"] == ["TA501"]  # the forbidden base, now resolved
    assert [(f.code, f.message) for f in cached.findings] == [(f.code, f.message) for f in fresh.findings]


ENVIRON = "import os\n\n\ndef test_a():\n    assert os.environ['A']\n"  # TA301
CLEAN_SAME_SIZE = "import os\n\n\ndef test_a():\n    assert os.sep == '/'  \n"  # same length, no TA301


def test_an_edit_made_during_a_run_is_not_cached_under_the_new_content(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is edited after the analysis read it: the next cached run must see the edit, not
    the findings of the old bytes filed under the new content."""
    assert len(ENVIRON) == len(CLEAN_SAME_SIZE)
    root = write_project(tmp_path, {"tests/test_a.py": CLEAN_SAME_SIZE})
    path = root / "tests" / "test_a.py"
    real = analyze.analyze_file

    def analyse_then_edit(src, role="check"):  # type: ignore[no-untyped-def]
        result = real(src, role)
        if src.rel == "tests/test_a.py":
            path.write_text(ENVIRON, encoding="utf-8")  # the user saves while the run goes on
        return result

    monkeypatch.setattr(analyze, "analyze_file", analyse_then_edit)
    run_project(root, cache=True, jobs=1)
    monkeypatch.setattr(analyze, "analyze_file", real)
    cached, fresh = run_project(root, cache=True), run_project(root)
    assert "TA301" in [f.code for f in fresh.findings]
    assert [(f.code, f.line) for f in cached.findings] == [(f.code, f.line) for f in fresh.findings]


def test_same_size_content_with_the_same_mtime_is_read_again(tmp_path: Path) -> None:
    """Size and mtime were trusted: a file rewritten within the clock's granularity (same size,
    same mtime) was never read again and its old findings stayed."""
    root = write_project(tmp_path, {"tests/test_a.py": ENVIRON})
    path = root / "tests" / "test_a.py"
    stamp = path.stat().st_mtime_ns
    assert "TA301" in [f.code for f in run_project(root, cache=True).findings]
    path.write_text(CLEAN_SAME_SIZE, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    cached, fresh = run_project(root, cache=True), run_project(root)
    assert "TA301" not in [f.code for f in fresh.findings]
    assert [(f.code, f.line) for f in cached.findings] == [(f.code, f.line) for f in fresh.findings]


def test_an_old_file_replaced_with_its_size_and_mtime_kept_is_read_again(tmp_path: Path) -> None:
    """Size and mtime of a file older than the clock's granularity were trusted, so content put
    in its place with both kept (``cp -p``, ``touch -r``, a rename over it) was never read: its
    old findings stayed. The stats now include ctime and inode, which such a replacement
    changes. The cached and the ``--no-cache`` JSON reports are compared byte for byte."""
    root = write_project(tmp_path, {"tests/test_a.py": ENVIRON})
    path = root / "tests" / "test_a.py"
    old = path.stat().st_mtime_ns - 3_600_000_000_000  # an hour ago: its stats are recorded
    os.utime(path, ns=(old, old))

    def report(*extra: str) -> bytes:
        done = subprocess.run([sys.executable, "-m", "testaudit", "check", str(root), "--format", "json",
                               "--exit-zero", *extra], capture_output=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def codes(out: bytes) -> List[str]:
        return [f["code"] for f in json.loads(out)["findings"]]

    assert "TA301" in codes(report())
    replacement = root / "tests" / "replacement.tmp"
    replacement.write_text(CLEAN_SAME_SIZE, encoding="utf-8")
    os.utime(replacement, ns=(old, old))
    os.replace(replacement, path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (len(ENVIRON), old)
    cached = report()
    assert "TA301" not in codes(cached)
    assert cached == report("--no-cache")


def test_only_the_records_of_the_last_runs_are_kept_with_what_points_at_them(tmp_path: Path) -> None:
    from testaudit.cache import RUNS_KEPT

    files = {f"tests/test_{i}.py": TEST for i in range(60)}
    root = write_project(tmp_path, files)

    def meta() -> List[str]:
        with sqlite3.connect(root / DIR / DB) as conn:
            return [k for (k,) in conn.execute("SELECT key FROM meta")]

    def pointed() -> set:
        with sqlite3.connect(root / DIR / DB) as conn:
            return {v for (v,) in conn.execute("SELECT value FROM meta WHERE key LIKE 'graphs:%'")}

    run_project(root, paths=["tests"], cache=True)  # a whole run: its graph serves later runs
    first = {k[4:] for k in meta() if k.startswith("run:")}
    assert pointed() == first
    for rel in sorted(files)[:RUNS_KEPT]:  # a pre-commit hook naming one file after another: a record each
        run_project(root, paths=[rel], cache=True)
    runs = {k[4:] for k in meta() if k.startswith("run:")}
    graphs = {k[6:] for k in meta() if k.startswith("graph:")}
    assert len(runs) == RUNS_KEPT and not first & runs
    # the last of them evicted the whole run's record: nothing may point at it (they all took
    # their signatures from it, so none is the latest graph)
    assert graphs <= runs and not pointed()
