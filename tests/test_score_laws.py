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
from typing import List, Tuple

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from testaudit.model import ModuleSummary
from testaudit.score import (
    SYNTAX_ERROR, below_threshold, combine, complies, compute, compute_by, format_score, top_blockers, top_directory,
)

CODES = ("TA001", "TA101", "TA201", "TA401", "TA403", "TA501")
CATEGORIES = ("unit", "integration", "e2e")


@st.composite
def modules(draw: st.DrawFn, min_size: int = 0) -> List[ModuleSummary]:
    out = []
    for i in range(draw(st.integers(min_size, 25))):
        applicable = draw(st.sets(st.sampled_from(CODES)))
        failing = draw(st.sets(st.sampled_from(CODES)))  # may name rules that do not apply: ignored per rule
        errors = draw(st.sets(st.sampled_from(CODES)))  # rules with an error finding (a subset of any finding's)
        parsed = draw(st.booleans())
        directory = draw(st.sampled_from(("tests", "backend", "frontend")))
        out.append(ModuleSummary(f"{directory}/test_{i}.py", draw(st.sampled_from(CATEGORIES)),
                                 tuple(sorted(applicable)), tuple(sorted(failing | errors)), tuple(sorted(errors)),
                                 parsed))
    return out


def _fixed(m: ModuleSummary, code: str) -> ModuleSummary:
    """``m`` once every finding of ``code`` is fixed (fixing TA001 makes it parse)."""
    return ModuleSummary(m.path, m.category, m.applicable, tuple(c for c in m.failing if c != code),
                         tuple(c for c in m.errors if c != code), m.parsed or code == SYNTAX_ERROR)


@given(modules())
def test_bounded(mods: List[ModuleSummary]) -> None:
    score = compute(mods, CODES)
    assert 0.0 <= score.value <= 100.0
    for sub in compute_by(mods, CODES, lambda m: m.category).values():
        assert 0.0 <= sub.value <= 100.0


@given(modules(min_size=1), st.randoms(use_true_random=False))
def test_fixing_a_finding_never_lowers_the_score(mods: List[ModuleSummary], rnd: random.Random) -> None:
    candidates = [(i, c) for i, m in enumerate(mods) for c in m.failing]
    assume(candidates)
    i, code = rnd.choice(candidates)
    fixed = list(mods)
    fixed[i] = _fixed(mods[i], code)
    before, after = compute(mods, CODES), compute(fixed, CODES)
    assert after.value >= before.value
    # and it rises exactly when that fix made the module comply
    assert (after.complying > before.complying) == (not complies(mods[i]) and complies(fixed[i]))


@given(modules(), st.sets(st.sampled_from(CODES)), st.sets(st.sampled_from(CODES)), st.sampled_from(CATEGORIES))
def test_adding_a_complying_module_never_lowers_the_score(mods: List[ModuleSummary], applicable: set,
                                                          warned: set, category: str) -> None:
    clean = ModuleSummary("tests/test_clean.py", category, tuple(sorted(applicable)), tuple(sorted(warned)))
    assert complies(clean)  # warnings only
    assert compute(mods + [clean], CODES).value >= compute(mods, CODES).value


@given(modules(), st.randoms(use_true_random=False))
def test_deterministic_whatever_the_order(mods: List[ModuleSummary], rnd: random.Random) -> None:
    shuffled = list(mods)
    rnd.shuffle(shuffled)
    assert compute(shuffled, CODES) == compute(mods, CODES)
    assert compute_by(shuffled, CODES, top_directory) == compute_by(mods, CODES, top_directory)


@given(modules())
def test_the_formula(mods: List[ModuleSummary]) -> None:
    """score = 100 × complying test modules / test modules; a module complies when it parsed and
    has no error finding (warnings never count)."""
    complying = [m for m in mods if m.parsed and not m.errors]
    expected = 100.0 if not mods else 100.0 * len(complying) / len(mods)
    score = compute(mods, CODES)
    assert score.value == expected
    assert (score.complying, score.modules) == (len(complying), len(mods))


@given(modules())
def test_per_rule_figures(mods: List[ModuleSummary]) -> None:
    """applicable / failing per rule, and *would comply if only this rule were fixed*, each
    recomputed from its definition: fix the rule in every module and count who complies then."""
    score = compute(mods, CODES)
    by_code = {r.code: r for r in score.rules}
    assert set(CODES) <= set(by_code)
    for code in CODES:
        applicable = [m for m in mods if code in m.applicable]
        assert by_code[code].applicable == len(applicable)
        assert by_code[code].failing == sum(1 for m in applicable if code in m.failing)
        lifted = sum(1 for m in mods if not complies(m) and complies(_fixed(m, code)))
        assert by_code[code].blocking == lifted, code
    ranked = top_blockers(score, limit=len(CODES))
    assert [r.blocking for r in ranked] == sorted((r.blocking for r in score.rules if r.blocking), reverse=True)


@given(modules())
def test_the_groups_combine_to_the_whole(mods: List[ModuleSummary]) -> None:
    """The overall score the summaries show is combined from the per-category scores."""
    for key in (lambda m: m.category, top_directory):
        assert combine(compute_by(mods, CODES, key).values(), CODES) == compute(mods, CODES)


@given(modules(), st.sets(st.integers(0, 30)))
def test_any_subset_of_files_uses_the_same_function(mods: List[ModuleSummary], picked: set) -> None:
    paths = {m.path for i, m in enumerate(mods) if i in picked} | {"tests/not_a_module.py"}
    assert compute(mods, CODES, paths=paths) == compute([m for m in mods if m.path in paths], CODES)


def test_warnings_suppressions_and_parse_failures() -> None:
    mods = [ModuleSummary("a/test_1.py", "unit", ("TA401",), ("TA401",), ("TA401",)),  # an error
            ModuleSummary("a/test_2.py", "unit", ("TA403",), ("TA403",), ()),  # a warning only: complies
            ModuleSummary("b/test_3.py", "integration", ("TA101", "TA401"), ()),  # clean (or all suppressed)
            ModuleSummary("b/test_4.py", "integration", ("TA101",), ("TA101",), (), False)]  # does not parse
    score = compute(mods, ("TA101", "TA401", "TA403"))
    assert (score.complying, score.modules, score.text) == (2, 4, "50.0")
    assert score.sentence == "50.0% — 2 of 4 test modules comply"
    by_dir = compute_by(mods, (), top_directory)
    assert {k: (v.complying, v.modules, v.text) for k, v in by_dir.items()} == {"a": (1, 2, "50.0"),
                                                                               "b": (1, 2, "50.0")}
    assert compute([], ()).value == 100.0


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
