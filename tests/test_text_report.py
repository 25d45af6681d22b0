"""The text report writes its findings directly, exactly as rich would print them.

Business Value Justification (BVJ):
- Segment: Platform/Internal (developers reading testaudit's default output)
- Business Goal: Velocity
- Value Impact: printing the reference corpus's 33,000 findings went from 17 s to about 1 s
- Strategic Impact: the default format stays usable on a monorepo
"""
from __future__ import annotations

import io
from itertools import groupby
from pathlib import Path
from typing import Tuple

import pytest
from rich.console import Console
from rich.text import Text

from conftest import run_project, write_project
from testaudit.model import RunResult
from testaudit.report.escape import visible
from testaudit.report.summary import fix_label
from testaudit.report.text import TextReporter, _painter, _plain
from testaudit.source import read_lines

SEVERITY = {"error": "bold red", "warning": "yellow"}

AWKWARD = (
    '"""Doc."""\n'
    "import os\n"
    "import time\n"
    "from unittest.mock import MagicMock\n"
    "import pytest\n\n\n"
    "@pytest.mark.integration\n"
    "def test_tabs():\n"
    '\tvalue = os.environ["HOME"]\t# a tab before the comment\n'
    '\tx = {"k": 1};\ty = os.environ.get("\\tT\\x1bAB")\n'
    "\tassert MagicMock()\n"
    "\ttime.sleep(2)\n\n\n"
    "@pytest.mark.integration\n"
    "def test_wide():\n"
    '    nom = "用户名\t全角"; os.environ["用户\t"] = nom\n'
    "    assert MagicMock(name='\U0001F600\t')\n"
)


def rich_rendering(result: RunResult, color: bool) -> str:
    """The findings as the reporter printed them with rich, one ``Console.print`` per line."""
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=100, highlight=False, soft_wrap=True)
    for path, group in groupby(result.findings, key=lambda f: f.path):
        lines = read_lines(str(Path(result.root, path)))
        console.print(Text(visible(path), style="bold underline"))
        for f in group:
            head = Text("  ")
            head.append(f"{f.location.line}:{f.location.column}", style="cyan")
            head.append("  ")
            head.append(f.code, style=SEVERITY.get(f.severity.value, ""))
            head.append(f" {visible(f.message)}")
            if f.fix is not None:
                head.append(f" {fix_label(f)}", style="green" if f.fix.safe else "yellow")
            if f.category:
                head.append(f"  [{f.category}]", style="dim")
            console.print(head)
            if 0 < f.location.line <= len(lines):
                raw = lines[f.location.line - 1]
                src = visible(raw)
                gutter = f"    {f.location.line:>5} | "
                frame = Text()
                frame.append(gutter, style="dim")  # the gutter only (Text(gutter, style=) dims the line)
                frame.append(src[:200])
                console.print(frame)
                start = len(visible(raw[:f.location.column - 1]))
                end = len(visible(raw[:f.location.end_column - 1])) if f.location.end_line == f.location.line \
                    else len(src)
                console.print(Text(" " * (len(gutter) + start) + "^" * min(max(1, end - start), 120),
                                   style=SEVERITY.get(f.severity.value, "")))
        console.print()
    for w in result.warnings:
        console.print(Text(f"warning: {visible(w.path)}: {visible(w.message)}", style="yellow"))
    return buf.getvalue()


@pytest.fixture(scope="module")
def awkward_run(tmp_path_factory: pytest.TempPathFactory) -> Tuple[RunResult, int]:
    root = write_project(tmp_path_factory.mktemp("text") / "p", {
        "tests/integration/test_awkward.py": AWKWARD,
        "tests/integration/test_\tname\u202e.py": AWKWARD.replace("def test_", "def test_b_"),
        "tests/unit/test_broken.py": "def test_(\n\tpass\n",
        "tests/unit/test_unreadable.py": "",
    })
    (root / "tests/unit/test_unreadable.py").chmod(0)
    try:
        result = run_project(root)
    finally:
        (root / "tests/unit/test_unreadable.py").chmod(0o644)
    tabbed = sum("\t" in f.message or "\t" in f.path for f in result.findings)
    return result, tabbed


@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
def test_findings_are_written_as_rich_prints_them(awkward_run: Tuple[RunResult, int], color: bool) -> None:
    result, tabbed = awkward_run
    assert len(result.findings) >= 12 and tabbed >= 4  # tabs in paths and messages, not only in frames
    assert any(f.fix is not None for f in result.findings)
    console = Console(file=io.StringIO(), force_terminal=color, no_color=not color, width=100, highlight=False,
                      soft_wrap=True)
    ours = TextReporter._findings(result, _painter(console) if color else _plain)
    assert ours == rich_rendering(result, color)
    assert ("\x1b[" in ours) is color


def test_the_whole_report_starts_with_the_findings_and_ends_with_the_summary(awkward_run: Tuple[RunResult, int]) -> None:
    result, _ = awkward_run
    out = TextReporter().render(result)
    assert out.startswith(rich_rendering(result, False))
    assert out.rstrip().splitlines()[-1].startswith("Compliance: ")


@pytest.mark.parametrize("text", ["a\nb\r\nc\rd\n\ne", "x\n", "", "\n\n\n", "one", "a\r\n\r\nb\r"])
def test_split_lines_up_to_a_limit_is_a_prefix_of_the_whole_split(text: str) -> None:
    """The text report splits a file only up to the last line it shows."""
    from testaudit.source import split_lines

    whole = split_lines(text)
    for limit in range(0, len(whole) + 3):
        assert split_lines(text, limit) == whole[:limit]
