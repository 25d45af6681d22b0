"""``--format text`` (default): findings grouped by file with a code frame, then a summary.

The only reporter that imports rich. Colour is on only when the CLI says the stream is a
terminal; output is otherwise plain and deterministic.
"""
from __future__ import annotations

import io
import os
from functools import partial
from collections import Counter
from itertools import groupby
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from rich.cells import cell_len
from rich.console import COLOR_SYSTEMS, Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from testaudit.model import Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.escape import visible
from testaudit.report.summary import blocker_lines, fix_label, severity_counts, status_notes, summarize
from testaudit.source import read_lines

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}
_Paint = Callable[[str, str], str]
_TAB = 8  # rich's default tab size


def _plain(text: str, style: str) -> str:
    return text


def _painter(console: Console) -> _Paint:
    """Text in a style, with the escape sequences rich would write for it on ``console``."""
    codes: Dict[str, Tuple[str, str]] = {}
    system = COLOR_SYSTEMS.get(console.color_system or "")  # None: no colour, as rich would print

    def paint(text: str, style: str) -> str:
        if not style or not text:
            return text
        around = codes.get(style)
        if around is None:
            before, _, after = Style.parse(style).render("\0", color_system=system).partition("\0")
            around = codes[style] = (before, after)
        return f"{around[0]}{text}{around[1]}"

    return paint


def _line(out: List[str], paint: _Paint, *segments: Tuple[str, str]) -> None:
    """One printed line of (text, style) segments, tabs expanded to every 8th cell as rich does."""
    if any("\t" in text for text, _ in segments):
        segments = tuple(_expand_tabs(segments))
    out.extend(paint(text, style) for text, style in segments)
    out.append("\n")


def _expand_tabs(segments: Sequence[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """Each tab becomes the spaces to the next multiple of 8 cells; like rich, a segment is cut
    after each of its tabs (so colour codes repeat there)."""
    column = 0
    expanded: List[Tuple[str, str]] = []
    for text, style in segments:
        *tabbed, last = text.split("\t")
        for part in tabbed:
            column += cell_len(part)
            width = _TAB - column % _TAB
            column += width
            expanded.append((part + " " * width, style))
        column += cell_len(last)
        expanded.append((last, style))
    return expanded


_FILES_LISTED = 10  # past the findings shown in full, files listed one line each


def _counted(findings: Sequence[Finding], more: str = "") -> str:
    """``12 findings (TA101 ×8, TA401 ×4)``: a file's findings in one line, codes by count."""
    codes = Counter(f.code for f in findings)
    each = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items(), key=lambda c: (-c[1], c[0])))
    return f"{len(findings):,} {more}finding{'s' if len(findings) != 1 else ''} ({each})"


def _rest(line: Callable[..., None], files: Sequence[Tuple[str, Sequence[Finding]]], limit: int, total: int) -> None:
    """The closing count of a capped report and how to see everything."""
    if files:
        more = sum(len(group) for _, group in files)
        line((f"… and {len(files):,} more file{'s' if len(files) != 1 else ''} with {more:,} "
              f"finding{'s' if more != 1 else ''}", "dim"))
    line((f"{min(limit, total):,} of {total:,} findings shown in full: `--show-all` shows every one, "
          "`--format concise` one line each, `--statistics` the counts per rule.", "dim"))
    line()


