"""Registry meta-tests: codes, docs, examples (VALID never fires, INVALID always does).

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: every rule is documented, exemplified and registered
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, run_project, split_example, write_project
from testaudit.docs import expected_pages, write_pages
from testaudit.registry import all_rules, option_fields

RULES = all_rules()
SECTIONS = ("## What it does", "## Why is this bad?", "## Options", "## Known limitations")


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.CODE for r in RULES]
    names = [r.NAME for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for r in RULES:
        assert r.CODE[:2] == "TA" and r.CODE[2:].isdigit() and len(r.CODE) == 5, r.CODE
        assert r.NAME == r.NAME.lower() and " " not in r.NAME, r.NAME
        assert r.MESSAGE, r.CODE


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_docstring_sections_and_examples(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.documentation()
    positions = [doc.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.CODE} lacks a section of {SECTIONS}"
    assert positions == sorted(positions), f"{rule.CODE}: sections out of order"
    assert rule.VALID and rule.INVALID, f"{rule.CODE} needs VALID and INVALID examples"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.CODE)
def test_options_are_documented(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.documentation()
    for key, _, _ in option_fields(rule):
        assert f"`{key}`" in doc, f"{rule.CODE}: option `{key}` is not described in the docstring"


def _examples(kind: str):  # type: ignore[no-untyped-def]
    for rule in RULES:
        for i, ex in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, ex, id=f"{rule.CODE}-{kind}-{i}")


def _run_example(tmp_path: Path, rule, example: str):  # type: ignore[no-untyped-def]
    files = split_example(example)
    write_project(tmp_path, files)
    result = run_project(tmp_path)
    return [f for f in result.findings if f.code == rule.CODE]


@pytest.mark.parametrize("rule,example", list(_examples("INVALID")))
def test_invalid_example_is_reported(tmp_path: Path, rule, example: str) -> None:  # type: ignore[no-untyped-def]
    assert _run_example(tmp_path, rule, example), f"{rule.CODE}: INVALID example not reported"


@pytest.mark.parametrize("rule,example", list(_examples("VALID")))
def test_valid_example_is_clean(tmp_path: Path, rule, example: str) -> None:  # type: ignore[no-untyped-def]
    hits = _run_example(tmp_path, rule, example)
    assert not hits, f"{rule.CODE}: VALID example reported: {[f.message for f in hits]}"


def test_rule_pages_are_up_to_date() -> None:
    """rules/*.md are generated; TESTAUDIT_UPDATE=1 rewrites them."""
    target = REPO / "rules"
    if os.environ.get("TESTAUDIT_UPDATE"):  # testaudit: ignore[TA301] (the documented update switch)
        write_pages(target)
    stale = [name for name, text in expected_pages().items()
             if not (target / name).exists() or (target / name).read_text(encoding="utf-8") != text]
    assert not stale, f"stale rule pages {stale}: run `python -m testaudit.docs`"
    extra = {p.name for p in target.glob("*.md")} - set(expected_pages())
    assert not extra, f"pages for rules that no longer exist: {sorted(extra)}"
