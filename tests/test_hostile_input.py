"""Broken and hostile input (SPEC §11, issue 8 item 1): every case is a finding or a warning, the run
goes on, and nothing hangs, crashes or prints a traceback.

Cases that once killed or stalled the process (libcst's native parser overflows its stack on a few
thousand nesting levels, and runs for minutes on long subscript chains) run in a subprocess with a
timeout, so a regression fails the test instead of taking pytest down with it.

Business Value Justification (BVJ):
- Segment: Platform/Internal (every team whose suite holds broken, generated or odd files)
- Business Goal: Stability
- Value Impact: one bad file cannot stop the audit of the other 6,800
- Strategic Impact: a gate that crashes on input is switched off; one that goes on is trusted
"""
from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import run_project, write_project
from testaudit.config import load_config
from testaudit.model import RunResult

BVJ = ('"""Login tests.\n\nBusiness Value Justification (BVJ):\n- Segment: Platform\n- Business Goal: Stability\n'
       '- Value Impact: logins work\n- Strategic Impact: trust\n"""\n')
ENV_TEST = "import os\n\n\ndef test_env():\n    assert os.environ['HOME']\n"  # TA301 on line 5 of this part
ENV_LINE = BVJ.count("\n") + 5
CLEAN = BVJ + "\n\ndef test_ok():\n    assert 1 + 1 == 2\n"


def codes_at(result: RunResult, path: str) -> List[Tuple[int, str]]:
    return sorted((f.location.line, f.code) for f in result.findings if f.path == path)


def only(result: RunResult, path: str, code: str):  # type: ignore[no-untyped-def]
    hits = [f for f in result.findings if f.path == path and f.code == code]
    assert len(hits) == 1, [(f.code, f.message) for f in result.findings if f.path == path]
    return hits[0]


def cli_json(root: Path, *args: str, timeout: int = 120) -> Tuple[dict, str]:
    """The CLI in a subprocess (a crash or hang fails the test instead of killing pytest)."""
    proc = subprocess.run([sys.executable, "-m", "testaudit", "check", *args, "--format", "json", "-j", "1",
                           "--no-cache"], cwd=root, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout), proc.stderr


# -- syntax errors of every kind: TA001 at the line CPython names ---------------------------------

@pytest.mark.parametrize("source, line, words", [
    ("def test_x(:\n    pass\n", 1, "invalid syntax"),
    ("x = 'abc\n", 1, "unterminated string"),
    ('x = """abc\n\n\n', 1, "unterminated triple-quoted"),
    ("def test_x():\nreturn 1\n", 2, "expected an indented block"),
    ("x = 1\n    y = 2\n", 2, "unexpected indent"),
    ("if True:\n        x = 1\n    y = 2\n", 3, "unindent does not match"),
    ("x = (1,\n     2\n", 1, "never closed"),
    ("x = 1)\n", 1, "unmatched ')'"),
    ("print 'hello'\n", 1, "Missing parentheses"),
    ("f() = 1\n", 1, "cannot assign to function call"),
    ("def test_x():\n    x = [1, 2\n    y = 3\n", 2, "never closed"),
    ("class A\n    pass\n", 1, "expected ':'"),
    ("x = 1 +\n", 1, "invalid syntax"),
    ("x = $\n", 1, "invalid syntax"),
])
def test_every_kind_of_syntax_error_is_ta001_at_a_useful_line(tmp_path: Path, source: str, line: int,
                                                                words: str) -> None:
    root = write_project(tmp_path, {"tests/test_broken.py": source, "tests/test_env.py": BVJ + ENV_TEST})
    result = run_project(root)
    finding = only(result, "tests/test_broken.py", "TA001")
    assert finding.location.line == line
    assert words.lower() in finding.message.lower() and "internal error" not in finding.message
    assert codes_at(result, "tests/test_env.py") == [(ENV_LINE, "TA301")]  # the run went on


# -- encodings ------------------------------------------------------------------------------------