class TextReporter(Reporter):
    NAME = "text"

    def render(self, result: RunResult) -> str:
        buf = io.StringIO()
        console = Console(file=buf, force_terminal=self.color, no_color=not self.color, width=self.width,
                          highlight=False, soft_wrap=True)
        paint = _painter(console) if self.color else _plain
        if not self.quiet:
            buf.write(self._findings(result, paint, self.limit))
        if self.show_warnings:
            buf.write(self._warnings(result, paint))
        self._summary(console, result)
        return buf.getvalue()

    @staticmethod
    def _findings(result: RunResult, paint: "_Paint", limit: Optional[int] = None) -> str:
        """The findings as rich would print them, one ``Text`` per line (tabs expanded, spans
        styled), written directly: rich's per-call machinery took 17 s for the reference corpus's
        33,000 findings. With a ``limit``, only that many are shown with a code frame; the rest
        of their file is one line, the next files one line each, then a count (a report that
        fits a screen before the summary)."""
        out: List[str] = []
        line = partial(_line, out, paint)
        shown = 0
        listed = 0
        files = [(path, list(in_file)) for path, in_file in groupby(result.findings, key=lambda f: f.path)]
        for index, (path, group) in enumerate(files):
            if limit is not None and shown >= limit:
                if listed == _FILES_LISTED:
                    _rest(line, files[index:], limit, len(result.findings))
                    break
                line((visible(path), "bold underline"), (f": {_counted(group)}", ""))
                listed += 1
                continue
            if limit is not None and shown + len(group) > limit:
                rest = group[limit - shown:]
                group = group[:limit - shown]
            else:
                rest = []
            shown += len(group)
            # only the lines up to the last one shown are split
            lines = read_lines(os.path.join(result.root, path), max(f.location.line for f in group))
            line((visible(path), "bold underline"))
            for f in group:
                head: List[Tuple[str, str]] = [("  ", ""), (f"{f.location.line}:{f.location.column}", "cyan"),
                                               ("  ", ""), (f.code, _SEVERITY_STYLE.get(f.severity.value, "")),
                                               (f" {visible(f.message)}", "")]
                if f.fix is not None:
                    head.append((f" {fix_label(f)}", "green" if f.fix.safe else "yellow"))
                if f.category:
                    head.append((f"  [{f.category}]", "dim"))
                line(*head)
                if 0 < f.location.line <= len(lines):
                    raw = lines[f.location.line - 1]
                    src = visible(raw)
                    gutter = f"    {f.location.line:>5} | "
                    line((gutter, "dim"), (src[:200], ""))
                    start = len(visible(raw[:f.location.column - 1]))  # escapes widen the line
                    end = len(visible(raw[:f.location.end_column - 1])) if f.location.end_line == f.location.line \
                        else len(src)
                    caret = " " * (len(gutter) + start) + "^" * min(max(1, end - start), 120)
                    line((caret, _SEVERITY_STYLE.get(f.severity.value, "")))
            if rest:
                line((f"  … and {_counted(rest, 'more ')} in this file", "dim"))
            line()
        else:
            if limit is not None and shown < len(result.findings):
                _rest(line, [], limit, len(result.findings))
        return "".join(out)

    @staticmethod
    def _warnings(result: RunResult, paint: "_Paint") -> str:
        out: List[str] = []
        for w in result.warnings:
            _line(out, paint, (f"warning: {visible(w.path)}: {visible(w.message)}", "yellow"))
        return "".join(out)

    def _summary(self, console: Console, result: RunResult) -> None:
        s = summarize(result)
        if s.counts and (self.statistics or not self.quiet):
            table = Table(title=None, show_edge=False, pad_edge=False, box=None)
            table.add_column("code")
            table.add_column("rule")
            table.add_column("findings", justify="right")
            table.add_column("failing modules", justify="right")
            table.add_column("compliance", justify="right")
            by_code = {r.code: r for r in s.overall.rules}
            for code, count in s.counts.items():
                rs = by_code.get(code)
                failing = f"{rs.failing}/{rs.applicable}" if rs and rs.applicable else "-"
                comp = f"{rs.compliance * 100:.1f}%" if rs and rs.applicable else "-"
                table.add_row(code, s.names.get(code, ""), str(count), failing, comp)
            console.print(table)
            console.print()
        # directory (and category) names come from the audited tree: escaped, and printed as
        # Text so that rich reads no markup in them
        if s.categories:
            cats = ", ".join(f"{visible(name)} {score.text}% ({score.complying}/{score.modules})"
                             for name, score in s.categories.items())
            console.print(Text(f"By category: {cats}"))
        if len(s.directories) > 1:
            dirs = ", ".join(f"{visible(name)} {score.text}% ({score.complying}/{score.modules})"
                             for name, score in s.directories.items())
            console.print(Text(f"By directory: {dirs}"))
        blockers = blocker_lines(s.overall, s.names, 3)
        if blockers and not self.quiet:
            console.print(Text(f"Would comply if only this rule were fixed: {'; '.join(blockers)}"))
        errors, warnings = severity_counts(result)
        total = len(result.findings)
        if total:
            line = f"Found {total} finding{'s' if total != 1 else ''} ({errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''})"
        else:
            line = "All checks passed!"
        extra: List[str] = [f"{result.files_checked} file{'s' if result.files_checked != 1 else ''} checked"]
        if result.suppressed:
            extra.append(f"{result.suppressed} suppressed")
        if result.unreached:
            n = len(result.unreached)
            extra.append(f"{n} module{'s' if n != 1 else ''} no test imports left out (`report-unreached = true` "
                         "checks them)")
        console.print(Text(f"{line}{' ' if line.endswith('!') else '; '}{', '.join(extra)}."))
        for note in status_notes(result):
            console.print(Text(visible(note[0].upper() + note[1:] + ".")))
        console.print(Text(f"Compliance: {s.overall.sentence}", style="bold"))
        for gate in self.gates(result):
            if gate.failed:
                console.print(Text(f"{gate.label}: {gate.message}", style="bold red" if gate.enforced else "yellow"))
