"""The laws of the compliance score (SPEC §6), pinned by property-based tests.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: a CI gate on the score never moves the wrong way when a team fixes its tests
- Strategic Impact: a score people trust is a score people keep using
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, List, Tuple

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from testaudit.model import ModuleSummary
from testaudit.score import below_threshold, combine, compute, compute_by, format_score, top_directory

CODES = ("TA101", "TA201", "TA401", "TA403", "TA501")
CATEGORIES = ("unit", "integration", "e2e")


@st.composite
def modules(draw: st.DrawFn, min_size: int = 0) -> List[ModuleSummary]:
    out = []
    for i in range(draw(st.integers(min_size, 25))):
        applicable = draw(st.sets(st.sampled_from(CODES)))
        failing = draw(st.sets(st.sampled_from(CODES)))  # may name rules that do not apply: ignored
        directory = draw(st.sampled_from(("tests", "backend", "frontend")))
        out.append(ModuleSummary(f"{directory}/test_{i}.py", draw(st.sampled_from(CATEGORIES)),
                                 tuple(sorted(applicable)), tuple(sorted(failing))))
    return out


weights = st.dictionaries(st.sampled_from(CODES), st.sampled_from((0.5, 1.0, 3.0, 10.0)), min_size=1)


def _fails(m: ModuleSummary, w: Dict[str, float]) -> List[str]:
    return [c for c in m.failing if c in m.applicable and c in w]


@given(modules(), weights)
def test_bounded(mods: List[ModuleSummary], w: Dict[str, float]) -> None:
    score = compute(mods, w)
    assert 0.0 <= score.value <= 100.0
    for sub in compute_by(mods, w, lambda m: m.category).values():
        assert 0.0 <= sub.value <= 100.0


@given(modules(min_size=1), weights, st.randoms(use_true_random=False))
def test_fixing_a_finding_never_lowers_the_score(mods: List[ModuleSummary], w: Dict[str, float],
                                                 rnd: random.Random) -> None:
    candidates = [(i, c) for i, m in enumerate(mods) for c in _fails(m, w)]
    assume(candidates)
    i, code = rnd.choice(candidates)
    fixed = list(mods)
    fixed[i] = ModuleSummary(mods[i].path, mods[i].category, mods[i].applicable,
                             tuple(c for c in mods[i].failing if c != code))
    assert compute(fixed, w).value >= compute(mods, w).value
    assert compute(fixed, w).value > compute(mods, w).value or w[code] == 0


@given(modules(), weights, st.sets(st.sampled_from(CODES)), st.sampled_from(CATEGORIES))
def test_adding_a_clean_module_never_lowers_the_score(mods: List[ModuleSummary], w: Dict[str, float],
                                                      applicable: set, category: str) -> None:
    clean = ModuleSummary("tests/test_clean.py", category, tuple(sorted(applicable)), ())
    assert compute(mods + [clean], w).value >= compute(mods, w).value


@given(modules(), weights, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_order(mods: List[ModuleSummary], w: Dict[str, float],
                                          rnd: random.Random) -> None:
    shuffled = list(mods)
    rnd.shuffle(shuffled)
    assert compute(shuffled, w) == compute(mods, w)
    assert compute_by(shuffled, w, top_directory) == compute_by(mods, w, top_directory)


@given(modules(), weights)
def test_the_formula(mods: List[ModuleSummary], w: Dict[str, float]) -> None:
    """score = 100 × Σ w·(1 − failing/applicable) / Σ w over rules with something applicable."""
    num = den = 0.0
    for code, weight in w.items():
        applicable = [m for m in mods if code in m.applicable]
        if not applicable:
            continue
        failing = [m for m in applicable if code in m.failing]
        num += weight * (1 - len(failing) / len(applicable))
        den += weight
    expected = 100.0 if den == 0 else 100.0 * num / den
    assert abs(compute(mods, w).value - expected) < 1e-9


@given(modules(), weights)
def test_the_groups_combine_to_the_whole(mods: List[ModuleSummary], w: Dict[str, float]) -> None:
    """The overall score the summaries show is combined from the per-category scores."""
    for key in (lambda m: m.category, top_directory):
        assert combine(compute_by(mods, w, key).values(), w) == compute(mods, w)


def test_subset_scores_use_the_same_formula() -> None:
    mods = [ModuleSummary("a/test_1.py", "unit", ("TA401",), ("TA401",)),
            ModuleSummary("a/test_2.py", "unit", ("TA401",), ()),
            ModuleSummary("b/test_3.py", "integration", ("TA101", "TA401"), ("TA101",))]
    w = {"TA101": 3.0, "TA401": 3.0}
    assert compute(mods, w).text == "33.3"  # TA101: 0/1 compliant, TA401: 2/3 → 100 × (0 + 2/3) / 2
    by_dir = compute_by(mods, w, top_directory)
    assert {k: v.text for k, v in by_dir.items()} == {"a": "50.0", "b": "50.0"}
    assert {k: v.modules for k, v in by_dir.items()} == {"a": 2, "b": 1}


@given(st.floats(0, 100, allow_nan=False))
def test_printed_with_one_decimal(value: float) -> None:
    text = format_score(value)
    whole, _, decimals = text.partition(".")
    assert len(decimals) == 1 and whole.isdigit()
    assert abs(float(text) - value) <= 0.05 + 1e-9


thresholds = st.builds(lambda n, places: str(Decimal(n).scaleb(-places)),
                       st.integers(0, 100_000), st.integers(0, 3)).filter(lambda t: Decimal(t) <= 100)


@settings(max_examples=300)
@given(st.floats(0, 100, allow_nan=False), thresholds)
def test_fail_under_compares_at_the_thresholds_precision(value: float, threshold: str) -> None:
    exponent = Decimal(threshold).as_tuple().exponent
    assert isinstance(exponent, int)
    # the threshold's precision, never coarser than the printed score's one decimal
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(min(exponent, -1)), rounding=ROUND_HALF_UP)
    assert below_threshold(value, threshold) == (rounded < Decimal(threshold))
    if value >= float(threshold):
        assert not below_threshold(value, threshold)  # never fails a score that meets the bar
    if Decimal(format_score(value)) < Decimal(threshold) and exponent >= -1:
        assert below_threshold(value, threshold)  # never passes a printed score under the bar


def test_fail_under_examples() -> None:
    cases: Tuple[Tuple[float, str, bool], ...] = (  # (score, threshold, below?)
        (79.95, "80", False), (79.94, "80", True), (79.95, "80.0", False), (79.94, "80.0", True),
        (79.995, "80.00", False), (79.994, "80.00", True), (66.666, "66.7", False),
        (66.666, "66.67", False), (66.666, "66.668", True), (100.0, "100", False), (0.0, "0", False),
    )
    for value, threshold, below in cases:
        assert below_threshold(value, threshold) is below, (value, threshold)