def test_non_utf8_bytes_without_a_cookie_name_the_byte_and_its_line(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    (root / "tests").mkdir()
    (root / "tests/test_latin1.py").write_bytes((BVJ + "# caf\xe9 au lait\n" + ENV_TEST).encode("latin-1"))
    finding = only(run_project(root), "tests/test_latin1.py", "TA001")
    assert (finding.location.line, finding.location.column) == (BVJ.count("\n") + 1, 6)
    assert finding.message == "cannot parse: byte 0xe9 is not valid utf-8; no coding cookie declares another encoding"


def test_a_wrong_and_an_unknown_coding_cookie(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    (root / "tests").mkdir()
    (root / "tests/test_wrong.py").write_bytes(b"# -*- coding: ascii -*-\n" + (BVJ + "# caf\u00e9\n").encode())
    (root / "tests/test_unknown.py").write_bytes(b"# -*- coding: klingon -*-\n" + BVJ.encode())
    result = run_project(root)
    wrong = only(result, "tests/test_wrong.py", "TA001")
    assert wrong.location.line == BVJ.count("\n") + 2
    assert "byte 0xc3 is not valid ascii (the encoding its coding cookie declares)" in wrong.message
    assert "unknown encoding: klingon" in only(result, "tests/test_unknown.py", "TA001").message


def test_a_correct_latin1_cookie_is_honoured(tmp_path: Path) -> None:
    root = write_project(tmp_path, {})
    (root / "tests").mkdir()
    (root / "tests/test_latin1.py").write_bytes(
        ("# -*- coding: latin-1 -*-\n" + BVJ + "# caf\xe9\n" + ENV_TEST).encode("latin-1"))
    assert codes_at(run_project(root), "tests/test_latin1.py") == [(ENV_LINE + 2, "TA301")]


# -- BOM, line endings, NUL, empty ------------------------------------------------------------------

@pytest.mark.parametrize("name, transform", [
    ("bom", lambda b: b"\xef\xbb\xbf" + b),
    ("crlf", lambda b: b.replace(b"\n", b"\r\n")),
    ("lone_cr", lambda b: b.replace(b"\n", b"\r")),
    ("bom_crlf", lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")),
    ("mixed", lambda b: b.replace(b"\n", b"\r\n", 3)),
])
def test_bom_and_line_endings_keep_lines_and_columns(tmp_path: Path, name: str, transform) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path, {})
    (root / "tests").mkdir()
    rel = f"tests/test_{name}.py"
    (root / rel).write_bytes(transform((BVJ + ENV_TEST).encode()))
    finding = only(run_project(root), rel, "TA301")
    assert (finding.location.line, finding.location.column) == (ENV_LINE, 12)
    assert [f.code for f in run_project(root).findings] == ["TA301"]


def test_nul_bytes_are_ta001_not_a_crash(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST})
    (root / "tests/test_nul.py").write_bytes(BVJ.encode() + b"x = 1\x00\ndef test_a():\n    assert 1\n")
    result = run_project(root)
    assert "null bytes" in only(result, "tests/test_nul.py", "TA001").message
    assert codes_at(result, "tests/test_env.py") == [(ENV_LINE, "TA301")]


def test_empty_files(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/__init__.py": "", "tests/conftest.py": "", "tests/test_empty.py": "",
                                    "tests/test_env.py": BVJ + ENV_TEST})
    result = run_project(root)
    assert codes_at(result, "tests/test_empty.py") == [(1, "TA401")]  # a test module, and it has no BVJ
    assert codes_at(result, "tests/conftest.py") == codes_at(result, "tests/__init__.py") == []
    assert codes_at(result, "tests/test_env.py") == [(ENV_LINE, "TA301")]
    assert result.warnings == ()


# -- size: a 10 MB file and a 100 kB line ----------------------------------------------------------

def test_a_10_mb_file_is_skipped_with_a_warning_and_the_run_goes_on(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST})
    body = "".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(240_000))
    (root / "tests/test_huge.py").write_text(BVJ + body, encoding="utf-8")
    size = (root / "tests/test_huge.py").stat().st_size
    assert 10_000_000 < size < 11_000_000
    result = run_project(root)
    assert [(w.path, w.message) for w in result.warnings] == [(
        "tests/test_huge.py",
        f"not analysed: {size / 1e6:.1f} MB is larger than max-file-size (4.0 MB); raise max-file-size to check it")]
    # a TA001 too: a module nobody analysed fails the score, and the run says why (exit 1)
    assert codes_at(result, "tests/test_huge.py") == [(1, "TA001")]
    assert codes_at(result, "tests/test_env.py") == [(ENV_LINE, "TA301")]


