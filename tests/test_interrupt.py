"""Ctrl-C (SIGINT to the process group, as a terminal sends it) at any moment of a run leaves no
partial cache, baseline, report, badge or fixed file, and no traceback (SPEC §11, issue 8 item 4).

The moments are fractions of an uninterrupted run of the same command measured first, so the test
reaches the late phases (writing fixes, the baseline, the cache) on a fast machine and a slow one.

Business Value Justification (BVJ):
- Segment: Platform/Internal (developers who press Ctrl-C on a pre-commit hook)
- Business Goal: Stability
- Value Impact: an interrupted run never leaves a half-written file in the developer's tree
- Strategic Impact: a tool that can be stopped safely is one people let run
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import REPO, run_project, write_project
from testaudit.baseline import load
from testaudit.cache import DB, DIR

FIX = ["check", ".", "-j", "2", "--fix", "--unsafe-fixes", "--update-baseline", "--allow-new",
       "--format", "json", "-o", "report.json"]


def make(tmp_path: Path, name: str, modules: int = 150) -> Path:
    root = tmp_path / name
    subprocess.run([sys.executable, str(REPO / "benchmarks/make_project.py"), str(modules), str(root)],
                   check=True, capture_output=True)
    return root


def sources(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))
            if DIR not in p.parts}


def run(root: Path, args: List[str], interrupt_after: float = -1) -> Tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "testaudit", *args], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    if interrupt_after >= 0:
        time.sleep(interrupt_after)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err, time.perf_counter() - start


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, Dict[str, bytes], float]:
    """The command run to completion: the fixed files it writes, and how long it takes."""
    root = make(tmp_path_factory.mktemp("ref"), "p")
    code, err, took = run(root, FIX)
    assert code in (0, 1), err
    return root, sources(root), took


def assert_nothing_partial(root: Path, before: Dict[str, bytes], fixed: Dict[str, bytes], ref: Path) -> None:
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".testaudit-")
                 and p.name != ".testaudit-baseline.json"]
    assert leftovers == []
    now = sources(root)
    assert sorted(now) == sorted(before)
    for rel, data in now.items():  # each file as it was, or as a finished fix wrote it — never in between
        assert data in (before[rel], fixed[rel]) or _parses(data), rel
    if (root / ".testaudit-baseline.json").exists():
        assert load(str(root / ".testaudit-baseline.json")).entries == \
            load(str(ref / ".testaudit-baseline.json")).entries
    if (root / "report.json").exists():
        json.loads((root / "report.json").read_text(encoding="utf-8"))
    if (root / DIR / DB).exists():
        with sqlite3.connect(root / DIR / DB) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # the cache left behind serves the same findings as no cache, without a word about corruption
    code, err, _ = run(root, ["check", ".", "-j", "2", "--no-baseline", "--format", "json", "-o", "warm.json"])
    assert code in (0, 1) and "cache" not in err, err
    code, err, _ = run(root, ["check", ".", "-j", "2", "--no-baseline", "--no-cache", "--format", "json",
                              "-o", "cold.json"])
    assert code in (0, 1), err
    warm = json.loads((root / "warm.json").read_text(encoding="utf-8"))
    cold = json.loads((root / "cold.json").read_text(encoding="utf-8"))
    assert warm["findings"] == cold["findings"]


def _parses(data: bytes) -> bool:
    try:
        ast.parse(data)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("fraction", [0.1, 0.4, 0.7, 0.9, 0.97])
def test_sigint_during_check_fix_and_baseline_leaves_no_partial_file(tmp_path: Path, fraction: float,
                                                                     reference) -> None:  # type: ignore[no-untyped-def]
    ref, fixed, took = reference
    root = make(tmp_path, "p")
    before = sources(root)
    code, err, _ = run(root, FIX, interrupt_after=took * fraction)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if code == 130:
        assert err.strip().splitlines()[-1] == "testaudit: interrupted"
    elif code == -signal.SIGINT:  # arrived as the interpreter was exiting: all its work was done
        assert (root / "report.json").exists()
    else:  # finished before the signal arrived: the run is complete
        assert code in (0, 1), err
        assert (root / "report.json").exists()
    assert_nothing_partial(root, before, fixed, ref)


def test_sigint_during_badge_leaves_no_partial_badge(tmp_path: Path) -> None:
    root = make(tmp_path, "p", modules=60)
    code, err, took = run(root, ["badge", ".", "-o", "badge.svg"])
    assert code == 0, err
    full = (root / "badge.svg").read_bytes()
    (root / "badge.svg").unlink()
    shutil.rmtree(root / DIR, ignore_errors=True)
    for fraction in (0.3, 0.8, 0.99):
        code, err, _ = run(root, ["badge", ".", "-o", "badge.svg"], interrupt_after=took * fraction)
        assert code in (0, 130, -signal.SIGINT) and "Traceback" not in err, err
        if code == -signal.SIGINT:  # arrived as the interpreter was exiting: all its work was done
            assert (root / "badge.svg").exists(), err
        if (root / "badge.svg").exists():
            assert (root / "badge.svg").read_bytes() == full
        assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_a_ctrl_c_during_the_pools_shutdown_is_raised_not_swallowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """multiprocessing runs finalizers while a pool shuts down, and a KeyboardInterrupt raised in
    one is printed ("Exception ignored ... Traceback") and dropped: the run went on as if never
    interrupted. The stand-in shutdown is interrupted inside such a swallowing block."""
    from concurrent.futures import ProcessPoolExecutor

    root = write_project(tmp_path / "p", {f"tests/unit/test_{n}.py": f'def test_{n}():\n    assert {n} == {n}\n'
                                          for n in range(8)})
    real, swallowed = ProcessPoolExecutor.shutdown, []

    def shutdown(self, wait=True, *, cancel_futures=False):  # type: ignore[no-untyped-def]
        try:  # as multiprocessing.util._run_finalizers does
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
        except KeyboardInterrupt:
            swallowed.append(True)
        real(self, wait, cancel_futures=cancel_futures)

    monkeypatch.setattr(ProcessPoolExecutor, "shutdown", shutdown)
    with pytest.raises(KeyboardInterrupt):
        run_project(root, jobs=2)
    assert swallowed == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _appears(path: Path, proc: "subprocess.Popen[str]", timeout: float = 60) -> bool:
    """Whether ``path`` is created while ``proc`` still runs (polled: the process gives no other sign)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _console_script() -> List[str]:
    script = Path(sys.executable).with_name("testaudit")
    if not script.exists():
        pytest.skip("no testaudit console script next to this interpreter")
    return [str(script)]


