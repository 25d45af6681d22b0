"""``--format json``: a documented, versioned schema (see README, "JSON output")."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Sequence

from testaudit._version import __version__
from testaudit.model import BaselineStatus, Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.summary import summarize
from testaudit.score import Gate, Score, format_score

# 2: the score counts complying test modules (SPEC §6); categories and directories are objects
SCHEMA_VERSION = 2


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


def score_dict(score: Score) -> Dict[str, Any]:
    """``score`` (percent, one decimal), ``complying`` and ``test_modules``: a score and what it counts."""
    return {"score": float(score.text), "complying": score.complying, "test_modules": score.modules}


def summary_dict(result: RunResult, gates: Sequence[Gate] = ()) -> Dict[str, Any]:
    """The ``summary`` object: every figure the other summaries (HTML) must agree with."""
    s = summarize(result)
    rules = {}
    for r in s.overall.rules:
        rules[r.code] = {"name": s.names.get(r.code, ""), "findings": s.counts.get(r.code, 0),
                         "applicable": r.applicable, "failing": r.failing,
                         "compliance": round(r.compliance * 100, 1), "would_comply_if_fixed": r.blocking}
    return {
        "files_checked": result.files_checked,
        "unreached": list(result.unreached),
        **score_dict(s.overall),
        "findings": len(result.findings),
        "suppressed": result.suppressed,
        "counts": s.counts,
        "rules": rules,
        "categories": {k: score_dict(v) for k, v in s.categories.items()},
        "directories": {k: score_dict(v) for k, v in s.directories.items()},
        "gates": [{"category": g.category, "threshold": float(g.threshold), "score": float(format_score(g.value)),
                   "failed": g.failed} for g in gates],
        "baseline": baseline_json(result.baseline),
        "fixed": result.fixed,
        "since": None if result.delta is None else {
            "rev": result.delta.rev, "score_before": float(format_score(result.delta.before)),
            "score_after": float(format_score(result.delta.after)),
            "complying_before": result.delta.complying_before, "test_modules_before": result.delta.modules_before,
            "complying_after": result.delta.complying_after, "test_modules_after": result.delta.modules_after,
            "changed_files": list(result.delta.changed)},
    }


def to_dict(result: RunResult, gates: Sequence[Gate] = ()) -> Dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "testaudit", "version": __version__},
        "findings": [_with_baselined(finding_dict(f), f, result) for f in result.findings],
        "warnings": [{"path": w.path, "message": w.message} for w in result.warnings],
        "summary": summary_dict(result, gates),
    }


class JsonReporter(Reporter):
    NAME = "json"

    def render(self, result: RunResult) -> str:
        return json.dumps(to_dict(result, self.gates(result)), indent=2, sort_keys=False) + "\n"
