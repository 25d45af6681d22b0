"""Do an HTML report and a JSON report of the same run agree? Score, per-rule figures,
categories, top-level directories, and the findings the browser would list.

    python benchmarks/compare_html_json.py report.html report.json

Reads the HTML as a browser would see it without script (the drawn tables) and the data block
its script renders from. Prints one line per family of figures; exits 1 on any difference.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from typing import Any, Dict, List, Optional, Tuple


class Tables(HTMLParser):
    """Cells of the rows carrying data-rule / data-category / data-dir, the score figure and the
    line saying how many test modules comply."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: Dict[str, Dict[str, List[str]]] = {}
        self.score = ""
        self.complying = ""
        self._cells: Optional[List[str]] = None
        self._in: Optional[str] = None  # the id of the span being read: "score" or "complying"

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            for key in ("data-rule", "data-category", "data-dir"):
                if a.get(key) is not None:
                    self._cells = []
                    self.rows.setdefault(key, {})[str(a[key])] = self._cells
        elif tag == "td" and self._cells is not None:
            self._cells.append("")
        if tag == "span":
            self._in = a.get("id") if a.get("id") in ("score", "complying") else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._cells = None
        if tag == "span":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "score":
            self.score += data
        elif self._in == "complying":
            self.complying += data
        if self._cells:
            self._cells[-1] += data


def compare(html: str, doc: Dict[str, Any]) -> List[Tuple[str, int, List[str]]]:
    summary = doc["summary"]
    tables = Tables()
    tables.feed(html)
    m = re.search(r'<script type="application/json" id="ta-data">(.*?)</script>', html, re.S)
    if not m:
        raise SystemExit("no data block: not a testaudit HTML report")
    data = json.loads(m.group(1))
    out: List[Tuple[str, int, List[str]]] = []

    def check(family: str, pairs: List[Tuple[str, Any, Any]]) -> None:
        out.append((family, len(pairs), [f"{name}: html {h!r} != json {j!r}" for name, h, j in pairs if h != j]))

    check("score", [("score", float(tables.score), summary["score"]),
                    ("complying", tables.complying, f"{summary['complying']:,} of {summary['test_modules']:,} test "
                                                     "modules comply")])
    rules = tables.rows.get("data-rule", {})
    pairs: List[Tuple[str, Any, Any]] = [("rule codes", sorted(rules), sorted(summary["rules"]))]
    for code, stats in summary["rules"].items():
        cells = rules.get(code, [""] * 8)
        pairs += [(f"{code} compliance", cells[4], f"{stats['compliance']}%" if stats["applicable"] else "n/a"),
                  (f"{code} failing/applicable", cells[5], f"{stats['failing']}/{stats['applicable']}"),
                  (f"{code} would comply if fixed", int(cells[6] or -1), stats["would_comply_if_fixed"]),
                  (f"{code} findings", int(cells[7] or -1), stats["findings"])]
    check("per-rule figures (table)", pairs)
    listed = Counter(data["rules"][f[5]]["code"] for f in data["findings"])
    check("per-rule finding counts (findings browser)",
          [(code, listed.get(code, 0), summary["counts"].get(code, 0)) for code in sorted(set(listed) | set(summary["counts"]))])
    cats = tables.rows.get("data-category", {})
    check("per-category scores", [(name, (float(cats[name][2]), int(cats[name][3]), int(cats[name][4]))
                                   if name in cats else None, (value["score"], value["complying"], value["test_modules"]))
                                  for name, value in summary["categories"].items()]
          + [("categories", sorted(cats), sorted(summary["categories"]))])
    dirs = {cells[0].rstrip("/"): cells for cells in tables.rows.get("data-dir", {}).values()}
    found = Counter(f["path"].split("/", 1)[0] if "/" in f["path"] else "." for f in doc["findings"])
    scored = sorted(name for name, cells in dirs.items() if cells[1] != "\u2013")  # '–': no test modules
    pairs = [("directories with a score", scored, sorted(summary["directories"])),
             ("findings under all directories", sum(int(c[4]) for c in dirs.values()), len(doc["findings"]))]
    for name, value in summary["directories"].items():
        cells = dirs.get(name, ["", "nan", "", "", "-1"])
        pairs += [(f"{name} score", float(cells[1]), value["score"]),
                  (f"{name} not complying", int(cells[3]), value["test_modules"] - value["complying"]),
                  (f"{name} findings", int(cells[4]), found.get(name, 0))]
    check("per-directory figures", pairs)
    modules = sum(d[3] for d in data["dirs"] if d[1] == -1)
    check("totals", [("findings", len(data["findings"]), summary["findings"]), ("test modules", modules, summary["test_modules"])])
    paths = [(data["paths"][f[0]], f[1], f[2], data["rules"][f[5]]["code"]) for f in data["findings"]]
    check("findings (path, line, column, code), in order",
          [("findings", paths, [(f["path"], f["line"], f["column"], f["code"]) for f in doc["findings"]])])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("html")
    ap.add_argument("json")
    args = ap.parse_args()
    with open(args.html, encoding="utf-8") as fh:
        html = fh.read()
    with open(args.json, encoding="utf-8") as fh:
        doc = json.load(fh)
    bad = 0
    for family, count, problems in compare(html, doc):
        print(f"{'OK  ' if not problems else 'DIFF'} {family}: {count - len(problems)}/{count} equal")
        for p in problems[:20]:
            print(f"     {p}")
        bad += len(problems)
    print(f"score {doc['summary']['score']}, {doc['summary']['findings']} findings, "
          f"{len(doc['summary']['rules'])} rules, {len(doc['summary']['categories'])} categories, "
          f"{len(doc['summary']['directories'])} top-level directories")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
