"""Output formats (SPEC §9): snapshots over fixtures_repo and each format's structure.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: code scanning, test-report views, annotations and job summaries read our files
- Strategic Impact: reports that CI systems accept put the score where teams look every day
"""
from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Tuple

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import assert_snapshot, run_project, write_project
from testaudit.cli import main
from testaudit.model import RunResult
from testaudit.report import FORMATS, get_reporter
from testaudit.report.github import escape_data, escape_property
from testaudit.report.sarif import FINGERPRINT_KEY, to_sarif

SUFFIX = {"text": "txt", "concise": "txt", "json": "json", "sarif": "sarif.json", "junit": "xml",
          "github": "txt", "markdown": "md"}


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "html"])  # html: tests/test_html_report.py
def test_snapshot_of_every_format_over_fixtures_repo(fixtures_run: Tuple[Path, RunResult], fmt: str) -> None:
    _, result = fixtures_run
    text = get_reporter(fmt)(fail_under="90").render(result)
    assert_snapshot(f"fixtures_repo.{fmt}.{SUFFIX[fmt]}", text)


# The parts of SARIF 2.1.0 GitHub code scanning reads, as a JSON schema of our own; the official
# OASIS schema is checked too when TESTAUDIT_SARIF_SCHEMA names a copy of it.
REGION = {"type": "object", "required": ["startLine", "startColumn", "endLine", "endColumn"],
          "properties": {k: {"type": "integer", "minimum": 1}
                         for k in ("startLine", "startColumn", "endLine", "endColumn")}}
LOCATION = {"type": "object", "required": ["physicalLocation"], "properties": {"physicalLocation": {
    "type": "object", "required": ["artifactLocation", "region"], "properties": {
        "artifactLocation": {"type": "object", "required": ["uri"], "properties": {
            "uri": {"type": "string", "pattern": r"^[^/\\][^\\]*$", "not": {"pattern": "^[a-zA-Z]+:"}}}},
        "region": REGION}}}}
GITHUB_SARIF = {
    "type": "object", "required": ["version", "runs", "$schema"],
    "properties": {"version": {"const": "2.1.0"}, "runs": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
        "type": "object", "required": ["tool", "results"],
        "properties": {
            "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                "type": "object", "required": ["name", "version", "rules"], "properties": {
                    "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id", "name", "shortDescription", "help",
                                                       "defaultConfiguration"],
                        "properties": {"id": {"pattern": "^TA[0-9]{3}$"},
                                       "help": {"type": "object", "required": ["text", "markdown"]},
                                       "defaultConfiguration": {"properties": {
                                           "level": {"enum": ["error", "warning"]}}}}}}}}}},
            "results": {"type": "array", "items": {
                "type": "object",
                "required": ["ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints"],
                "properties": {"message": {"type": "object", "required": ["text"]},
                               "locations": {"type": "array", "minItems": 1, "maxItems": 1, "items": LOCATION},
                               "partialFingerprints": {"type": "object", "required": [FINGERPRINT_KEY]},
                               "properties": {"type": "object", "properties": {
                                   "tags": {"type": "array", "items": {"type": "string"}}}}}}}}}}}}


def _sarif(result: RunResult) -> Dict[str, Any]:
    return json.loads(get_reporter("sarif")().render(result))


def test_sarif_structure(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    doc = _sarif(result)
    jsonschema.validate(doc, GITHUB_SARIF)
    official = os.environ.get("TESTAUDIT_SARIF_SCHEMA")  # testaudit: ignore[TA301] (opt-in schema path)
    if official:
        schema = json.loads(Path(official).read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in result.rules]
    assert "## Why is this bad?" in rules[[r["id"] for r in rules].index("TA101")]["help"]["markdown"]
    assert len(run["results"]) == len(result.findings)
    for res, finding in zip(run["results"], result.findings):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == finding.code
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == finding.path  # no git work tree above: project-relative
        assert loc["region"]["startLine"] == finding.location.line
        assert res["level"] == finding.severity.value
        if finding.category:
            assert res["properties"]["tags"] == [finding.category]
    fingerprints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


MOCKING = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
           '- Value Impact: x\n- Strategic Impact: y\n"""\nfrom unittest.mock import MagicMock\n\n\n'
           'def test_one():\n    client = MagicMock()\n    other = MagicMock()\n    client = MagicMock()\n'
           '    assert client is not other\n')


