"""``--format markdown``: the summary for a CI job summary or a pull-request comment.

The score and what it counts, the gates, the rules whose fix would lift the most modules, then
tables per rule, per category and per top-level directory, then the modules furthest from
compliance. No findings list: that is what the other formats are for.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Sequence

import testaudit.score as scoring
from testaudit.model import RunResult
from testaudit.report import Reporter
from testaudit.report.escape import markdown_code, visible_lines
from testaudit.report.summary import SCORE_NOTE, severity_counts, status_notes, summarize, worst_modules


def _cell(value: object) -> str:
    """A table cell: GFM splits rows at pipes before it reads code spans, so ``\\|`` even there
    (backslashes are left alone: inside a code span they are shown as written)."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], align: str, rows: Iterable[Sequence[object]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _scores(title: str, scores: Dict[str, scoring.Score]) -> List[str]:
    if not scores:
        return []
    rows = [(markdown_code(name), s.modules, s.complying, f"{s.text}%") for name, s in scores.items()]
    return [f"### By {title}", ""] + _table((title, "test modules", "complying", "score"), "lrrr", rows)


def _gate_lines(gates: Sequence[scoring.Gate]) -> List[str]:
    out = []
    for gate in gates:
        if gate.failed:
            out.append(f"- **{gate.label}**: {gate.message}.")
        else:
            what = "the score" if gate.category is None else f"category {gate.category}"
            out.append(f"- Passed: {what} ({scoring.format_score(gate.value)}) is at or above {gate.threshold}.")
    return out + [""] if out else []


def render_markdown(result: RunResult, gates: Sequence[scoring.Gate] = (), limit: int = 10) -> str:
    s = summarize(result)
    errors, warnings = severity_counts(result)
    out = [f"## testaudit: {s.overall.text}% of test modules comply", ""]
    checked = result.files_checked
    facts = [f"**{s.overall.sentence}**", f"{checked} file{'s' if checked != 1 else ''} checked",
             f"{len(result.findings)} findings ({errors} errors, {warnings} warnings)"]
    if result.suppressed:
        facts.append(f"{result.suppressed} suppressed")
    out += [" · ".join(facts), "", SCORE_NOTE, ""]
    notes = status_notes(result)
    if notes:
        out += [f"- {note[0].upper() + note[1:]}." for note in notes] + [""]
    out += _gate_lines(gates)
    start = scoring.top_blockers(s.overall)
    if start:
        out += ["### Where to start", ""]
        out += _table(("code", "rule", "test modules that would comply if only this rule were fixed"), "llr",
                      [(f"`{r.code}`", s.names.get(r.code, ""), r.blocking) for r in start])
    rows = []
    for r in s.overall.rules:
        compliance = f"{scoring.format_score(r.compliance * 100)}%" if r.applicable else "n/a"
        rows.append((f"`{r.code}`", s.names.get(r.code, ""), s.counts.get(r.code, 0),
                     f"{r.failing}/{r.applicable}", compliance, r.blocking))
    out += ["### By rule", ""]
    out += _table(("code", "rule", "findings", "failing / applicable modules", "compliance",
                   "would comply if fixed"), "llrrrr", rows)
    out += _scores("category", s.categories)
    out += _scores("directory", s.directories)
    worst = worst_modules(result, limit)
    if worst:
        out += [f"### Modules furthest from compliance (top {limit})", ""]
        out += _table(("module", "category", "rules with errors", "findings"), "lllr",
                      [(markdown_code(m.path), m.category, ", ".join(m.failing), m.findings) for m in worst])
    return visible_lines("\n".join(out).rstrip("\n") + "\n")


class MarkdownReporter(Reporter):
    NAME = "markdown"

    def render(self, result: RunResult) -> str:
        return render_markdown(result, self.gates(result))
