"""A worker process that dies turns into a finding for its file, and the run completes.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: one pathological file (or the OOM killer) costs a finding, not the whole audit
- Strategic Impact: a gate that never falls over is a gate teams keep
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from conftest import run_project, write_project
from testaudit import analyze, engine

MOCKED = ('"""Doc."""\nfrom unittest.mock import MagicMock\nimport pytest\n\n\n@pytest.mark.integration\n'
          "def test_{n}():\n    assert MagicMock()\n")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    files = {f"tests/integration/test_{n:02}.py": MOCKED.format(n=n) for n in range(24)}
    files["tests/integration/test_killer.py"] = MOCKED.format(n="killer") + "from tests.integration import lethal\n"
    files["tests/__init__.py"] = ""
    files["tests/integration/__init__.py"] = ""
    files["tests/integration/lethal.py"] = "def helper():\n    return 1\n"
    return write_project(tmp_path / "p", files)


def kill_worker_on(monkeypatch: pytest.MonkeyPatch, victims: Set[str]) -> None:
    """Workers are forked from this process, so they inherit the patch; this process is spared."""
    parent = os.getpid()
    real = analyze.analyze_file

    def deadly(src, role="check"):  # type: ignore[no-untyped-def]
        if src.rel in victims and os.getpid() != parent:
            os._exit(9)
        return real(src, role)

    monkeypatch.setattr(analyze, "analyze_file", deadly)


def codes(result) -> Set[Tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(f.path, f.code) for f in result.findings}


def test_a_checked_file_that_kills_its_worker_becomes_a_finding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    normal = run_project(project, jobs=2)
    kill_worker_on(monkeypatch, {"tests/integration/test_killer.py"})
    result = run_project(project, jobs=2)
    killed = [f for f in result.findings if f.path == "tests/integration/test_killer.py"]
    assert [f.code for f in killed] == ["TA001"]
    assert "worker process died" in killed[0].message
    others = {c for c in codes(normal) if c[0] != "tests/integration/test_killer.py"}
    assert {c for c in codes(result) if c[0] != "tests/integration/test_killer.py"} == others
    assert result.files_checked == normal.files_checked


def test_a_reached_module_that_kills_its_worker_becomes_a_warning(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "LAZY_MAX_FILES", 1)  # read the closure up front, in the workers
    kill_worker_on(monkeypatch, {"tests/integration/lethal.py"})
    result = run_project(project, ["tests/integration/test_killer.py", "tests/integration/test_00.py"], jobs=2)
    assert {f.path for f in result.findings} == {"tests/integration/test_killer.py", "tests/integration/test_00.py"}
    assert any(w.path == "tests/integration/lethal.py" and "worker process died" in w.message
               for w in result.warnings)


def test_nothing_of_a_run_with_a_dead_worker_is_cached(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kill_worker_on(monkeypatch, {"tests/integration/test_killer.py"})
    crashed = run_project(project, jobs=2, cache=True)
    assert ("tests/integration/test_killer.py", "TA001") in codes(crashed)
    monkeypatch.undo()
    again = run_project(project, jobs=2, cache=True)
    assert ("tests/integration/test_killer.py", "TA001") not in codes(again)
    assert ("tests/integration/test_killer.py", "TA101") in codes(again)


def test_a_file_that_killed_its_worker_is_not_analysed_again_in_process_when_rules_consult_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of a few files reads other modules' facts on demand, in this process: a checked file
    whose worker died is never tried again here (it would take the whole run down)."""
    helper = "def make():\n    return 1\n\n\n" + MOCKED.format(n="killer")
    root = write_project(tmp_path / "p", {
        "tests/__init__.py": "", "tests/integration/__init__.py": "",
        "tests/integration/test_killer.py": helper,
        "tests/integration/test_user.py": MOCKED.format(n="user").replace(
            "assert MagicMock()", "assert make() and MagicMock()") + "from tests.integration.test_killer import make\n",
        "tests/integration/test_other.py": MOCKED.format(n="other"),
    })
    paths = ["tests/integration/test_killer.py", "tests/integration/test_user.py", "tests/integration/test_other.py"]
    normal = run_project(root, paths, jobs=2)
    parent = os.getpid()
    here: List[str] = []
    real = analyze.analyze_file

    def deadly(src, role="check"):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            here.append(src.rel)
        elif src.rel == "tests/integration/test_killer.py":
            os._exit(9)
        return real(src, role)

    monkeypatch.setattr(analyze, "analyze_file", deadly)
    crashed = run_project(root, paths, jobs=2, cache=True)
    assert "tests/integration/test_killer.py" not in here
    assert [f.code for f in crashed.findings if f.path == "tests/integration/test_killer.py"] == ["TA001"]
    assert {c for c in codes(crashed) if c[0] != "tests/integration/test_killer.py"} == \
        {c for c in codes(normal) if c[0] != "tests/integration/test_killer.py"}
    monkeypatch.undo()
    again = run_project(root, paths, jobs=2, cache=True)  # nothing of the crashed run was cached
    assert codes(again) == codes(normal)


def _children(pid: int) -> Set[int]:
    found: Set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found.update(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    """SIGKILL of the main process left its pool workers alive, holding stdout and stderr open,
    so a CI step never ended; each worker now watches its parent and exits with it."""
    import signal
    import subprocess
    import sys
    import time

    if not os.path.exists("/proc/self/task"):
        pytest.skip("needs /proc")
    files = {f"tests/integration/test_{n}.py": MOCKED.format(n=n) * 40 for n in range(400)}
    root = write_project(tmp_path, files)
    proc = subprocess.Popen([sys.executable, "-m", "testaudit", "check", str(root), "-j", "2", "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: Set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = {c for c in _children(proc.pid) if _alive(c)}
        time.sleep(0.05)
    if len(workers) < 2:
        proc.kill()
        pytest.skip("the run ended before its workers could be seen")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert left == []
