"""``--format markdown``: the summary for a CI job summary or a pull-request comment.

The score, then tables per rule, per category and per top-level directory, then the modules
that lose the most score. No findings list: that is what the other formats are for.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Sequence

from testaudit import score as scoring
from testaudit.model import RunResult
from testaudit.report import Reporter
from testaudit.report.escape import markdown_code, visible_lines
from testaudit.report.summary import severity_counts, status_notes, summarize, worst_modules


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
    rows = [(markdown_code(name), s.modules, s.text) for name, s in scores.items()]
    return [f"### By {title}", ""] + _table((title, "test modules", "score"), "lrr", rows)


def render_markdown(result: RunResult, fail_under: str = "", limit: int = 10) -> str:
    s = summarize(result)
    errors, warnings = severity_counts(result)
    out = [f"## testaudit: compliance score {s.overall.text}", ""]
    facts = [f"**{s.overall.text}** / 100", f"{len(result.modules)} test modules",
             f"{result.files_checked} files checked",
             f"{len(result.findings)} findings ({errors} errors, {warnings} warnings)"]
    if result.suppressed:
        facts.append(f"{result.suppressed} suppressed")
    out += [" · ".join(facts), ""]
    notes = status_notes(result)
    if notes:
        out += [f"- {note[0].upper() + note[1:]}." for note in notes] + [""]
    if fail_under:
        if scoring.below_threshold(s.overall.value, fail_under):
            out += [f"**FAILED**: the score is below the threshold of {fail_under}.", ""]
        else:
            out += [f"Passed: the score is at or above the threshold of {fail_under}.", ""]
    rows = []
    for r in s.overall.rules:
        compliance = f"{scoring.format_score(r.compliance * 100)}%" if r.applicable else "n/a"
        rows.append((f"`{r.code}`", s.names.get(r.code, ""), s.counts.get(r.code, 0),
                     f"{r.failing}/{r.applicable}", compliance, scoring.format_score(r.weight)))
    out += ["### By rule", ""]
    out += _table(("code", "rule", "findings", "failing / applicable modules", "compliance", "weight"),
                  "llrrrr", rows)
    out += _scores("category", s.categories)
    out += _scores("directory", s.directories)
    worst = worst_modules(result, limit)
    if worst:
        out += [f"### Modules losing the most score (top {limit})", ""]
        out += _table(("module", "category", "failing rules", "findings"), "lllr",
                      [(markdown_code(m.path), m.category, ", ".join(m.failing), m.findings) for m in worst])
    return visible_lines("\n".join(out).rstrip("\n") + "\n")


class MarkdownReporter(Reporter):
    NAME = "markdown"

    def render(self, result: RunResult) -> str:
        return render_markdown(result, self.fail_under)
