"""The compliance score (SPEC §6). Pure functions of module summaries and weights.

For each selected rule r:
    applicable(r) = test modules the rule checks (see ``RuleBase.applies``)
    failing(r)    = applicable modules with at least one finding of r not suppressed
    compliance(r) = 1 - failing(r) / applicable(r)            (1 when nothing applies)
    score         = 100 × Σ w(r)·compliance(r) / Σ w(r)  over rules with something applicable
Weights default to the rule's severity (error 3, warning 1). A module that does not parse fails
every rule that applies to it. The same formula, restricted to a subset of modules, gives the
score per category and per top-level directory. With nothing applicable at all the score is 100.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Callable, Dict, Iterable, Mapping, Sequence, Tuple

from testaudit.model import ModuleSummary, RunResult


@dataclass(frozen=True)
class RuleScore:
    code: str
    applicable: int
    failing: int
    weight: float

    @property
    def compliance(self) -> float:
        return 1.0 if self.applicable == 0 else 1.0 - self.failing / self.applicable


@dataclass(frozen=True)
class Score:
    value: float
    modules: int
    rules: Tuple[RuleScore, ...]

    @property
    def text(self) -> str:
        return format_score(self.value)


def compute(modules: Iterable[ModuleSummary], weights: Mapping[str, float]) -> Score:
    mods = list(modules)
    # Modules come in few shapes (their rule lists follow from category and configuration; a
    # corpus run scores 6,300 modules), so the lists are counted first (in C) and each distinct
    # one is expanded once.
    applicable: Counter = Counter()
    for codes, count in Counter(m.applicable for m in mods).items():
        for code in codes:
            applicable[code] += count
    failing: Counter = Counter()
    for (codes, within), count in Counter((m.failing, m.applicable) for m in mods if m.failing).items():
        for code in codes:
            if code in within:
                failing[code] += count
    return _score(applicable, failing, len(mods), weights)


def overall(result: RunResult) -> Score:
    """A run's score: every module it scored, with its rules' weights."""
    return compute(result.modules, dict(result.weights))


def combine(scores: Iterable[Score], weights: Mapping[str, float]) -> Score:
    """The score of the union of disjoint groups of modules, from the groups' scores (the same
    figure :func:`compute` gives over all their modules, without counting them again)."""
    applicable: Counter = Counter()
    failing: Counter = Counter()
    modules = 0
    for s in scores:
        modules += s.modules
        for r in s.rules:
            applicable[r.code] += r.applicable
            failing[r.code] += r.failing
    return _score(applicable, failing, modules, weights)


def _score(applicable: Mapping[str, int], failing: Mapping[str, int], modules: int,
           weights: Mapping[str, float]) -> Score:
    rules = tuple(RuleScore(c, applicable.get(c, 0), failing.get(c, 0), float(weights[c])) for c in sorted(weights))
    total_w = sum(r.weight for r in rules if r.applicable)
    if total_w == 0:
        return Score(100.0, modules, rules)
    value = 100.0 * sum(r.weight * r.compliance for r in rules if r.applicable) / total_w
    return Score(min(100.0, max(0.0, value)), modules, rules)


def compute_by(modules: Sequence[ModuleSummary], weights: Mapping[str, float],
               key: Callable[[ModuleSummary], str]) -> Dict[str, Score]:
    groups: Dict[str, list] = {}
    for m in modules:
        groups.setdefault(key(m), []).append(m)
    return {k: compute(v, weights) for k, v in sorted(groups.items())}


def top_directory(m: ModuleSummary) -> str:
    return m.path.split("/", 1)[0] if "/" in m.path else "."


def format_score(value: float) -> str:
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def below_threshold(value: float, threshold: str) -> bool:
    """``score < N``, the score rounded to the precision N is written with but never coarser than
    the printed one decimal: ``--fail-under 80`` fails a score printed 79.9 and passes 79.95
    (printed 80.0); ``--fail-under 66.67`` passes 66.666. The verdict always agrees with the
    printed score, and float noise below the threshold's precision cannot flip it."""
    try:
        limit = Decimal(threshold)
    except InvalidOperation:  # validated earlier; be safe
        return False
    exponent = limit.as_tuple().exponent
    places = Decimal(1).scaleb(min(exponent, -1) if isinstance(exponent, int) else -1)
    return Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP) < limit