def _fingerprints(root: Path) -> Dict[Tuple[str, int], str]:
    doc = to_sarif(run_project(root, select=["TA101"]))
    return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
            r["partialFingerprints"][FINGERPRINT_KEY] for r in doc["runs"][0]["results"]}


def test_sarif_fingerprints_survive_code_moving_to_other_lines(tmp_path: Path) -> None:
    before = _fingerprints(write_project(tmp_path / "a", {"tests/integration/test_x.py": MOCKING}))
    moved = MOCKING.replace('"""\nfrom unittest', '"""\n\n\nimport json  # noqa\n\nfrom unittest')
    after = _fingerprints(write_project(tmp_path / "b", {"tests/integration/test_x.py": moved}))
    assert len(before) == 3 and len(after) == 3  # three MagicMock() calls, two on identical lines
    assert len(set(before.values())) == 3  # identical lines are told apart by their order
    assert sorted(before.values()) == sorted(after.values())
    assert set(before) != set(after)  # same alerts, other lines
    changed = MOCKING.replace("other = MagicMock()", "another = MagicMock()")
    edited = _fingerprints(write_project(tmp_path / "c", {"tests/integration/test_x.py": changed}))
    assert len(set(edited.values()) & set(before.values())) == 2  # only the edited line's alert is new


def test_sarif_uris_are_relative_to_the_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project = write_project(tmp_path / "services" / "api", {"tests/integration/test_x.py": MOCKING})
    doc = to_sarif(run_project(project, select=["TA101"]))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"services/api/tests/integration/test_x.py"}


def test_junit_structure(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    root = ET.fromstring(get_reporter("junit")().render(result))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names))
    test_modules = {m.path for m in result.modules}
    assert test_modules <= set(names)
    assert set(names) - test_modules == {f.path for f in result.findings} - test_modules  # support modules
    failures = Counter(c.get("name") for c in cases for _ in c.findall("failure"))
    assert failures == Counter(f.path for f in result.findings)  # a failure per finding
    for suite in root.findall("testsuite"):
        own = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(own)
        assert int(suite.get("failures", "-1")) == sum(1 for c in own if c.find("failure") is not None)
    assert int(root.get("tests", "-1")) == len(cases)
    by_case = {c.get("name"): c for c in cases}
    f = result.findings[0]
    failure = by_case[f.path].find("failure")
    assert failure is not None and failure.get("type") == f.code
    assert f"{f.path}:{f.location.line}:{f.location.column}" in (failure.text or "")


def test_junit_survives_control_characters_in_messages(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"tests/test_nul.py": "def test_x():\n    pass\x00\n"})
    xml = get_reporter("junit")().render(run_project(root))
    parsed = ET.fromstring(xml)
    assert parsed.find(".//failure[@type='TA001']") is not None


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    lines = get_reporter("github")().render(result).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(result.findings) + len(result.warnings)
    for line, f in zip(annotations, result.findings):
        command, _, rest = line[2:].partition(" ")
        props, _, message = rest.partition("::")
        assert command == f.severity.value
        fields = dict(p.split("=", 1) for p in props.split(","))
        assert fields["file"] == escape_property(f.path)
        assert (fields["line"], fields["col"]) == (str(f.location.line), str(f.location.column))
        assert fields["title"] == f"{f.code} {f.name}"
        assert "\n" not in message and message.startswith(escape_data(f.message))
    summary = json.loads(get_reporter("json")().render(result))["summary"]
    assert lines[-1].endswith(f"compliance {summary['score']}% — {summary['complying']} of {summary['test_modules']} "
                              "test modules comply")


