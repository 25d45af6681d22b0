"""``testaudit verify`` output: text (a table per report section), Markdown (for a PR comment:
false claims first) and JSON (SPEC §12's schema). Deterministic; report text never becomes
markup (Markdown cells are escaped, control characters shown as symbols)."""
from __future__ import annotations

import json
from itertools import groupby
from typing import Any, Dict, List, Sequence

from testaudit.report.escape import markdown_code, visible
from testaudit.verify.run import VerifyResult
from testaudit.verify.verdicts import FALSE, HOLDS, UNVERIFIABLE, Verdict

FORMATS = ("text", "markdown", "json")
JSON_VERSION = 1
MARK = {HOLDS: "holds", FALSE: "FALSE", UNVERIFIABLE: "unverifiable"}


def summary_line(result: VerifyResult) -> str:
    s = result.summary
    return (f"{s['claims']} claim{'s' if s['claims'] != 1 else ''}: {s['holds']} hold, {s['false']} false, "
            f"{s['unverifiable']} unverifiable")


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sections(verdicts: Sequence[Verdict]) -> List[List[Verdict]]:
    ordered = sorted(verdicts, key=lambda v: v.report_line)
    return [list(group) for _, group in groupby(ordered, key=lambda v: v.section)]


def render_text(result: VerifyResult, width: int = 100) -> str:
    out = [f"testaudit verify {visible(result.report)} (project root: {visible(result.root)})", ""]
    for group in _sections(result.verdicts):
        title = group[0].section or "(before the first heading)"
        out.append(visible(title))
        rows = [(str(v.report_line), v.kind, MARK[v.verdict], _value(v.claimed), _value(v.measured), v.text)
                for v in group]
        widths = [max(len(r[i]) for r in rows + [("line", "kind", "verdict", "claimed", "measured", "")])
                  for i in range(5)]
        head = ("line", "kind", "verdict", "claimed", "measured")
        out.append("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths)) + "  claim")
        for v, row in zip(group, rows):
            cells = [row[0].rjust(widths[0])] + [c.ljust(w) for c, w in zip(row[1:5], widths[1:])]
            out.append(visible("  " + "  ".join(cells) + "  " + row[5]))
            if v.verdict != HOLDS:
                for line in v.evidence:
                    out.append(visible(" " * (6 + widths[0]) + "· " + line))
        out.append("")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    return visible(str(value)).replace("|", "\\|").replace("\n", " ")


def render_markdown(result: VerifyResult) -> str:
    s = result.summary
    out = [f"## testaudit verify: {markdown_code(result.report)}", "",
           f"**{summary_line(result)}**", ""]
    false = [v for v in result.verdicts if v.verdict == FALSE]
    if false:
        out += ["### False claims", ""]
        for v in false:
            out.append(f"- **line {v.report_line}** ({v.kind}): {_cell(v.text)} — claimed {_cell(_value(v.claimed))}, "
                       f"measured {_cell(_value(v.measured))}")
            out += [f"  - {_cell(e)}" for e in v.evidence]
        out.append("")
    out += ["### Every claim", "", "| line | section | kind | verdict | claimed | measured | claim |",
            "| ---: | --- | --- | --- | --- | --- | --- |"]
    for v in result.verdicts:
        out.append(f"| {v.report_line} | {_cell(v.section)} | {v.kind} | {MARK[v.verdict]} | {_cell(_value(v.claimed))} "
                   f"| {_cell(_value(v.measured))} | {_cell(v.text)} |")
    unverifiable = s["unverifiable"]
    if unverifiable:
        out += ["", f"{unverifiable} claim{'s' if unverifiable != 1 else ''} could not be checked statically; "
                "`testaudit verify --format text` lists why."]
    return "\n".join(out) + "\n"


def to_dict(result: VerifyResult) -> Dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "report": result.report,
        "root": result.root,
        "files": [{"mention": f.mention, "report_line": f.report_line, "path": f.path, "status": f.status,
                   "candidates": list(f.candidates)} for f in result.files],
        "claims": [{"kind": v.kind, "report_line": v.report_line, "text": v.text, "subject": list(v.subject),
                    "claimed": v.claimed, "measured": v.measured, "verdict": v.verdict,
                    "evidence": list(v.evidence)} for v in result.verdicts],
        "summary": result.summary,
    }


def render(result: VerifyResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return render_markdown(result)
    return render_text(result)
