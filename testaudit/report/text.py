"""``--format text`` (default): findings grouped by file with a code frame, then a summary.

The only reporter that imports rich. Colour is on only when the CLI says the stream is a
terminal; output is otherwise plain and deterministic.
"""
from __future__ import annotations

import io
import os
from itertools import groupby
from typing import List

from rich.console import Console
from rich.table import Table
from rich.text import Text

from testaudit.model import RunResult
from testaudit.report import Reporter
from testaudit.report.escape import visible
from testaudit.report.summary import fix_label, severity_counts, status_notes, summarize
from testaudit.score import below_threshold
from testaudit.source import read_lines

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}


class TextReporter(Reporter):
    NAME = "text"

    def render(self, result: RunResult) -> str:
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=self.color, no_color=not self.color, width=self.width,
                          highlight=False, soft_wrap=True)
        if not self.quiet:
            self._findings(console, result)
        self._summary(console, result)
        return buf.getvalue()

    def _findings(self, console: Console, result: RunResult) -> None:
        for path, group in groupby(result.findings, key=lambda f: f.path):
            lines = read_lines(os.path.join(result.root, path))
            console.print(Text(visible(path), style="bold underline"))
            for f in group:
                head = Text("  ")
                head.append(f"{f.location.line}:{f.location.column}", style="cyan")
                head.append("  ")
                head.append(f.code, style=_SEVERITY_STYLE.get(f.severity.value, ""))
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
                    console.print(Text(gutter, style="dim") + Text(src[:200]))
                    start = len(visible(raw[:f.location.column - 1]))  # escapes widen the line
                    end = len(visible(raw[:f.location.end_column - 1])) if f.location.end_line == f.location.line \
                        else len(src)
                    caret = " " * (len(gutter) + start) + "^" * min(max(1, end - start), 120)
                    console.print(Text(caret, style=_SEVERITY_STYLE.get(f.severity.value, "")))
            console.print()
        for w in result.warnings:
            console.print(Text(f"warning: {visible(w.path)}: {visible(w.message)}", style="yellow"))

    def _summary(self, console: Console, result: RunResult) -> None:
        s = summarize(result)
        if s.counts and (self.statistics or not self.quiet):
            table = Table(title=None, show_edge=False, pad_edge=False, box=None)
            table.add_column("code")
            table.add_column("rule")
            table.add_column("findings", justify="right")
            table.add_column("compliance", justify="right")
            by_code = {r.code: r for r in s.overall.rules}
            for code, count in s.counts.items():
                rs = by_code.get(code)
                comp = f"{rs.compliance * 100:.1f}%" if rs and rs.applicable else "-"
                table.add_row(code, s.names.get(code, ""), str(count), comp)
            console.print(table)
            console.print()
        if s.categories:
            cats = ", ".join(f"{name} {score.text}" for name, score in s.categories.items())
            console.print(f"Category scores: {cats}")
        if len(s.directories) > 1:
            dirs = ", ".join(f"{name} {score.text}" for name, score in s.directories.items())
            console.print(f"Directory scores: {dirs}")
        errors, warnings = severity_counts(result)
        total = len(result.findings)
        if total:
            line = f"Found {total} finding{'s' if total != 1 else ''} ({errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''})"
        else:
            line = "All checks passed!"
        extra: List[str] = [f"{result.files_checked} files checked", f"{len(result.modules)} test modules"]
        if result.suppressed:
            extra.append(f"{result.suppressed} suppressed")
        console.print(f"{line}; {', '.join(extra)}.")
        for note in status_notes(result):
            console.print(Text(note[0].upper() + note[1:] + "."))
        console.print(Text(f"Compliance score: {s.overall.text}", style="bold"))
        if self.fail_under and below_threshold(s.overall.value, self.fail_under):
            console.print(Text(f"FAILED: compliance score {s.overall.text} is below --fail-under {self.fail_under}",
                               style="bold red"))