def test_github_format_appends_the_markdown_summary(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"tests/integration/test_x.py": MOCKING})
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    res = CliRunner(env=env).invoke(main, ["check", str(project), "--format", "github"])
    assert res.exit_code == 1
    assert res.stdout.startswith("::error file=tests/integration/test_x.py,line=")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## testaudit: 0.0% of test modules comply\n")
    assert "**0.0% — 0 of 1 test module comply** · 1 file checked" in text
    assert "| `TA101` | mock-in-integration | 3 | 1/1 | 0.0% | 1 |" in text


def test_markdown_tables(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    text = get_reporter("markdown")(fail_under="90").render(result)
    data = json.loads(get_reporter("json")().render(result))["summary"]
    assert text.startswith(f"## testaudit: {data['score']}% of test modules comply\n")
    assert f"**{data['score']}% — {data['complying']} of {data['test_modules']} test modules comply**" in text
    sections = {}
    for block in text.split("### ")[1:]:
        title, _, body = block.partition("\n")
        rows = [line for line in body.splitlines() if line.startswith("| ")]
        widths = {line.count(" | ") for line in rows}
        assert len(widths) == 1, f"ragged table under {title}"
        sections[title] = rows[2:]
    assert [r.split(" | ")[0].strip("| `") for r in sections["By rule"]] == list(data["rules"])
    cells = [[c.strip(" |`%") for c in r.split(" | ")] for r in sections["By category"]]
    assert {c[0]: {"test_modules": int(c[1]), "complying": int(c[2]), "score": float(c[3])} for c in cells} \
        == data["categories"]
    assert {r.split(" | ")[0].strip("| `") for r in sections["By directory"]} == set(data["directories"])
    start = [[c.strip(" |`") for c in r.split(" | ")] for r in sections["Where to start"]]
    assert [(c[0], int(c[2])) for c in start] == sorted(
        ((code, r["would_comply_if_fixed"]) for code, r in data["rules"].items() if r["would_comply_if_fixed"]),
        key=lambda item: (-item[1], item[0]))[:5]
    worst = [r.split(" | ")[0].strip("| `") for r in sections["Modules furthest from compliance (top 10)"]]
    assert len(worst) == 10 and len(set(worst)) == 10
    assert f"- **FAILED**: compliance score {data['score']} is below the fail-under threshold 90." in text


def test_json_summary_has_every_score(fixtures_run: Tuple[Path, RunResult]) -> None:
    _, result = fixtures_run
    summary = json.loads(get_reporter("json")().render(result))["summary"]
    assert set(summary) >= {"score", "rules", "categories", "directories"}
    assert set(summary["directories"]) == {"campaign", "rules", "scenarios"}
    for group in (summary, *summary["categories"].values(), *summary["directories"].values()):
        assert 0 <= group["complying"] <= group["test_modules"]
        assert group["score"] == round(100 * group["complying"] / group["test_modules"], 1)
    for key in ("categories", "directories"):  # the groups partition the test modules
        assert sum(g["test_modules"] for g in summary[key].values()) == summary["test_modules"]
        assert sum(g["complying"] for g in summary[key].values()) == summary["complying"]


def test_the_score_recomputed_from_the_json_findings(fixtures_run: Tuple[Path, RunResult]) -> None:
    """The corpus-style figure: 100 × (test modules without an error finding) / test modules,
    counted from the JSON report's findings alone, is the score the report states."""
    _, result = fixtures_run
    report = json.loads(get_reporter("json")().render(result))
    summary = report["summary"]
    # fixtures_repo's test files are `test_*.py`; support modules' findings never fail a test module
    failing = {f["path"] for f in report["findings"]
               if f["severity"] == "error" and f["path"].rsplit("/", 1)[-1].startswith("test_")}
    complying = summary["test_modules"] - len(failing)
    assert 0 < complying < summary["test_modules"]  # the fixture has both kinds
    assert summary["complying"] == complying
    assert abs(summary["score"] - 100 * complying / summary["test_modules"]) <= 0.05


def test_sarif_uris_are_percent_encoded(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"tests/integration/test_x #1.py": MOCKING})
    doc = to_sarif(run_project(project, select=["TA101"]))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"tests/integration/test_x%20%231.py"}
