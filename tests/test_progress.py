"""Progress on stderr: only on a terminal, only once a run takes more than a couple of seconds.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Retention
- Value Impact: a long run shows it is alive; logs and pipes stay clean
- Strategic Impact: a tool that behaves well in a terminal is a tool people run
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import List

from click.testing import CliRunner
from rich.console import Console

from conftest import write_project
from testaudit.cli import main
from testaudit.cli_support import DelayedProgress, _progress_display


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _terminal() -> "tuple[Console, io.StringIO]":
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=80), buf


def test_quick_runs_show_nothing() -> None:
    console, buf = _terminal()
    clock = Clock()
    display = DelayedProgress(delay=2.0, clock=clock, console=console)
    for done in range(1, 51):
        clock.now += 0.03  # 1.5 s in all
        display.update("check", done, 50)
    display.close()
    assert display.progress is None
    assert buf.getvalue() == ""


def test_long_runs_show_a_bar_per_phase_after_the_delay() -> None:
    console, buf = _terminal()
    clock = Clock()
    display = DelayedProgress(delay=2.0, clock=clock, console=console)
    display.update("check", 10, 400)
    assert display.progress is None
    clock.now += 2.5
    display.update("check", 200, 400)
    display.update("facts", 3, 7)
    assert display.progress is not None
    tasks = {t.description: (t.completed, t.total) for t in display.progress.tasks}
    assert tasks == {"checking files": (200, 400), "reading cross-file facts": (3, 7)}
    display.progress.refresh()
    shown = buf.getvalue()
    display.close()
    assert "checking files" in shown and "200/400" in shown


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    with _progress_display(enabled=True) as progress:  # pytest captures stderr: not a terminal
        assert progress is None


def test_check_through_a_pipe_writes_only_the_report(tmp_path: Path) -> None:
    files = {f"tests/test_{i}.py": "def test_x():\n    assert True\n" for i in range(30)}
    project = write_project(tmp_path, files)
    res = CliRunner().invoke(main, ["check", str(project), "--format", "concise", "--exit-zero"])
    lines: List[str] = res.stderr.splitlines()
    assert lines == []
    assert "\r" not in res.stdout and "\x1b" not in res.stdout


def test_a_terminal_gets_the_delayed_display_unless_quiet(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with _progress_display(enabled=True) as progress:
        assert progress is not None and getattr(progress, "__self__", None).__class__ is DelayedProgress
    with _progress_display(enabled=False) as progress:  # --quiet
        assert progress is None
