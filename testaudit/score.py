"""The compliance score (SPEC §6): the share of test modules that follow the policy.

A test module *complies* when it parses and no selected rule reports a finding of severity
``error`` in it (after inline and configured suppressions; warnings never fail a module; a
baseline changes the exit code, never the score)::

    score = 100 × complying test modules / test modules        (100 when there are none)

:func:`compute` is the one function behind every figure: the whole run, each category, each
top-level directory, the files changed since a revision, any list of files. Per rule it also
counts, for the reports:

    applicable(r) = test modules the rule checks (see ``RuleBase.applies``)
    failing(r)    = applicable modules with a finding of r (a module that does not parse fails
                    every rule that applies to it)
    compliance(r) = 1 - failing(r) / applicable(r)            (1 when nothing applies)
    blocking(r)   = modules that would comply if only r were fixed: its error findings are the
                    only ones they have (for TA001: a module whose only error is that it does
                    not parse)

Everything here is a pure function of :class:`ModuleSummary` values.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import AbstractSet, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from testaudit.model import ModuleSummary, RunResult

SYNTAX_ERROR = "TA001"


@dataclass(frozen=True)
class RuleScore:
    code: str
    applicable: int
    failing: int
    blocking: int = 0  # modules that would comply if only this rule were fixed

    @property
    def compliance(self) -> float:
        return 1.0 if self.applicable == 0 else 1.0 - self.failing / self.applicable


@dataclass(frozen=True)
class Score:
    complying: int
    modules: int
    rules: Tuple[RuleScore, ...] = ()

    @property
    def value(self) -> float:
        return 100.0 if self.modules == 0 else 100.0 * self.complying / self.modules

    @property
    def text(self) -> str:
        return format_score(self.value)

    @property
    def sentence(self) -> str:
        """``17.1% — 1,163 of 6,800 test modules comply``: the figure and what it counts."""
        verb = "complies" if self.complying == 1 else "comply"
        noun = "test module" if self.modules == 1 else "test modules"
        return f"{self.text}% — {self.complying:,} of {self.modules:,} {noun} {verb}"


def complies(m: ModuleSummary) -> bool:
    """SPEC §6: parsed, and no unsuppressed error finding from a selected rule."""
    return m.parsed and not m.errors


def blocking_rules(m: ModuleSummary) -> Tuple[str, ...]:
    """The rules that keep ``m`` from complying: those with an error in it, and TA001 when it does
    not parse (even if that finding was suppressed or not selected)."""
    return m.errors if m.parsed or SYNTAX_ERROR in m.errors else (SYNTAX_ERROR, *m.errors)


def _blocked_by(m: ModuleSummary) -> Optional[str]:
    """The one rule whose fix alone would make ``m`` comply, if there is one."""
    if not m.parsed:  # fixing the syntax error is what it takes (its TA001 may be suppressed)
        return SYNTAX_ERROR if set(m.errors) <= {SYNTAX_ERROR} else None
    return m.errors[0] if len(m.errors) == 1 else None


def compute(modules: Iterable[ModuleSummary], codes: Sequence[str] = (),
            paths: Optional[AbstractSet[str]] = None) -> Score:
    """The score of ``modules`` (only those whose path is in ``paths``, when given), with a
    :class:`RuleScore` for each of ``codes`` (the selected rules) and each rule that applies."""
    mods = [m for m in modules if m.path in paths] if paths is not None else list(modules)
    # Modules come in few shapes (their rule lists follow from category and configuration; a
    # corpus run scores 6,300 modules), so the lists are counted first (in C) and each distinct
    # one is expanded once.
    applicable: Counter = Counter()
    for rule_codes, count in Counter(m.applicable for m in mods).items():
        for code in rule_codes:
            applicable[code] += count
    failing: Counter = Counter()
    for (rule_codes, within), count in Counter((m.failing, m.applicable) for m in mods if m.failing).items():
        for code in rule_codes:
            if code in within:
                failing[code] += count
    blocking = Counter(code for code in map(_blocked_by, mods) if code is not None)
    complying = sum(1 for m in mods if complies(m))
    return _score(complying, len(mods), applicable, failing, blocking, codes)


def overall(result: RunResult) -> Score:
    """A run's score: every test module it checked."""
    return compute(result.modules, result.codes)


def combine(scores: Iterable[Score], codes: Sequence[str] = ()) -> Score:
    """The score of the union of disjoint groups of modules, from the groups' scores (the same
    figure :func:`compute` gives over all their modules, without counting them again)."""
    applicable: Counter = Counter()
    failing: Counter = Counter()
    blocking: Counter = Counter()
    complying = modules = 0
    for s in scores:
        complying += s.complying
        modules += s.modules
        for r in s.rules:
            applicable[r.code] += r.applicable
            failing[r.code] += r.failing
            blocking[r.code] += r.blocking
    return _score(complying, modules, applicable, failing, blocking, codes)


def _score(complying: int, modules: int, applicable: Counter, failing: Counter, blocking: Counter,
           codes: Sequence[str]) -> Score:
    every = sorted(set(codes) | {c for c, n in applicable.items() if n} | set(blocking))
    rules = tuple(RuleScore(c, applicable[c], failing[c], blocking[c]) for c in every)
    return Score(complying, modules, rules)


def compute_by(modules: Sequence[ModuleSummary], codes: Sequence[str],
               key: Callable[[ModuleSummary], str]) -> Dict[str, Score]:
    groups: Dict[str, List[ModuleSummary]] = {}
    for m in modules:
        groups.setdefault(key(m), []).append(m)
    return {k: compute(v, codes) for k, v in sorted(groups.items())}


def top_blockers(score: Score, limit: int = 5) -> Tuple[RuleScore, ...]:
    """The rules that would lift the most modules to compliance if fixed alone, most first."""
    ranked = sorted((r for r in score.rules if r.blocking), key=lambda r: (-r.blocking, r.code))
    return tuple(ranked[:limit])


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


@dataclass(frozen=True)
class Gate:
    """One threshold a run is held to and whether it failed: ``--fail-under`` (``category`` None)
    or a ``fail-under-category`` floor."""

    threshold: str
    value: float
    category: Optional[str] = None
    enforced: bool = True  # False under --exit-zero: a miss is shown but does not fail the run

    @property
    def failed(self) -> bool:
        return below_threshold(self.value, self.threshold)

    @property
    def label(self) -> str:
        """How a missed gate is announced: not as FAILED when the run will exit 0 anyway."""
        return "FAILED" if self.enforced else "BELOW THRESHOLD (not failing: --exit-zero)"

    @property
    def message(self) -> str:
        if self.category is None:
            return f"compliance score {format_score(self.value)} is below the fail-under threshold {self.threshold}"
        return (f"category {self.category}: score {format_score(self.value)} is below its "
                f"fail-under-category floor {self.threshold}")


def gates(result: RunResult, fail_under: Optional[str],
          floors: Sequence[Tuple[str, str]] = (), enforced: bool = True) -> Tuple[Gate, ...]:
    """The gates of a run: the overall threshold, then each category floor (a category with no
    test modules in the run has nothing to fail)."""
    out: List[Gate] = []
    if fail_under:
        out.append(Gate(fail_under, overall(result).value, enforced=enforced))
    if floors:
        by_category = compute_by(result.modules, (), lambda m: m.category)
        for category, threshold in floors:
            if category in by_category:
                out.append(Gate(threshold, by_category[category].value, category, enforced))
    return tuple(out)