@pytest.mark.parametrize("command", [lambda: [sys.executable, "-m", "testaudit"], _console_script],
                         ids=["python -m testaudit", "console script"])
def test_sigint_while_the_cli_is_still_loading_ends_without_a_traceback(tmp_path: Path, command) -> None:  # type: ignore[no-untyped-def]
    """The CLI's imports (click, the reporters' registry) take a tenth of a second or so: a
    stand-in ``click`` that says when it is being imported and then waits holds the process there."""
    slow = tmp_path / "slow" / "click"
    slow.mkdir(parents=True)
    loading = tmp_path / "loading"
    (slow / "__init__.py").write_text(f"import pathlib, time\npathlib.Path({str(loading)!r}).touch()\ntime.sleep(60)\n",
                                      encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(slow.parent)}  # testaudit: ignore[TA301] (subprocess env)
    proc = subprocess.Popen([*command(), "--version"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert _appears(loading, proc), proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (130, "", "testaudit: interrupted\n")


def test_a_ctrl_c_between_creating_the_temporary_file_and_the_write_leaves_nothing_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CI caught a `.testaudit-*.tmp` left in the project after a Ctrl-C at the very end of a run:
    the interrupt landed right after `mkstemp` returned, before the write's cleanup guarded it.
    The write now holds a Ctrl-C back until it is done, then delivers it."""
    import tempfile

    from testaudit import atomic

    real = tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # delivered at the next instruction
        return made

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_ctrl_c)
    target = tmp_path / "report.json"
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text_atomic(str(target), "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"  # finished, then interrupted
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
