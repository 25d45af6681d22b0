"""The score trend (``testaudit trend``, ``check --format html --trend N``): JSON, and an inline
SVG line chart drawn here (no script needed to see it), with a line per rule shown on demand.

Points come oldest first. The y axis is the score, 0 to 100; the x axis one step per commit.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Sequence, Tuple

from testaudit._version import __version__
from testaudit.model import RuleInfo, TrendPoint
from testaudit.report._page import asset, esc, page
from testaudit.report.escape import visible
from testaudit.score import format_score

SCHEMA_VERSION = 2  # 2: scores count complying test modules (SPEC §6); points carry ``complying``
WIDTH, HEIGHT = 880, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 40
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")


def trend_dict(points: Sequence[TrendPoint]) -> Dict[str, Any]:
    """``--output trend.json``: one entry per commit, oldest first."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "testaudit", "version": __version__},
        "points": [{"commit": p.commit, "date": p.date, "subject": p.subject, "score": float(format_score(p.score)),
                    "complying": p.complying, "test_modules": p.modules, "findings": p.findings,
                    "rules": dict(p.rules)} for p in points],
    }


def trend_json(points: Sequence[TrendPoint]) -> str:
    return json.dumps(trend_dict(points), indent=2) + "\n"


def _xy(i: int, count: int, value: float) -> Tuple[float, float]:
    span = WIDTH - LEFT - RIGHT
    x = LEFT + (span / 2 if count == 1 else span * i / (count - 1))
    y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - max(0.0, min(100.0, value)) / 100)
    return round(x, 1), round(y, 1)


def _line(values: Sequence[Tuple[int, float, str]], count: int, css: str, stroke: str) -> str:
    coords = [_xy(i, count, v) for i, v, _ in values]
    points = " ".join(f"{x},{y}" for x, y in coords)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="3.5" fill="{stroke}"><title>{esc(label)}</title></circle>'
                   for (x, y), (_, _, label) in zip(coords, values))
    return f'<polyline class="{css}" points="{points}" fill="none" stroke="{stroke}"/>{dots}'


def chart(points: Sequence[TrendPoint], rules: Sequence[RuleInfo] = ()) -> str:
    """The SVG: grid, the overall score line, and one hidden group per rule (``data-rule``)."""
    count = len(points)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="compliance score over the last {count} commits">']
    for value in (0, 25, 50, 75, 100):
        _, y = _xy(0, 2, value)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
                     f'<text class="axis" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{value}</text>')
    step = max(1, (count + 7) // 8)
    for i, p in enumerate(points):
        if i % step == 0 or i == count - 1:
            x, _ = _xy(i, count, 0)
            parts.append(f'<text class="axis" x="{x}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                         f'{esc(p.commit[:7])}</text><text class="axis" x="{x}" y="{HEIGHT - BOTTOM + 30}" '
                         f'text-anchor="middle">{esc(p.date[:10])}</text>')
    names = {r.code: r.name for r in rules}
    for n, code in enumerate(rule_codes(points)):
        values = [(i, v, f"{code} {names.get(code, '')}: {format_score(v)}% at {p.commit[:7]} ({p.date[:10]})")
                  for i, p in enumerate(points) for c, v in p.rules if c == code]
        parts.append(f'<g class="rule-line" data-rule="{esc(code)}" style="display:none">'
                     + _line(values, count, "rule", PALETTE[n % len(PALETTE)]) + "</g>")
    overall = [(i, p.score, f"{format_score(p.score)} at {p.commit[:7]} ({p.date[:10]}): {p.subject}")
               for i, p in enumerate(points)]
    parts.append('<g class="overall-line">' + _line(overall, count, "overall", "#24292f") + "</g></svg>")
    return "".join(parts)


def rule_codes(points: Sequence[TrendPoint]) -> List[str]:
    return sorted({code for p in points for code, _ in p.rules})


def trend_section(points: Sequence[TrendPoint], rules: Sequence[RuleInfo] = ()) -> str:
    """The trend card (chart, rule toggles, table of commits); empty without points."""
    if not points:
        return ""
    names = {r.code: r.name for r in rules}
    toggles = "".join(
        f'<label class="toggle"><input type="checkbox" data-rule-toggle="{esc(code)}">'
        f'<span class="swatch" style="background:{PALETTE[n % len(PALETTE)]}"></span>{esc(code)} '
        f'<span class="muted">{esc(names.get(code, ""))}</span></label>'
        for n, code in enumerate(rule_codes(points)))
    rows = "".join(
        f'<tr><td><code>{esc(p.commit[:10])}</code></td><td>{esc(p.date)}</td>'
        f'<td class="num">{format_score(p.score)}</td><td class="num">{p.complying}</td><td class="num">{p.modules}</td>'
        f'<td class="num">{p.findings}</td><td>{esc(p.subject)}</td></tr>' for p in reversed(points))
    return (f'<section id="trend" class="card"><h2>Score over the last {len(points)} '
            f'commit{"s" if len(points) != 1 else ""} touching Python files</h2>{chart(points, rules)}'
            f'<div class="toggles"><span class="muted">per rule:</span>{toggles}</div>'
            '<details><summary>commits</summary><table class="grid"><thead><tr><th>commit</th><th>date</th>'
            '<th class="num">score</th><th class="num">complying</th><th class="num">test modules</th>'
            '<th class="num">findings</th>'
            f'<th>subject</th></tr></thead><tbody>{rows}</tbody></table></details></section>')


def render_trend_html(points: Sequence[TrendPoint], rules: Sequence[RuleInfo], project: str) -> str:
    """``--output trend.html``: the trend card as a page of its own."""
    body = (f'<header><h1>testaudit trend <span class="muted">{esc(project)}</span></h1>'
            f'<p class="muted">testaudit {esc(__version__)}</p></header>'
            + (trend_section(points, rules) or '<p class="card">No commits touching Python files.</p>'))
    return page(f"testaudit trend: {project}", body, {}, asset("trend.js"))


def trend_text(points: Sequence[TrendPoint]) -> str:
    """The terminal view: one line per commit, newest first."""
    if not points:
        return "No commits touching Python files.\n"
    lines = [f"{'commit':<10} {'date':<25} {'score':>5}  {'complying':>15}  {'findings':>8}  subject"]
    lines += [f"{p.commit[:10]:<10} {p.date:<25} {format_score(p.score):>5}  {f'{p.complying}/{p.modules}':>15}  "
              f"{p.findings:>8}  {visible(p.subject)}" for p in reversed(points)]
    return "\n".join(lines) + "\n"
