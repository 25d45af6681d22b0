"""Figures every reporter shows: counts per rule, scores overall, per category and directory,
the rules whose fix would lift the most modules, the modules furthest from compliance, and
paths as the repository sees them."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

import testaudit.score as scoring
from testaudit.model import Finding, RunResult


# What the score counts, in one sentence every summary (Markdown, HTML) shows under it (SPEC §6).
SCORE_NOTE = ("A test module complies when it parses and no selected rule reports an error in it; "
              "warnings never fail a module, and a baseline never changes the score.")


@dataclass(frozen=True)
class Summary:
    counts: Dict[str, int]
    overall: scoring.Score
    categories: Dict[str, scoring.Score]
    directories: Dict[str, scoring.Score]
    names: Dict[str, str]


@dataclass(frozen=True)
class ModuleRank:
    """A test module that does not comply and why: the rules with an error in it (``TA001`` when
    it does not parse) and its finding count."""

    path: str
    category: str
    failing: Tuple[str, ...]
    findings: int


def summarize(result: RunResult) -> Summary:
    codes = result.codes
    counts = Counter(f.code for f in result.findings)
    categories = scoring.compute_by(result.modules, codes, lambda m: m.category)
    return Summary(
        counts={code: counts[code] for code in sorted(counts)},
        overall=scoring.combine(categories.values(), codes),  # every module has one category
        categories=categories,
        directories=scoring.compute_by(result.modules, codes, scoring.top_directory),
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
        counted = (f"; complying test modules {delta.complying_before:,} of {delta.modules_before:,} → "
                   f"{delta.complying_after:,} of {delta.modules_after:,}"
                   if delta.modules_before or delta.modules_after else "")
        notes.append(f"score since {delta.rev}: {scoring.format_score(delta.before)} → "
                     f"{scoring.format_score(delta.after)} ({sign}{scoring.format_score(abs(change))}{counted}); "
                     f"findings shown for the {n} Python file{'s' if n != 1 else ''} changed since then")
    return notes


def severity_counts(result: RunResult) -> Tuple[int, int]:
    errors = sum(1 for f in result.findings if f.severity.value == "error")
    return errors, len(result.findings) - errors


def worst_modules(result: RunResult, limit: int = 10) -> Tuple[ModuleRank, ...]:
    """Test modules that do not comply, by how many rules have errors in them (each must be
    fixed before the module complies), then findings, then path."""
    per_path = Counter(f.path for f in result.findings)
    ranked = []
    for m in result.modules:
        if scoring.complies(m):
            continue
        errors = scoring.blocking_rules(m)
        ranked.append((-len(errors), -per_path[m.path], m.path, ModuleRank(m.path, m.category, errors, per_path[m.path])))
    ranked.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in ranked[:limit])


def blocker_lines(score: scoring.Score, names: Dict[str, str], limit: int = 5) -> List[str]:
    """``TA101 mock-in-integration: 412 test modules`` for the rules whose fix alone would make
    the most modules comply (the place to start)."""
    return [f"{r.code} {names.get(r.code, '')}: {r.blocking:,} test module{'s' if r.blocking != 1 else ''}"
            for r in scoring.top_blockers(score, limit)]


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