def test_max_file_size_is_configurable_and_inclusive(tmp_path: Path) -> None:
    source = BVJ + ENV_TEST
    size = len(source.encode())
    root = write_project(tmp_path, {"tests/test_env.py": source, "tests/test_bigger.py": source + "#\n"},
                         pyproject=f"max-file-size = {size}\n")
    result = run_project(root)
    assert codes_at(result, "tests/test_env.py") == [(ENV_LINE, "TA301")]
    assert [w.path for w in result.warnings] == ["tests/test_bigger.py"]


def _spin(seconds: float) -> None:
    """Burn CPU in Python for up to ``seconds`` (a budget's timer interrupts it)."""
    import time

    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_file_over_its_time_budget_is_ta001_and_a_warning_and_is_not_cached(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose analysis spins (here: the visit, in this process with -j 1) is stopped at
    max-file-seconds of CPU, reported as not analysed, and the run goes on; the result is not
    cached, so the next run (without the spin) analyses the file."""
    from testaudit import analyze

    root = write_project(tmp_path, {"tests/test_slow.py": BVJ + ENV_TEST, "tests/test_ok.py": CLEAN},
                         pyproject="max-file-seconds = 1\n")
    real_visit = analyze._visit

    def slow_visit(parsed, ctx, rules):  # type: ignore[no-untyped-def]
        if ctx.rel == "tests/test_slow.py":
            _spin(30)
        return real_visit(parsed, ctx, rules)

    monkeypatch.setattr(analyze, "_visit", slow_visit)
    result = run_project(root, cache=True)
    finding = only(result, "tests/test_slow.py", "TA001")
    assert finding.message == ("not analysed: its analysis took more than max-file-seconds (1 s of CPU); "
                               "raise max-file-seconds to check it")
    assert [(w.path, w.message) for w in result.warnings] == [("tests/test_slow.py", finding.message)]
    assert codes_at(result, "tests/test_ok.py") == []
    monkeypatch.setattr(analyze, "_visit", real_visit)
    assert codes_at(run_project(root, cache=True), "tests/test_slow.py") == [(ENV_LINE, "TA301")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CPU/RLIMIT_DATA as Linux enforces them")
@pytest.mark.parametrize("kind", ["native-cpu", "memory"])
def test_a_worker_over_its_budget_in_native_code_is_stopped_and_the_file_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """In a worker, the kernel enforces the budgets where Python's timer cannot reach: a parse
    stuck in native code (a C loop that never checks for signals) is killed at twice the CPU
    budget and the file is reported as over max-file-seconds; an allocation past max-file-memory
    fails and the file is reported as over it. The other files are analysed."""
    from testaudit import analyze

    files = {f"tests/test_ok{i}.py": CLEAN for i in range(3)}
    files["tests/test_heavy.py"] = BVJ + ENV_TEST
    pyproject = "max-file-seconds = 1\n" if kind == "native-cpu" else "max-file-memory = 200_000_000\n"
    root = write_project(tmp_path, files, pyproject=pyproject)
    real_parse = analyze.parse_module

    def heavy_parse(data):  # type: ignore[no-untyped-def]
        if b"test_env" in data:
            if kind == "native-cpu":
                sum(range(10 ** 11))  # one C call: minutes, and no Python signal handler runs inside it
            else:
                bytearray(600_000_000)
        return real_parse(data)

    monkeypatch.setattr(analyze, "parse_module", heavy_parse)  # the pool's workers are forked from here
    result = run_project(root, jobs=2)
    finding = only(result, "tests/test_heavy.py", "TA001")
    what = "max-file-seconds (1 s of CPU)" if kind == "native-cpu" else "max-file-memory (200.0 MB)"
    assert what in finding.message and finding.message.startswith("not analysed: ")
    assert all(codes_at(result, f"tests/test_ok{i}.py") == [] for i in range(3))


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
def test_the_time_budget_leaves_an_embedding_programs_cpu_timer_alone() -> None:
    """A profiler in a program that embeds testaudit may run the process's CPU timer: the budget
    then does without it (the worker limits still apply), and neither cancels nor replaces it."""
    from testaudit.budget import file_budget

    def theirs(signum, frame):  # type: ignore[no-untyped-def]
        return None

    previous = signal.signal(signal.SIGPROF, theirs)
    try:
        signal.setitimer(signal.ITIMER_PROF, 50.0, 50.0)
        with file_budget(1, 10**9, hard=False):
            assert signal.getsignal(signal.SIGPROF) is theirs
        assert signal.getitimer(signal.ITIMER_PROF)[1] == 50.0 and signal.getsignal(signal.SIGPROF) is theirs
        signal.setitimer(signal.ITIMER_PROF, 0)
        with file_budget(1, 10**9, hard=False):  # no timer of theirs: the budget's own, then none
            assert signal.getitimer(signal.ITIMER_PROF)[0] > 0
        assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0) and signal.getsignal(signal.SIGPROF) is theirs
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def test_budgets_are_validated_and_do_not_key_the_cache(tmp_path: Path) -> None:
    from testaudit.config import ConfigError
    from testaudit.plan import cache_keys

    root = write_project(tmp_path, {"tests/test_ok.py": CLEAN}, pyproject="max-file-seconds = 0\n")
    with pytest.raises(ConfigError, match="max-file-seconds"):
        load_config(root)
    (root / "pyproject.toml").write_text("[tool.testaudit]\nmax-file-seconds = 5\nmax-file-memory = 10_000_000\n")
    config = load_config(root)
    assert (config.max_file_seconds, config.max_file_memory) == (5, 10_000_000)
    (root / "pyproject.toml").write_text("[tool.testaudit]\n")
    assert dict(cache_keys(config, None, ())) == dict(cache_keys(load_config(root), None, ()))


def test_a_single_100_kb_line_is_analysed(tmp_path: Path) -> None:
    long_string = "PAYLOAD = '" + "x" * 100_000 + "'\n"
    long_list = "IDS = [" + ", ".join(str(i) for i in range(20_000)) + "]\n"
    root = write_project(tmp_path, {"tests/test_long.py": BVJ + long_string + long_list + ENV_TEST})
    assert len(long_string) > 100_000 and len(long_list) > 100_000
    result = run_project(root)
    assert codes_at(result, "tests/test_long.py") == [(ENV_LINE + 2, "TA301")]


# -- nesting that crashes or stalls libcst's native parser -------------------------------------------

NESTED = {
    "parentheses": "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "brackets_just_over_cpython": "X = " + "[" * 201 + "]" * 201 + "\n",
    "operators_on_a_100kb_line": "X = " + "1 + " * 25_000 + "1\n",
    "subscripts": "X = a" + "[0]" * 3000 + "\n",
    "subscripts_just_under_cpython_limit": "X = a" + "[0]" * 2900 + "\n",  # CPython accepts it: libcst took minutes
    "calls_just_under_cpython_limit": "X = f" + "()" * 2900 + "\n",
    "unary": "X = " + "-" * 10_000 + "1\n",
    "attributes": "X = a" + ".b" * 8000 + "\n",
    "and_chain_across_lines": "X = (a and\n" + "     a and\n" * 8000 + "     a)\n",
}


@pytest.mark.parametrize("kind", sorted(NESTED))
def test_deep_nesting_is_ta001_in_seconds_never_a_crash(tmp_path: Path, kind: str) -> None:
    root = write_project(tmp_path, {"tests/test_deep.py": BVJ + NESTED[kind] + ENV_TEST,
                                    "tests/test_env.py": BVJ + ENV_TEST})
    report, _ = cli_json(root, ".", timeout=60)  # in-process (-j 1): a segfault would end the run
    by_path: Dict[str, List[dict]] = {}
    for f in report["findings"]:
        by_path.setdefault(f["path"], []).append(f)
    deep = by_path["tests/test_deep.py"]
    assert [f["code"] for f in deep] == ["TA001"], deep
    assert deep[0]["line"] == BVJ.count("\n") + 1
    assert "internal error" not in deep[0]["message"]
    assert [(f["code"], f["line"]) for f in by_path["tests/test_env.py"]] == [("TA301", ENV_LINE)]


def test_a_deeply_nested_helper_read_for_facts_only_does_not_crash_a_named_file_run(tmp_path: Path) -> None:
    root = write_project(tmp_path, {
        "helpers/__init__.py": "",
        "helpers/deep.py": "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n\n\ndef make():\n    return 1\n",
        "tests/test_uses.py": BVJ + "from helpers.deep import make\n" + ENV_TEST,
    })
    report, _ = cli_json(root, "tests/test_uses.py", timeout=60)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("tests/test_uses.py", "TA301")]


def test_nesting_cpython_accepts_is_still_analysed(tmp_path: Path) -> None:
    nested = "X = " + "(" * 150 + "1" + ")" * 150 + "\nY = (a and\n" + "     a and\n" * 500 + "     a)\n"
    root = write_project(tmp_path, {"tests/test_ok.py": BVJ + nested + ENV_TEST})
    report, _ = cli_json(root, ".", timeout=60)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("TA301", ENV_LINE + nested.count("\n"))]


# -- indentation and names ----------------------------------------------------------------------------

def test_tabs_mixed_with_spaces(tmp_path: Path) -> None:
    mixed = BVJ + "def test_t():\n    if True:\n\tassert 1\n"
    tabs_only = BVJ + "import os\n\n\ndef test_t():\n\tif True:\n\t\tassert os.environ['A']\n"
    root = write_project(tmp_path, {"tests/test_mixed.py": mixed, "tests/test_tabs.py": tabs_only})
    result = run_project(root)
    finding = only(result, "tests/test_mixed.py", "TA001")
    assert finding.location.line == BVJ.count("\n") + 3 and "tabs and spaces" in finding.message
    assert codes_at(result, "tests/test_tabs.py") == [(BVJ.count("\n") + 6, "TA301")]


def test_indentation_cpython_accepts_is_analysed(tmp_path: Path) -> None:
    """A tab then spaces (and a form feed) is consistent indentation for CPython: analysed, not a TA001."""
    tab_then_spaces = BVJ + "import os\n\n\ndef test_t():\n\tif True:\n\t    assert os.environ['A']\n"
    form_feed = BVJ + "import os\n\f\n\ndef test_t():\n\f    assert os.environ['A']\n"
    root = write_project(tmp_path, {"tests/test_tab_spaces.py": tab_then_spaces, "tests/test_ff.py": form_feed})
    result = run_project(root)
    assert codes_at(result, "tests/test_tab_spaces.py") == [(BVJ.count("\n") + 6, "TA301")]
    assert codes_at(result, "tests/test_ff.py") == [(BVJ.count("\n") + 5, "TA301")]


def test_valid_python_libcst_cannot_parse_is_not_called_a_syntax_error(tmp_path: Path) -> None:
    """~3,500 adjacent string literals are valid Python that libcst's parser refuses; the TA001
    says so (not analysed, CPython accepts it) instead of reporting the parser's complaint as a
    syntax error in the user's file."""
    literals = "X = (\n" + "".join(f'    "part {i}"\n' for i in range(3600)) + ")\n"
    root = write_project(tmp_path, {"tests/test_literals.py": BVJ + literals + "\n\ndef test_a():\n    assert X\n"})
    finding = only(run_project(root), "tests/test_literals.py", "TA001")
    assert finding.message.startswith("not analysed: valid Python (CPython accepts it) that libcst cannot parse")


def test_locating_findings_does_not_scan_every_function_per_finding(tmp_path: Path) -> None:
    """Placing each finding (its test, class and scope) scanned every function of the file: a file
    of 8,000 tests with findings took 35 s, 20,000 did not finish. The spans are indexed once per
    file; here each list of spans is read once however many findings are placed."""
    from testaudit.engine import collect_facts
    from testaudit.project import Project

    body = "".join(f"class TestC{i}:\n    def test_{i}(self):\n        x = {i}\n\n" for i in range(300))
    root = write_project(tmp_path, {"tests/test_many.py": body})
    facts = collect_facts([str(root / "tests")], load_config(root))["tests/test_many.py"]

    class Counted(tuple):  # type: ignore[type-arg]
        reads = 0

        def __iter__(self):  # type: ignore[no-untyped-def]
            Counted.reads += 1
            return super().__iter__()

    import dataclasses
    counted = dataclasses.replace(facts, functions=Counted(facts.functions), classes=Counted(facts.classes))
    project = Project.__new__(Project)
    project._spans, project._class_tests = {}, {}
    for line in range(1, 4 * 300):
        project.scope_at(counted, line)
        project.enclosing(counted, line)
    assert Counted.reads <= 4
    assert project.scope_at(counted, 3) == "tests/test_many.py::TestC0::test_0"
    assert project.enclosing(counted, 4 * 299 + 3)[1].name == "TestC299"


def test_innermost_span_index_equals_the_plain_scan() -> None:
    """The index behind finding placement answers as the scan it replaced, on random nested spans
    (ties at one start line included)."""
    import random

    from testaudit.project import Innermost, innermost_scan

    rng = random.Random(4)
    for _ in range(300):
        spans: List[Tuple[int, int, int]] = []

        def nest(start: int, end: int, depth: int) -> None:
            line = start
            while line <= end and len(spans) < 40:
                length = rng.randint(0, max(0, min(6, end - line)))
                same_start = rng.random() < 0.2
                spans.append((line, line + length, len(spans)))
                if same_start:
                    spans.append((line, line + rng.randint(0, length), len(spans)))
                if depth < 3 and length > 1:
                    nest(line + 1, line + length, depth + 1)
                line += length + rng.randint(1, 3)

        nest(1, 60, 0)
        rng.shuffle(spans)
        index = Innermost(spans)
        for line in range(0, 70):
            assert index.at(line) == innermost_scan(spans, line), (spans, line)


def test_file_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    names = ["tests/test_with spaces.py", "tests/test_café_ünïcode.py", "tests/dïr ëctory/test_日本.py"]
    root = write_project(tmp_path, {n: BVJ + ENV_TEST for n in names})
    result = run_project(root)
    assert sorted(f.path for f in result.findings) == sorted(names)
    report, _ = cli_json(root, ".")
    assert sorted(f["path"] for f in report["findings"]) == sorted(names)
    named, _ = cli_json(root, names[2])
    assert [f["path"] for f in named["findings"]] == [names[2]]


# -- symlinks, special files, permissions, missing paths ----------------------------------------------

def test_symlink_loops_and_links_leaving_the_project_are_not_followed(tmp_path: Path) -> None:
    outside = write_project(tmp_path / "outside", {"tests/test_outside.py": BVJ + ENV_TEST})
    root = write_project(tmp_path / "p", {"tests/sub/test_in.py": BVJ + ENV_TEST})
    (root / "tests/sub/loop").symlink_to(root / "tests")
    (root / "tests/sub/self").symlink_to(".")
    (root / "tests/escape").symlink_to(outside / "tests")
    (root / "tests/test_escape.py").symlink_to(outside / "tests/test_outside.py")
    (root / "tests/test_dangling.py").symlink_to(root / "nowhere.py")
    result = run_project(root)
    assert sorted(f.path for f in result.findings) == ["tests/sub/test_in.py"]
    assert result.files_checked == 1


def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST})
    os.mkfifo(root / "tests/test_fifo.py")
    report, stderr = cli_json(root, ".", timeout=60)  # opening the FIFO for reading would wait forever
    assert [f["path"] for f in report["findings"]] == ["tests/test_env.py"]
    assert {"path": "tests/test_fifo.py", "message": "not a regular file, skipped"} in report["warnings"]


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Make paths unreadable (EACCES) for this process, as chmod 000 would for a non-root user
    (the tests also run as root, where chmod does not stop reads)."""
    denied: List[str] = []
    real_open, real_scandir = builtins.open, os.scandir

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and any(os.fspath(file).startswith(d) for d in denied):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    def guarded_scandir(path="."):  # type: ignore[no-untyped-def]
        if any(os.fspath(path).startswith(d) for d in denied):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    real_os_open = os.open

    def guarded_os_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]  # source.read_regular
        if isinstance(path, (str, os.PathLike)) and any(os.fspath(path).startswith(d) for d in denied):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    monkeypatch.setattr(os, "open", guarded_os_open)
    return denied


def test_unreadable_files_and_directories_are_warnings(tmp_path: Path, unreadable: List[str]) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST, "tests/test_secret.py": BVJ + ENV_TEST,
                                    "tests/locked/test_x.py": BVJ + ENV_TEST})
    unreadable += [str(root / "tests/test_secret.py"), str(root / "tests/locked")]
    result = run_project(root)
    assert sorted((w.path, w.message) for w in result.warnings) == [
        ("tests/locked", "cannot read directory: Permission denied"),
        ("tests/test_secret.py", "cannot read file: Permission denied"),
    ]
    assert sorted(f.path for f in result.findings) == ["tests/test_env.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode (the test above simulates it)")
def test_unreadable_files_and_directories_for_real(tmp_path: Path) -> None:  # pragma: no cover - non-root only
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST, "tests/test_secret.py": BVJ + ENV_TEST,
                                    "tests/locked/test_x.py": BVJ + ENV_TEST})
    (root / "tests/test_secret.py").chmod(0)
    (root / "tests/locked").chmod(0)
    try:
        report, _ = cli_json(root, ".")
    finally:
        (root / "tests/locked").chmod(0o755)
    assert [f["path"] for f in report["findings"]] == ["tests/test_env.py"]
    assert sorted(w["path"] for w in report["warnings"]) == ["tests/locked", "tests/test_secret.py"]


def test_a_path_that_does_not_exist_exits_2_with_one_line(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_env.py": BVJ + ENV_TEST})
    proc = subprocess.run([sys.executable, "-m", "testaudit", "check", "tests/nope.py", "tests"], cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == ["testaudit: error: tests/nope.py: no such file or directory"]


@pytest.mark.parametrize("cookie", ["undefined", "idna", "rot13", "hex"])
def test_cookies_naming_no_usable_text_encoding_are_findings_not_crashes(tmp_path: Path, cookie: str) -> None:
    """`# coding: undefined` raised UnicodeError out of the run (exit 2); codecs that are no
    text encoding, or refuse the text, leave the file a finding like any other broken file."""
    from click.testing import CliRunner

    from testaudit.cli import main

    root = write_project(tmp_path, {"tests/test_cookie.py": f"# coding: {cookie}\ndef test_b():\n    assert x == 1\n",
                                    "tests/test_ok.py": '"""BVJ: a | b | c"""\n\n\ndef test_a():\n    assert 1 + 1 == 2\n'})
    res = CliRunner().invoke(main, ["check", str(root), "--format", "json", "-j", "1"], catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    paths = {f["path"] for f in json.loads(res.stdout)["findings"]}
    assert "tests/test_cookie.py" in paths or cookie == "idna"  # idna decodes ASCII text: a plain module


FORMATS = ["text", "concise", "json", "sarif", "junit", "github", "markdown", "html"]


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(tmp_path: Path) -> None:
    """os.fsdecode keeps undecodable name bytes as lone surrogates: every format wrote them with a
    UTF-8 codec and the run ended with exit 2; the cache could not store them either."""
    from click.testing import CliRunner

    from testaudit.cli import main

    root = write_project(tmp_path, {"tests/test_ok.py": "def test_a():\n    assert 1 + 1 == 2\n"})
    try:
        (root / "tests").joinpath(os.fsdecode(b"test_\xff\xfe.py")).write_text("import os\n\n\ndef test_b():\n"
                                                                             "    assert os.environ\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    for attempt in ("cold", "warm"):
        for fmt in FORMATS:
            out = tmp_path / f"report-{attempt}.{fmt}"
            res = CliRunner().invoke(main, ["check", str(root), "--format", fmt, "-o", str(out), "-j", "1"],
                                     catch_exceptions=False)
            assert res.exit_code == 1, (attempt, fmt, res.output)  # the file's TA301 is reported
            text = out.read_bytes().decode("utf-8")  # valid UTF-8, no raw byte
            shown = {"html": "test_\ufffd\ufffd.py", "sarif": "test_%FF%FE.py", "json": "test_\\udcff\\udcfe.py"}
            assert shown.get(fmt, "test_\\xff\\xfe.py") in text, fmt


@pytest.mark.parametrize(("name", "text"), [
    ("bvj-header", '"""Doc."""\n# BVJ' + " " * 5000 + "x\n\n\ndef test_a():\n    assert 1 + 1 == 2\n"),
    ("bvj-label", '"""Doc.\n\nBVJ:\n' + " " * 60000 + 'x\n"""\n\n\ndef test_a():\n    assert 1 + 1 == 2\n'),
    ("commented-method", "# def test_x(" + " " * 150000 + "y):\n\n\ndef test_a():\n    assert 1 + 1 == 2\n"),
    ("relative-import", "from " + "." * 100000 + " x\ndef test_(:\n"),  # a broken file: read line by line
])
def test_pathological_lines_cannot_stall_the_text_patterns(tmp_path: Path, name: str, text: str) -> None:
    """Patterns with adjacent or overlapping repeats backtracked polynomially on such lines (the
    BVJ header's ~N⁴: 400 blanks took 20 s); each now reads its input once. The time limit only
    turns a hang into a failure: the old patterns need minutes on these, the new ones well under
    a second (not a speed measurement)."""
    root = write_project(tmp_path, {"tests/test_a.py": text})
    try:
        done = subprocess.run([sys.executable, "-m", "testaudit", "check", str(root), "--no-cache", "-j", "1",
                               "--format", "json"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: the analysis did not finish within 60 s")
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["summary"]["test_modules"] == 1


def test_a_backslash_continued_chain_cannot_bypass_the_parser_guard(tmp_path: Path) -> None:
    """Short backslash-continued lines made one huge logical line that the guard never looked at
    (only the widest physical line and bracket depth): libcst then parsed ``a[0][0]…`` thousands
    deep for seconds to minutes. Now CPython is asked first, and an expression nested past what
    libcst handles is a TA001 that says so."""
    chain = "x = a \\\n" + "".join("    [0] \\\n" for _ in range(2500)) + "    [0]\n"
    root = write_project(tmp_path, {"tests/test_deep.py": chain, "tests/test_ok.py": BVJ + "def test_a():\n    assert 1 + 1 == 2\n"})
    result = run_project(root)
    finding = only(result, "tests/test_deep.py", "TA001")
    assert "is too deep for the parser" in finding.message
    assert not [f for f in result.findings if f.path == "tests/test_ok.py"]


def test_a_file_swapped_for_a_fifo_after_discovery_does_not_hang_the_run(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery skips FIFOs, but a file replaced by one between discovery and reading blocked the
    run forever on `open`; it is now opened without blocking and refused as not a regular file."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs mkfifo")
    from testaudit import discover as discovery

    root = write_project(tmp_path, {"tests/test_a.py": BVJ + "def test_a():\n    assert 1 + 1 == 2\n",
                                    "tests/test_b.py": BVJ + "def test_b():\n    assert 2 + 2 == 4\n"})
    real = discovery.discover

    def discover_then_swap(paths, config):  # type: ignore[no-untyped-def]
        found = real(paths, config)
        (root / "tests" / "test_b.py").unlink()
        os.mkfifo(root / "tests" / "test_b.py")
        return found

    monkeypatch.setattr("testaudit.engine.discover", discover_then_swap)
    done = []

    import threading

    def run() -> None:
        done.append(run_project(root, cache=True))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert done, "the run hung on the FIFO"
    assert any("not a regular file" in w.message for w in done[0].warnings)
