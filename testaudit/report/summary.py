"""Figures every reporter shows: counts per rule, scores overall, per category and directory,
the worst modules, and paths as the repository sees them."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

from testaudit import score as scoring
from testaudit.model import Finding, RunResult


@dataclass(frozen=True)
class Summary:
    counts: Dict[str, int]
    overall: scoring.Score
    categories: Dict[str, scoring.Score]
    directories: Dict[str, scoring.Score]
    names: Dict[str, str]


@dataclass(frozen=True)
class ModuleRank:
    """A test module and what drags it down: the rules it fails and its finding count."""

    path: str
    category: str
    failing: Tuple[str, ...]
    findings: int


def summarize(result: RunResult) -> Summary:
    weights = dict(result.weights)
    counts = Counter(f.code for f in result.findings)
    categories = scoring.compute_by(result.modules, weights, lambda m: m.category)
    return Summary(
        counts={code: counts[code] for code in sorted(counts)},
        overall=scoring.combine(categories.values(), weights),  # every module has one category
        categories=categories,
        directories=scoring.compute_by(result.modules, weights, scoring.top_directory),
        names=dict(result.rule_names),
    )


def fix_label(f: Finding) -> str:
    """How a finding's fix is marked in every format: ``[fix]`` (safe), ``[unsafe fix]`` or ''."""
    if f.fix is None:
        return ""
    return "[fix]" if f.fix.safe else "[unsafe fix]"


def status_notes(result: RunResult) -> List[str]:
    """Plain sentences about fixes, the baseline and ``--since`` for the summaries (text, Markdown)."""
    notes: List[str] = []
    if result.fixed:
        notes.append(f"fixed {result.fixed} finding{'s' if result.fixed != 1 else ''}")
    safe = sum(1 for f in result.findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in result.findings if f.fix is not None and not f.fix.safe)
    if safe or unsafe:
        parts = [f"{safe} fixable with `--fix`"] if safe else []
        if unsafe:
            parts.append(f"{unsafe} {'more ' if safe else ''}with `--fix --unsafe-fixes`")
        notes.append(" (".join(parts) + (")" if len(parts) == 2 else ""))
    status = result.baseline
    if status is not None:
        count = len(status.baselined)
        shown = "shown, they do not fail the run" if status.shown else "not shown; --show-baselined lists them"
        notes.append(f"{count} baselined finding{'s' if count != 1 else ''} in {status.path} ({shown})")
        if status.fixed:
            n = len(status.fixed)
            notes.append(f"{n} baseline entr{'ies' if n != 1 else 'y'} no longer match{'' if n != 1 else 'es'} "
                         "a finding (fixed): `testaudit baseline --prune` removes them")
    delta = result.delta
    if delta is not None:
        change = float(scoring.format_score(delta.after)) - float(scoring.format_score(delta.before))  # as printed
        sign = "+" if change > 0 else ("±" if change == 0 else "−")
        n = len(delta.changed)
        notes.append(f"score since {delta.rev}: {scoring.format_score(delta.before)} → "
                     f"{scoring.format_score(delta.after)} ({sign}{scoring.format_score(abs(change))}); "
                     f"findings shown for the {n} Python file{'s' if n != 1 else ''} changed since then")
    return notes


def severity_counts(result: RunResult) -> Tuple[int, int]:
    errors = sum(1 for f in result.findings if f.severity.value == "error")
    return errors, len(result.findings) - errors


def worst_modules(result: RunResult, limit: int = 10) -> Tuple[ModuleRank, ...]:
    """Test modules failing at least one rule, by the score weight they lose, then findings, then path."""
    weights = dict(result.weights)
    per_path = Counter(f.path for f in result.findings)
    ranked = []
    for m in result.modules:
        failing = tuple(sorted(c for c in m.failing if c in m.applicable and c in weights))
        if failing:
            lost = sum(weights[c] for c in failing)
            ranked.append((-lost, -per_path[m.path], m.path, ModuleRank(m.path, m.category, failing, per_path[m.path])))
    ranked.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in ranked[:limit])


def repository_path(root: str, path: str) -> str:
    """``path`` (relative to the project root) relative to the enclosing git work tree, if any.

    GitHub resolves annotation and SARIF paths against the repository root, which differs from
    the project root when the project lives in a subdirectory of a monorepo.
    """
    prefix = _repository_prefix(os.path.abspath(root))
    return f"{prefix}/{path}" if prefix else path


@lru_cache(maxsize=8)
def _repository_prefix(root: str) -> str:
    current = root
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            rel = os.path.relpath(root, current)
            return "" if rel == "." else rel.replace(os.sep, "/")
        parent = os.path.dirname(current)
        if parent == current:
            return ""
        current = parent
