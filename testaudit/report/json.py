"""``--format json``: a documented, versioned schema (see README, "JSON output")."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from testaudit import __version__
from testaudit.model import BaselineStatus, Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.summary import summarize
from testaudit.score import format_score

SCHEMA_VERSION = 1


def finding_dict(f: Finding) -> Dict[str, Any]:
    return {
        "path": f.path, "line": f.location.line, "column": f.location.column,
        "end_line": f.location.end_line, "end_column": f.location.end_column,
        "code": f.code, "name": f.name, "severity": f.severity.value, "message": f.message,
        "category": f.category, "node_id": f.node_id, "chain": list(f.chain),
        "fix": None if f.fix is None else {
            "applicability": "safe" if f.fix.safe else "unsafe", "message": f.fix.message,
            "edits": [{"line": e.line, "column": e.column, "end_line": e.end_line, "end_column": e.end_column,
                       "content": e.text} for e in f.fix.edits]},
    }


def baseline_json(status: Optional[BaselineStatus]) -> Optional[Dict[str, Any]]:
    if status is None:
        return None
    return {"file": status.path, "baselined": len(status.baselined), "fixed": len(status.fixed),
            "recorded_score": status.score}


def _with_baselined(d: Dict[str, Any], f: Any, result: RunResult) -> Dict[str, Any]:
    """With ``--show-baselined`` every finding says whether the baseline records it."""
    if result.baseline is not None and result.baseline.shown:
        d["baselined"] = any(f is b for b in result.baseline.baselined)
    return d


def summary_dict(result: RunResult) -> Dict[str, Any]:
    """The ``summary`` object: every figure the other summaries (HTML) must agree with."""
    s = summarize(result)
    rules = {}
    for r in s.overall.rules:
        rules[r.code] = {"name": s.names.get(r.code, ""), "findings": s.counts.get(r.code, 0),
                         "applicable": r.applicable, "failing": r.failing,
                         "compliance": round(r.compliance * 100, 1), "weight": r.weight}
    return {
        "files_checked": result.files_checked,
        "test_modules": len(result.modules),
        "findings": len(result.findings),
        "suppressed": result.suppressed,
        "counts": s.counts,
        "score": float(s.overall.text),
        "rules": rules,
        "categories": {k: float(v.text) for k, v in s.categories.items()},
        "directories": {k: float(v.text) for k, v in s.directories.items()},
        "baseline": baseline_json(result.baseline),
        "fixed": result.fixed,
        "since": None if result.delta is None else {
            "rev": result.delta.rev, "score_before": float(format_score(result.delta.before)),
            "score_after": float(format_score(result.delta.after)), "changed_files": list(result.delta.changed)},
    }


def to_dict(result: RunResult) -> Dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "testaudit", "version": __version__},
        "findings": [_with_baselined(finding_dict(f), f, result) for f in result.findings],
        "warnings": [{"path": w.path, "message": w.message} for w in result.warnings],
        "summary": summary_dict(result),
    }


class JsonReporter(Reporter):
    NAME = "json"

    def render(self, result: RunResult) -> str:
        return json.dumps(to_dict(result), indent=2, sort_keys=False) + "\n"
