"""Claims: what a report says that the code can confirm or refute (SPEC §12's table).

`extract_claims` walks the units of a read report and keeps only sentences of a known kind
that assert something now: units in plan sections ("Next Steps") and history sections
("Root Cause", "Before") claim nothing, nor do command and log blocks, vague praise, plans,
negations or conditions. Counts are classified by structure (`counts`, `structured`),
statements by phrase (`statements`). A file mention is itself a `file-exists` claim; it is
kept in `mentions`, not repeated here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from testaudit.verify.context import HISTORY, PLAN, claim_text, is_open_task, section_roles
from testaudit.verify.counts import CountState, prose_drafts
from testaudit.verify.document import Report
from testaudit.verify.drafting import Claimed, Draft, UnitContext, inherited_mentions, section_owners
from testaudit.verify.mentions import Mention, file_mentions, mentions_by_unit
from testaudit.verify.phrases import DEFAULT_PHRASES, Phrases
from testaudit.verify.statements import statement_drafts
from testaudit.verify.structured import table_drafts, tree_drafts

KINDS = (
    "line-count", "test-count", "total-tests", "total-files", "total-lines", "no-mocks", "bvj",
    "base-class", "markers", "no-commented-tests", "imports-resolve", "score", "pass-rate",
)
TEXT_LIMIT = 120


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a report.

    `claimed` is the value said: a count (int), a score or pass rate in percent (float), a
    class or marker name (str), (module, name or None) for `imports-resolve`, None for kinds
    with no value. `at_least` marks `N+` and "at least N". `unit` indexes `Report.units`;
    `files` are the file mentions of the claim's unit (narrowed to one when the count sits next
    to a file name, or to a tree entry's files). `scope` says what the claim is about: "unit"
    (its `files`, or with a `qualifier` a named part of them), "section" (the files of its
    section; a `qualifier` — a test class, a suite — names the part a sub-count is about) or
    "report" (every file the report names).
    """

    kind: str
    line: int
    text: str
    claimed: Claimed
    at_least: bool
    unit: int
    files: Tuple[Mention, ...]
    scope: str
    qualifier: Optional[str] = None


def _contexts(report: Report, phrases: Phrases, mentions: Tuple[Mention, ...]) -> List[UnitContext]:
    """A context for each unit that may claim something (not code, not plans or history)."""
    by_unit = mentions_by_unit(mentions)
    roles = section_roles(report, phrases)
    owners = section_owners(report, by_unit, phrases)
    contexts = []
    for index, unit in enumerate(report.units):
        role = roles.of(unit.section)
        if unit.kind == "code" or role in (PLAN, HISTORY) or is_open_task(unit.text):
            continue
        mentions = by_unit.get(index, ())
        inherited = () if mentions else inherited_mentions(report, by_unit, index)
        contexts.append(UnitContext(report=report, index=index, unit=unit, mentions=mentions, role=role,
                                    owner=owners.get(unit.section), inherited=inherited))
    return contexts


def _drafts(ctx: UnitContext, phrases: Phrases, state: CountState) -> List[Draft]:
    if ctx.unit.kind == "tree":
        return tree_drafts(ctx, phrases)
    if ctx.unit.kind == "table_row":
        return table_drafts(ctx, phrases, state) + statement_drafts(ctx, phrases)
    return prose_drafts(ctx, phrases, state) + statement_drafts(ctx, phrases)


def _files(ctx: UnitContext, draft: Draft) -> Tuple[Mention, ...]:
    if draft.files is not None:
        return draft.files
    return ctx.mentions_for(draft.start, draft.end) or ctx.inherited


def _claim(ctx: UnitContext, draft: Draft) -> Claim:
    unit = ctx.unit
    if draft.line is not None:
        line, text = draft.line, draft.text or ""
    elif unit.kind == "table_row":
        line, text = unit.line, claim_text(unit.text, 0, len(unit.text), TEXT_LIMIT)
    else:
        line, text = unit.line_at(draft.start), claim_text(unit.text, draft.start, draft.end, TEXT_LIMIT)
    if len(text) > TEXT_LIMIT:
        text = claim_text(text, 0, len(text), TEXT_LIMIT)
    return Claim(kind=draft.kind, line=line, text=text, claimed=draft.claimed, at_least=draft.at_least,
                 unit=ctx.index, files=_files(ctx, draft),
                 scope=draft.scope, qualifier=draft.qualifier)


def extract_claims(report: Report, phrases: Phrases = DEFAULT_PHRASES) -> Tuple[Claim, ...]:
    """Every claim of `report`, in report order (by line, then kind)."""
    state: CountState = {}
    claims: Dict[Tuple[str, int, str, Tuple[str, ...]], Claim] = {}
    for ctx in _contexts(report, phrases, file_mentions(report, phrases)):
        for draft in _drafts(ctx, phrases, state):
            claim = _claim(ctx, draft)
            key = (claim.kind, claim.line, repr(claim.claimed), tuple(m.path for m in claim.files))
            claims.setdefault(key, claim)
    return tuple(sorted(claims.values(), key=lambda c: (c.line, KINDS.index(c.kind), repr(c.claimed))))
