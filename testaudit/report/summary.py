"""Figures every reporter shows: counts per rule, scores overall, per category and directory."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Dict, Tuple

from testaudit import score as scoring
from testaudit.model import RunResult


@dataclass(frozen=True)
class Summary:
    counts: Dict[str, int]
    overall: scoring.Score
    categories: Dict[str, scoring.Score]
    directories: Dict[str, scoring.Score]
    names: Dict[str, str]


def summarize(result: RunResult) -> Summary:
    weights = dict(result.weights)
    counts = Counter(f.code for f in result.findings)
    return Summary(
        counts={code: counts[code] for code in sorted(counts)},
        overall=scoring.compute(result.modules, weights),
        categories=scoring.compute_by(result.modules, weights, lambda m: m.category),
        directories=scoring.compute_by(result.modules, weights, scoring.top_directory),
        names=dict(result.rule_names),
    )


def severity_counts(result: RunResult) -> Tuple[int, int]:
    errors = sum(1 for f in result.findings if f.severity.value == "error")
    return errors, len(result.findings) - errors
