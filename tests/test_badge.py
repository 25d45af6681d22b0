"""`testaudit badge`: the SVG and shields.io endpoint badges of the score.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Retention
- Value Impact: the score shows on the README, drawn offline and committed without churn
- Strategic Impact: a visible score keeps test quality on everybody's radar
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import assert_snapshot, write_project
from testaudit import badge
from testaudit.cli import main

SCORES = (100.0, 95.0, 94.96, 90.0, 87.5, 60.0, 59.94, 39.9, 0.0)


@pytest.mark.parametrize("score", SCORES)
def test_svg_snapshots(score: float) -> None:
    text = badge.svg(score)
    assert_snapshot(f"badge-{score}.svg", text)
    tree = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in tree.iter(f"{ns}text")]
    assert texts == ["test compliance"] * 2 + [badge.message(score)] * 2
    rects = list(tree.iter(f"{ns}rect"))
    assert rects[2].get("fill") == badge.color(score)[1]
    assert int(tree.get("width", "0")) == int(rects[1].get("width", "0")) + int(rects[2].get("width", "0"))
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")  # self-contained


@pytest.mark.parametrize("score", SCORES)
def test_shields_snapshots(score: float) -> None:
    text = badge.shields(score)
    assert_snapshot(f"badge-{score}.shields.json", text)
    doc = json.loads(text)
    assert list(doc) == ["schemaVersion", "label", "message", "color"]
    assert doc["schemaVersion"] == 1 and doc["label"] == "test compliance"


@pytest.mark.parametrize(("score", "colour"), [
    (100, "brightgreen"), (95, "brightgreen"), (94.95, "brightgreen"), (94.94, "green"), (90, "green"),
    (89.9, "yellowgreen"), (75, "yellowgreen"), (74.9, "yellow"), (60, "yellow"), (59.9, "orange"),
    (40, "orange"), (39.9, "red"), (0, "red"),
])
def test_colour_thresholds_follow_the_printed_score(score: float, colour: str) -> None:
    assert badge.color(score)[0] == colour


def test_documented_threshold_table_matches_the_code() -> None:
    doc = badge.__doc__ or ""
    for minimum, name, _ in badge.COLORS:
        row = f"| {'≥ ' + str(minimum) if minimum else 'below 40'}"
        assert row in doc and f"| {name}" in doc, (minimum, name)


def test_written_only_when_content_changes(tmp_path: Path) -> None:
    path = tmp_path / "b" / "badge.svg"
    assert badge.write_badge(str(path), badge.svg(80.0)) is True
    os.utime(path, (1, 1))
    assert badge.write_badge(str(path), badge.svg(80.0)) is False
    assert path.stat().st_mtime == 1
    assert badge.write_badge(str(path), badge.svg(81.0)) is True
    assert "81.0%" in path.read_text(encoding="utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["badge.svg"]  # no temporary file left behind


CLEAN = '"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n' \
        '- Value Impact: x\n- Strategic Impact: y\n"""\n\n\ndef test_ok():\n    assert 1 + 1 == 2\n'


def test_cli_badge(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"tests/test_a.py": CLEAN, "tests/test_b.py": "def test_x():\n    pass\n"})
    out = tmp_path / "badge.svg"
    runner = CliRunner()
    res = runner.invoke(main, ["badge", str(project), "-o", str(out)])
    assert res.exit_code == 0, res.output
    score = json.loads(runner.invoke(main, ["check", str(project), "--format", "json"]).stdout)["summary"]["score"]
    assert 0 < score < 100
    assert out.read_text(encoding="utf-8") == badge.svg(score)
    assert f"wrote {out}" in res.stderr
    again = runner.invoke(main, ["badge", str(project), "-o", str(out)])
    assert f"unchanged: {out}" in again.stderr
    res = runner.invoke(main, ["badge", str(project), "--format", "shields", "-o", "-"])
    assert json.loads(res.stdout)["message"] == f"{score}%"


def test_cli_badge_from_a_json_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"summary": {"score": 42.0}}), encoding="utf-8")
    res = CliRunner().invoke(main, ["badge", "--from-json", str(report), "--format", "shields", "-o", "-"])
    assert json.loads(res.stdout) == {"schemaVersion": 1, "label": "test compliance", "message": "42.0%",
                                      "color": "orange"}
    report.write_text('{"summary": {"score": "high"}}', encoding="utf-8")
    res = CliRunner().invoke(main, ["badge", "--from-json", str(report)])
    assert res.exit_code == 2 and "summary.score must be a number" in res.stderr
    report.write_text("not json", encoding="utf-8")
    res = CliRunner().invoke(main, ["badge", "--from-json", str(report)])
    assert res.exit_code == 2 and "not a testaudit JSON report" in res.stderr
