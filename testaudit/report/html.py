"""``--format html``: one self-contained dashboard file (no network, no external scripts or fonts).

What it shows: the score as a large figure in the badge colour, a bar per rule, a score per
category, a sortable directory table that drills down to modules, an optional score trend, and a
findings browser (filter by rule, category, severity and path; message, fix hint, code frame).

How it stays safe and small:

- The figures drawn without JavaScript (score, rules, categories, top-level directories) are the
  JSON reporter's own values (:func:`testaudit.report.json.summary_dict`), so the two agree.
- Everything else travels as one JSON document in ``<script type="application/json">`` with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so audited text such as ``</script>`` cannot
  end the block; the page's script builds rows with DOM calls and ``textContent`` only. A
  Content-Security-Policy allows no network access and only the page's own script (by hash).
- Strings repeated across findings (paths, messages, test ids) are stored once; code frames are
  the flagged line and one line either side, stored once per file line; the browser renders 200
  findings at a time. Output is deterministic: same result, same bytes.
"""
from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional, Sequence, Tuple

from testaudit._version import __version__
import testaudit.score as scoring
from testaudit.badge import color
from testaudit.model import Finding, RunResult
from testaudit.report import Reporter
from testaudit.report._page import asset, esc, page, visible
from testaudit.report.json import summary_dict
from testaudit.report.summary import SCORE_NOTE, blocker_lines, severity_counts, status_notes
from testaudit.report.trend import trend_section
from testaudit.source import read_lines

CONTEXT = 1  # lines of code shown above and below a flagged line
MAX_FRAME_LINES = 4  # a multi-line finding shows at most this many of its own lines
MAX_LINE = 160  # characters of a code line kept in a frame


# -- the data behind the interactive parts ---------------------------------------------------
class _Strings:
    """A table of distinct strings; values refer to them by index."""

    def __init__(self) -> None:
        self.index: Dict[str, int] = {}
        self.values: List[str] = []

    def __call__(self, text: str) -> int:
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.values)
            self.values.append(visible(text))
        return i


def directory_tree(result: RunResult, paths: _Strings) -> Tuple[List[List[Any]], List[List[Any]]]:
    """Directories (``[path, parent, score, test modules, modules not complying, findings]``,
    parent -1 for a top-level one; score '' when no test module is below it) and files (``[path,
    directory, category, score, rules with errors, findings]``) for the drill-down. Top-level groups are :func:`score.top_directory`'s, ``.``
    holding the files at the root, as in the JSON ``directories``; every directory's score is
    :func:`score.compute` over the test modules below it."""
    modules = {m.path: m for m in result.modules}
    per_file = Counter(f.path for f in result.findings)
    files = sorted(set(modules) | set(per_file))

    def dir_of(path: str) -> str:
        top = path.split("/", 1)[0] if "/" in path else "."
        return top if top == "." else path.rsplit("/", 1)[0]

    below: Dict[str, List[str]] = defaultdict(list)  # directory -> every file under it
    for path in files:
        d = dir_of(path)
        while True:
            below[d].append(path)
            if d == "." or "/" not in d:
                break
            d = d.rsplit("/", 1)[0]
    dirs: List[List[Any]] = []
    position: Dict[str, int] = {}
    for d in sorted(below, key=lambda d: (d != ".", d)):
        parent = -1 if d == "." or "/" not in d else position[d.rsplit("/", 1)[0]]
        mods = [modules[p] for p in below[d] if p in modules]
        value = scoring.compute(mods)
        position[d] = len(dirs)
        dirs.append([visible(d), parent, value.text if mods else "", len(mods), value.modules - value.complying,
                     sum(per_file[p] for p in below[d])])
    rows: List[List[Any]] = []
    for path in files:
        m = modules.get(path)
        rows.append([paths(path), position[dir_of(path)], m.category if m else "",
                     scoring.compute([m]).text if m else "",
                     " ".join(scoring.blocking_rules(m)) if m else "", per_file[path]])
    return dirs, rows


def _frame_ranges(findings: Sequence[Finding], count: int) -> List[Tuple[int, int]]:
    spans = []
    for f in findings:
        last = min(f.location.end_line, f.location.line + MAX_FRAME_LINES - 1)
        spans.append((max(1, f.location.line - CONTEXT), min(count, max(f.location.line, last) + CONTEXT)))
    merged: List[Tuple[int, int]] = []
    for start, end in sorted(spans):
        if start > end:
            continue
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def code_frames(result: RunResult, by_path: Dict[str, List[Finding]], paths: _Strings) -> Dict[str, List[Any]]:
    """Per file (by path index): ``[first line, [lines…]]`` chunks covering every frame."""
    out: Dict[str, List[Any]] = {}
    for path in sorted(by_path):
        lines = read_lines(os.path.join(result.root, path))
        chunks = [[start, [visible(line[:MAX_LINE]) for line in lines[start - 1:end]]]
                  for start, end in _frame_ranges(by_path[path], len(lines))]
        if chunks:
            out[str(paths(path))] = chunks
    return out


