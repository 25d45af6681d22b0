"""`--format html`: the self-contained dashboard — structure, figures equal to JSON's, escaping.

Business Value Justification (BVJ):
- Segment: Platform/Internal (leads and reviewers signing off a release)
- Business Goal: Stability
- Value Impact: one file shows the score, the worst rules and directories, and every finding
- Strategic Impact: a report people open gets the debt paid; a report that lies or runs audited code would be worse than none
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from click.testing import CliRunner

from conftest import run_project, write_project
from testaudit.cli import main
from testaudit.model import RunResult
from testaudit.report import get_reporter
from testaudit.report.html import build_data

HOSTILE = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">{{ x }}"
HOSTILE_MODULE = (
    '"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
    '- Value Impact: x\n- Strategic Impact: y\n"""\nimport os\n\n\n'
    f"def test_hostile():\n    user_id = {HOSTILE!r}  # \u2028 \u2029 \x1b[31mred\x1b[0m \x07 <!-- -->\n"
    f"    assert os.environ[{HOSTILE!r}]\n"
)


class Page(HTMLParser):
    """Elements by id, rows by data attribute, and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: List[Tuple[str, Dict[str, Optional[str]]]] = []
        self.text: Dict[str, str] = {}
        self.rows: Dict[str, Dict[str, List[str]]] = {}
        self._open: List[Tuple[str, Optional[str], Optional[Tuple[str, str]]]] = []
        self._cells: Optional[List[str]] = None

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        row_key = next(((k, v) for k, v in a.items() if tag == "tr" and k in ("data-rule", "data-category", "data-dir")
                        and v is not None), None)
        if row_key:
            self._cells = []
            self.rows.setdefault(row_key[0], {})[str(row_key[1])] = self._cells
        if tag == "td" and self._cells is not None:
            self._cells.append("")
        self._open.append((tag, a.get("id"), None))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            t, _, _ = self._open.pop()
            if t == tag:
                break
        if tag == "tr":
            self._cells = None

    def handle_data(self, data: str) -> None:
        for _, ident, _ in self._open:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data
        if self._cells:
            self._cells[-1] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def data_block(html: str) -> Dict[str, Any]:
    m = re.search(r'<script type="application/json" id="ta-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def render(result: RunResult, **kwargs: Any) -> str:
    return get_reporter("html")(**kwargs).render(result)


def test_sections_and_figures_equal_the_json_report(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    html = render(result)
    summary = json.loads(get_reporter("json")().render(result))["summary"]
    page = parse(html)
    ids = {a.get("id") for _, a in page.tags}
    assert {"overview", "rules", "categories", "directories", "findings", "f-rule", "f-category", "f-severity",
            "f-path", "finding-list", "dir-table", "ta-data"} <= ids
    assert page.text["score"] == f"{summary['score']}"
    rules = page.rows["data-rule"]
    assert list(rules) == list(summary["rules"])
    for code, row in rules.items():
        assert row[0] == code and row[1] == summary["rules"][code]["name"]
        assert row[4] == f"{summary['rules'][code]['compliance']}%"
        assert row[5] == f"{summary['rules'][code]['failing']}/{summary['rules'][code]['applicable']}"
        assert int(row[6]) == summary["rules"][code]["would_comply_if_fixed"]
        assert int(row[7]) == summary["rules"][code]["findings"]
    assert page.text["complying"] == (f"{summary['complying']:,} of {summary['test_modules']:,} test modules "
                                      "comply")
    assert {k: {"score": float(v[2]), "complying": int(v[3]), "test_modules": int(v[4])}
            for k, v in page.rows["data-category"].items()} == summary["categories"]
    data = data_block(html)
    top = {row[0].rstrip("/"): (float(row[1]), int(row[2]), int(row[3]))
           for row in page.rows["data-dir"].values() if row[1] != "\u2013"}
    assert top == {k: (v["score"], v["test_modules"], v["test_modules"] - v["complying"])
                   for k, v in summary["directories"].items()}
    assert {d[0]: float(d[2]) for d in data["dirs"] if d[1] == -1 and d[2]} == \
        {k: v["score"] for k, v in summary["directories"].items()}
    # every finding, in order, with its path, position, rule and message
    findings = json.loads(get_reporter("json")().render(result))["findings"]
    assert len(data["findings"]) == len(findings) == summary["findings"]
    for row, f in zip(data["findings"], findings):
        assert (data["paths"][row[0]], row[1], row[2], data["rules"][row[5]]["code"], data["strings"][row[7]]) \
            == (f["path"], f["line"], f["column"], f["code"], f["message"])
    assert {r["code"]: r["findings"] for r in data["rules"] if r["findings"]} == summary["counts"]


def test_directory_drill_down_adds_up(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    data = build_data(result)
    dirs, files = data["dirs"], data["files"]
    modules = {m.path for m in result.modules}
    assert {data["paths"][f[0]] for f in files} == modules | {f.path for f in result.findings}
    for i, (path, parent, score_text, mods, failing, count) in enumerate(dirs):
        own = [f for f in files if f[1] == i]
        subs = [d for d in dirs if d[1] == i]
        assert mods == sum(1 for f in own if f[3]) + sum(d[3] for d in subs)
        assert count == sum(f[5] for f in own) + sum(d[5] for d in subs)
        assert failing == sum(1 for f in own if f[4]) + sum(d[4] for d in subs)
        assert (0 <= float(score_text) <= 100) if mods else score_text == ""
        if parent != -1:
            assert path.startswith(dirs[parent][0] + "/")
    assert sum(d[5] for d in dirs if d[1] == -1) == len(result.findings)


def test_self_contained_and_locked_down(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    html = render(result)
    page = re.sub(r'(<script type="application/json" id="ta-data">).*?(</script>)', r"\1\2", html, flags=re.S)
    # no network outside the audited data (which may well quote `http://localhost:8000`; it is text,
    # never a URL the page loads); the SVG namespace is a name
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    assert not re.search(r"\b(src|href)\s*=|@import|url\(|@font-face", html)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, _ in scripts] == [' type="application/json" id="ta-data"', ""]
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1)
    digest = base64.b64encode(hashlib.sha256(scripts[1][1].encode("utf-8")).digest()).decode("ascii")
    assert f"script-src 'sha256-{digest}'" in csp.group(1)  # only the page's own script may run
    assert "innerHTML" not in html and "insertAdjacentHTML" not in html and "eval(" not in html


def test_deterministic(tmp_path: Path, fixtures_run: Tuple[Path, RunResult]) -> None:
    root, result = fixtures_run
    assert render(result) == render(result)
    again = run_project(root, jobs=2)
    assert render(again) == render(result)


def test_audited_text_stays_inert(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {
        "tests/integration/test_hostile.py": HOSTILE_MODULE,
        "tests/integration/test_<img src=x onerror=alert(1)>.py": "def test_x():\n    pass\n",
    })
    html = render(run_project(root))
    assert html.lower().count("<script") == 2 and html.lower().count("</script") == 2
    assert "<img" not in html and "<!-- -->" not in html
    for bad in ("\u2028", "\u2029", "\x1b", "\x07", "\x00"):
        assert bad not in html
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", html)
    data = data_block(html)
    text = json.dumps(data, ensure_ascii=False)
    assert "window.__pwned=1</script><img src=x onerror" in text  # shown as text, intact
    assert "{{ x }}" in text
    assert "\u241b[31mred" in text  # ESC shown as a symbol
    assert "tests/integration/test_<img src=x onerror=alert(1)>.py" in data["paths"]
    frame = [line for chunks in data["frames"].values() for _, lines in chunks for line in lines]
    assert any("user_id = " in line for line in frame)


def test_cli_writes_the_report(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"tests/integration/test_hostile.py": HOSTILE_MODULE})
    out = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["check", str(root), "--format", "html", "-o", str(out), "-j", "1"])
    assert res.exit_code == 1, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_directory_without_test_modules_has_no_score(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {
        "tests/integration/test_hostile.py": HOSTILE_MODULE,
        "testing/env.py": "import os\n\nHOME = os.environ['HOME']\n",
    })
    result = run_project(root, ["tests", "testing"])  # `testing/` holds no test: named, its modules are checked
    html = render(result)
    summary = json.loads(get_reporter("json")().render(result))["summary"]
    rows = {r[0]: r for r in parse(html).rows["data-dir"].values()}
    assert rows["testing/"][1:] == ["\u2013", "0", "0", "1"]
    assert set(summary["directories"]) == {"tests"}
    assert float(rows["tests/"][1]) == summary["directories"]["tests"]["score"]
