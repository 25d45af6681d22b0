"""``--format sarif``: SARIF 2.1.0 as GitHub code scanning reads it.

- ``tool.driver.rules`` describes every selected rule with its rendered documentation as help;
- each result points at a percent-encoded path relative to the repository root (``%SRCROOT%``) with a region
  (1-based, code-point columns, end column exclusive);
- ``partialFingerprints["testaudit/v1"]`` hashes the rule, the path, the enclosing test's node id
  and the whitespace-normalised text of the reported line, plus an occurrence counter, never the
  line number, so an alert survives code moving up or down;
- the test category is a result tag; warnings (unreadable files…) become tool notifications.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Dict, List
from urllib.parse import quote

from testaudit._version import __version__
from testaudit.model import Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.summary import repository_path, summarize
from testaudit.source import read_lines

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "testaudit/v1"


def _level(severity: str) -> str:
    return "error" if severity == "error" else "warning"


def _rules(result: RunResult) -> List[Dict[str, Any]]:
    out = []
    for info in result.rules:
        out.append({
            "id": info.code,
            "name": info.name,
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": info.summary},
            "help": {"text": info.help, "markdown": info.help},
            "defaultConfiguration": {"level": _level(info.severity.value)},
            "properties": {"tags": ["testaudit", "tests"]},
        })
    return out


class _Fingerprints:
    """Line-number-free fingerprints; identical keys in one file are told apart by order."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.lines: Dict[str, List[str]] = {}
        self.seen: Dict[str, int] = {}

    def __call__(self, f: Finding, uri: str) -> str:
        if f.path not in self.lines:
            self.lines[f.path] = read_lines(os.path.join(self.root, f.path))
        lines = self.lines[f.path]
        text = " ".join(lines[f.location.line - 1].split()) if 0 < f.location.line <= len(lines) else ""
        digest = hashlib.sha256("\0".join((f.code, uri, f.node_id or "", text)).encode("utf-8", "surrogateescape")
                            ).hexdigest()[:16]
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"{digest}:{self.seen[digest]}"


def _uri(root: str, path: str) -> str:
    """A relative URI reference: the repository path, percent-encoded (spaces, ``#``, ``[``…)."""
    # a name that is not UTF-8 is percent-encoded byte for byte (its surrogates are those bytes)
    return quote(repository_path(root, path).encode("utf-8", "surrogateescape"), safe="/")


def _result(f: Finding, index: Dict[str, int], uri: str, fingerprint: str) -> Dict[str, Any]:
    loc = f.location
    region = {"startLine": loc.line, "startColumn": loc.column,
              "endLine": max(loc.end_line, loc.line), "endColumn": max(loc.end_column, 1)}
    out: Dict[str, Any] = {
        "ruleId": f.code,
        "level": _level(f.severity.value),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                            "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if f.code in index:
        out["ruleIndex"] = index[f.code]
    props: Dict[str, Any] = {}
    if f.category:
        props["tags"] = [f.category]
        props["category"] = f.category
    if f.node_id:
        props["nodeId"] = f.node_id
    if f.chain:
        props["chain"] = list(f.chain)
    if props:
        out["properties"] = props
    if f.fix is not None:
        applicability = "safe" if f.fix.safe else "unsafe"
        out["fixes"] = [{
            "description": {"text": f"{f.fix.message} ({applicability} fix)"},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "replacements": [{
                    "deletedRegion": {"startLine": e.line, "startColumn": e.column,
                                      "endLine": e.end_line, "endColumn": e.end_column},
                    "insertedContent": {"text": e.text},
                } for e in f.fix.edits],
            }],
            "properties": {"applicability": applicability},
        }]
    return out


def to_sarif(result: RunResult) -> Dict[str, Any]:
    rules = _rules(result)
    index = {r["id"]: i for i, r in enumerate(rules)}
    fingerprint = _Fingerprints(result.root)
    results = []
    for f in result.findings:
        uri = _uri(result.root, f.path)
        results.append(_result(f, index, uri, fingerprint(f, uri)))
    notifications = [{"level": "warning", "message": {"text": w.message},
                      "locations": [{"physicalLocation": {"artifactLocation": {
                          "uri": _uri(result.root, w.path), "uriBaseId": "%SRCROOT%"}}}]}
                     for w in result.warnings if w.path]
    notifications += [{"level": "warning", "message": {"text": w.message}} for w in result.warnings if not w.path]
    invocation: Dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "testaudit", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": _score_properties(result),
        }],
    }


def _score_properties(result: RunResult) -> Dict[str, Any]:
    """The run's score and what it counts (SPEC §6), as the run's property bag."""
    overall = summarize(result).overall
    return {"score": float(overall.text), "complyingTestModules": overall.complying, "testModules": overall.modules,
            "filesChecked": result.files_checked}


class SarifReporter(Reporter):
    NAME = "sarif"

    def render(self, result: RunResult) -> str:
        return json.dumps(to_sarif(result), indent=2) + "\n"