def _section(help_text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", help_text, re.M | re.S)
    return m.group(1).strip() if m else ""


def rule_hint(help_text: str) -> str:
    """How to fix a rule's findings: its ``## Fix`` section when it has one, else its
    ``## Use instead`` example, as plain text."""
    text = _section(help_text, "Fix") or _section(help_text, "Use instead")
    return re.sub(r"^```\w*\n?|^```$", "", text, flags=re.M).strip()


def build_data(result: RunResult) -> Dict[str, Any]:
    """The JSON document the page's script reads (see the module docstring)."""
    summary = summary_dict(result)
    paths, strings = _Strings(), _Strings()
    dirs, files = directory_tree(result, paths)
    codes = [r.code for r in result.rules]
    extra = sorted({f.code for f in result.findings} - set(codes))
    rule_index = {code: i for i, code in enumerate(codes + extra)}
    infos = {r.code: r for r in result.rules}
    rules = []
    for code in codes + extra:
        info = infos.get(code)
        stats = summary["rules"].get(code, {})
        rules.append({"code": code, "name": info.name if info else stats.get("name", ""),
                      "severity": info.severity.value if info else "",
                      "findings": summary["counts"].get(code, 0), "compliance": stats.get("compliance"),
                      "summary": visible(info.summary) if info else "",
                      "hint": visible(rule_hint(info.help)) if info else ""})
    categories = sorted({f.category or "" for f in result.findings})
    by_path: Dict[str, List[Finding]] = defaultdict(list)
    findings = []
    for f in result.findings:
        by_path[f.path].append(f)
        node = f.node_id or ""
        if node.startswith(f.path + "::"):
            node = node[len(f.path) + 2:]
        fix = 0 if f.fix is None else (1 if f.fix.safe else 2)
        findings.append([paths(f.path), f.location.line, f.location.column, f.location.end_line,
                         f.location.end_column, rule_index[f.code], 0 if f.severity.value == "error" else 1,
                         strings(f.message), categories.index(f.category or ""), strings(node) if node else -1,
                         fix, strings(f.fix.message) if f.fix is not None else -1])
    frames = code_frames(result, by_path, paths)
    return {"version": __version__, "rules": rules, "categories": categories, "dirs": dirs, "files": files,
            "paths": paths.values, "strings": strings.values, "findings": findings, "frames": frames}


# -- the parts drawn as HTML -----------------------------------------------------------------
def _bar(percent: Optional[float], label: str) -> str:
    width = 0.0 if percent is None else max(0.0, min(100.0, percent))
    hue = color(width)[1] if percent is not None else "#9aa4b1"
    return (f'<span class="bar" role="img" aria-label="{esc(label)}"><span class="fill" '
            f'style="width:{width:.1f}%;background:{hue}"></span></span>')


def overview(result: RunResult, summary: Dict[str, Any], gates: Sequence[scoring.Gate]) -> str:
    name, hex_ = color(summary["score"])
    errors, warnings = severity_counts(result)
    counted = (f"{summary['complying']:,} of {summary['test_modules']:,} test modules comply")
    facts = [f"{summary['files_checked']} files checked",
             f"{summary['findings']} findings ({errors} errors, {warnings} warnings)"]
    if summary["suppressed"]:
        facts.append(f"{summary['suppressed']} suppressed")
    notes = [SCORE_NOTE] + [n[0].upper() + n[1:] + "." for n in status_notes(result)]
    notes += [f"{g.label}: {g.message}." if g.failed else
              f"Passed: {'the score' if g.category is None else 'category ' + g.category} "
              f"({scoring.format_score(g.value)}) is at or above {g.threshold}." for g in gates]
    blockers = blocker_lines(scoring.Score(summary["complying"], summary["test_modules"],
                                           tuple(scoring.RuleScore(code, r["applicable"], r["failing"],
                                                                   r["would_comply_if_fixed"])
                                                 for code, r in summary["rules"].items())),
                             {code: r["name"] for code, r in summary["rules"].items()})
    if blockers:
        notes.append("Would comply if only this rule were fixed: " + "; ".join(blockers) + ".")
    score_text = scoring.format_score(summary["score"])
    return (f'<section id="overview" class="card"><div class="score" data-color="{esc(name)}" '
            f'style="--badge:{hex_}"><span class="figure" id="score">{esc(score_text)}</span>'
            f'<span class="unit">%</span><span class="label" id="complying">{esc(counted)}</span></div>'
            f'<div class="facts"><p>{esc(" · ".join(facts))}</p>'
            + "".join(f'<p class="note">{_code_spans(esc(n))}</p>' for n in notes) + "</div></section>")


def _code_spans(escaped: str) -> str:
    """The summaries' `code` spans (Markdown-style backticks) as <code>, in already escaped text."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)


def rules_table(summary: Dict[str, Any], data: Dict[str, Any]) -> str:
    rows = []
    for r in data["rules"]:
        stats = summary["rules"].get(r["code"])
        comp = stats["compliance"] if stats and stats["applicable"] else None
        comp_text = f"{comp}%" if comp is not None else "n/a"
        modules = f"{stats['failing']}/{stats['applicable']}" if stats else ""
        lifts = stats["would_comply_if_fixed"] if stats else 0
        rows.append(
            f'<tr data-rule="{esc(r["code"])}"><td><code>{esc(r["code"])}</code></td><td>{esc(r["name"])}</td>'
            f'<td class="sev {esc(r["severity"])}">{esc(r["severity"])}</td>'
            f'<td class="barcell">{_bar(comp, r["code"] + " compliance " + comp_text)}</td>'
            f'<td class="num compliance">{esc(comp_text)}</td><td class="num">{esc(modules)}</td>'
            f'<td class="num">{lifts}</td>'
            f'<td class="num"><button type="button" class="link count" data-filter-rule="{esc(r["code"])}" '
            f'title="Show these findings">{r["findings"]}</button></td></tr>')
    return ('<section id="rules" class="card"><h2>By rule</h2><table class="grid"><thead><tr><th>code</th>'
            '<th>rule</th><th>severity</th><th>compliance</th><th class="num">%</th>'
            '<th class="num" title="failing / applicable test modules">modules failing</th>'
            '<th class="num" title="test modules that would comply if only this rule were fixed">would comply '
            'if fixed</th>'
            '<th class="num">findings</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></section>")


def categories_table(summary: Dict[str, Any]) -> str:
    rows = []
    for name, c in summary["categories"].items():
        value = c["score"]
        rows.append(f'<tr data-category="{esc(name)}"><td>{esc(name)}</td>'
                    f'<td class="barcell">{_bar(value, f"{name} score {value}")}</td>'
                    f'<td class="num">{value}</td><td class="num">{c["complying"]}</td>'
                    f'<td class="num">{c["test_modules"]}</td></tr>')
    return ('<section id="categories" class="card"><h2>By category</h2><table class="grid"><thead><tr>'
            '<th>category</th><th>score</th><th class="num">%</th><th class="num">complying</th>'
            '<th class="num">test modules</th></tr></thead>'
            "<tbody>" + "".join(rows) + "</tbody></table></section>")


NO_SCORE = "\u2013"  # a directory or file without test modules has no score
DIR_COLUMNS = (("name", "directory / module"), ("score", "score"), ("modules", "test modules"),
               ("failing", "not complying"), ("findings", "findings"))


def directories_table(data: Dict[str, Any]) -> str:
    """The top level drawn here (the JSON ``directories``); the script redraws on drill-down."""
    head = "".join(f'<th class="{"" if key == "name" else "num"}"><button type="button" class="sort" '
                   f'data-sort="{key}">{title}</button></th>' for key, title in DIR_COLUMNS)
    rows = []
    for i, (path, parent, score_text, mods, failing, count) in enumerate(data["dirs"]):
        if parent != -1:
            continue
        rows.append(f'<tr class="dir" data-dir="{i}"><td><button type="button" class="link open" data-open="{i}">'
                    f'{esc(path)}/</button></td><td class="num score">{esc(score_text or NO_SCORE)}</td>'
                    f'<td class="num">{mods}</td><td class="num">{failing}</td><td class="num">{count}</td></tr>')
    return ('<section id="directories" class="card"><h2>By directory</h2><nav id="crumbs" aria-label="directory">'
            '<button type="button" class="link" data-open="-1">all directories</button></nav>'
            f'<table class="grid" id="dir-table"><thead><tr>{head}</tr></thead><tbody id="dir-rows">'
            + "".join(rows) + "</tbody></table></section>")


FINDINGS_SECTION = """<section id="findings" class="card"><h2>Findings</h2>
<form id="filters" class="filters" autocomplete="off"><label>rule <select id="f-rule"></select></label>
<label>category <select id="f-category"></select></label>
<label>severity <select id="f-severity"><option value="">all</option><option value="0">error</option>
<option value="1">warning</option></select></label>
<label class="grow">path <input id="f-path" type="search" placeholder="part of a path, e.g. tests/integration/"></label>
<button type="reset" class="link">clear</button></form>
<p id="match-count" class="muted" aria-live="polite"></p><ol id="finding-list" class="findings"></ol>
<button type="button" id="more" hidden>show more</button></section>"""


def render_html(result: RunResult, gates: Sequence[scoring.Gate] = ()) -> str:
    summary = summary_dict(result, gates)
    data = build_data(result)
    project = os.path.basename(os.path.abspath(result.root)) or result.root
    body = (f'<header><h1>testaudit report <span class="muted">{esc(project)}</span></h1>'
            f'<p class="muted">testaudit {esc(__version__)}</p></header>'
            + overview(result, summary, gates)
            + '<div class="columns">' + rules_table(summary, data) + categories_table(summary) + "</div>"
            + directories_table(data) + trend_section(result.trend, result.rules) + FINDINGS_SECTION)
    return page(f"testaudit report: {project} {scoring.format_score(summary['score'])}", body, data,
                asset("report.js") + asset("trend.js"))


class HtmlReporter(Reporter):
    NAME = "html"

    def render(self, result: RunResult) -> str:
        return render_html(result, self.gates(result))

