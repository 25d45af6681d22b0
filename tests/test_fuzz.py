"""Whatever bytes a test module holds, the whole pipeline answers with findings or warnings.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams running testaudit on broken, generated suites)
- Business Goal: Stability
- Value Impact: no input crashes a CI gate; a broken file is one finding, not a traceback
- Strategic Impact: a tool trusted on 6,800 modules has to survive every one of them
"""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run_project
from testaudit.model import RunResult

SEEDS = sorted(p.read_bytes() for p in (FIXTURES / "rules").glob("*.py"))


def audit(tmp: Path, data: bytes) -> RunResult:
    (tmp / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    target = tmp / "tests" / "integration" / "test_fuzzed.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return run_project(tmp)


def mutate(seed: bytes, cuts: list, flips: list) -> bytes:
    data = bytearray(seed)
    for position, bit in flips:
        if data:
            data[position % len(data)] ^= 1 << (bit % 8)
    lines = bytes(data).splitlines(keepends=True)
    for a, b in cuts:  # move a line elsewhere, or drop the tail
        if lines:
            lines.insert(b % (len(lines) + 1), lines.pop(a % len(lines)))
    return b"".join(lines)


def well_formed(result: RunResult) -> None:
    for f in result.findings:
        assert f.path == "tests/integration/test_fuzzed.py"
        assert f.location.line >= 1 and f.location.column >= 1
        assert f.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    well_formed(audit(tmp_path_factory.mktemp("bytes"), data))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 10 ** 6)), max_size=4),
       st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 7)), max_size=6), st.integers(0, 10 ** 6))
def test_mutated_test_modules(tmp_path_factory, seed: bytes, cuts: list, flips: list,  # type: ignore[no-untyped-def]
                              truncate: int) -> None:
    data = mutate(seed, cuts, flips)
    data = data[: truncate % (len(data) + 1)] if truncate % 3 == 0 else data
    well_formed(audit(tmp_path_factory.mktemp("mutated"), data))


def test_python_warnings_about_audited_code_are_not_printed(tmp_path: Path) -> None:
    """`1if x else 2` makes CPython's parser warn; the audit must not pass that on to the user."""
    import subprocess
    import sys

    root = tmp_path / "w"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    (root / "tests" / "test_warn.py").write_text("x = 1if True else 2\ndef test_(:\n", encoding="utf-8")
    (root / "tests" / "test_warn_ok.py").write_text('"""Doc."""\ny = 0x1for\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "testaudit", "check", str(root), "--no-cache", "-j", "1",
                           "--format", "concise"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "TA001" in done.stdout
    assert "Warning" not in done.stderr, done.stderr
