"""Counts read from structure rather than prose: table columns and tree annotations.

A table row's cell under a Tests / Lines / Files / Compliance header is a count (or score)
of what the row is about: its file, the whole table when the row is a TOTAL row, or the part
its label names. Cells are read under their own header, so a short TOTAL row never lends its
number to the wrong column. A tree entry's annotation (`(580 lines)`, `(16 tests)`,
`... (30 total files)`) counts that file, or the files listed under that directory.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from testaudit.verify.counts import KINDS, NUMBER, CountMatch, CountState, count_matches, decide
from testaudit.verify.drafting import UNIT, Draft, UnitContext, label_of
from testaudit.verify.mentions import Mention
from testaudit.verify.phrases import Phrases, any_of
from testaudit.verify.trees import TreeEntry

CELL_COUNT = re.compile(
    rf"^[^\w~≈]*(?P<approx>[~≈]\s*)?(?:(?P<pair>\d+)\s*/\s*)?{NUMBER}\s*(?:tests?|lines?|files?|loc)?[^\w]*$", re.I)
CELL_PERCENT = re.compile(r"^[^\w]*(?P<num>\d+(?:\.\d+)?)\s*(?:%|/\s*(?P<den>\d+))[^\w]*$")


def _header_noun(phrases: Phrases, header: str) -> Optional[str]:
    name = re.sub(r"[^\w#()%. -]", "", header).strip(" .").lower()
    for noun, patterns in (("test", phrases.tests_headers), ("line", phrases.lines_headers),
                           ("file", phrases.files_headers), ("score", phrases.score_headers)):
        if any_of(patterns).fullmatch(name):
            return noun
    return None


def _row_qualifier(ctx: UnitContext, phrases: Phrases, total_row: bool) -> Optional[str]:
    """What a row naming no file is about (its label), for claims that are not totals."""
    if ctx.mentions or total_row:
        return None
    return label_of(ctx, "", 0, phrases)


def _score_cell(ctx: UnitContext, value: str, qualifier: Optional[str]) -> Optional[Draft]:
    match = CELL_PERCENT.match(value)
    if match is None:
        return None
    number = float(match.group("num"))
    if match.group("den"):
        number = 100.0 * number / float(match.group("den")) if float(match.group("den")) > 0 else -1.0
    if not 0 <= number <= 100:
        return None
    return Draft(kind="score", start=0, end=len(ctx.unit.text), claimed=round(number, 1),
                 scope=ctx.scope(0, len(ctx.unit.text)), qualifier=qualifier)


def _flag_cell(ctx: UnitContext, phrases: Phrases, header: str, value: str,
               qualifier: Optional[str]) -> Optional[Draft]:
    """A ✅ under a BVJ column is a `bvj` claim, a 0 / none under a Mocks column `no-mocks`."""
    name = re.sub(r"[^\w# ]", "", header).strip().lower()
    cell = value.strip(" *`.")
    if any_of(phrases.bvj_headers).fullmatch(name) and any_of(phrases.yes_cells).fullmatch(cell):
        kind = "bvj"
    elif any_of(phrases.mocks_headers).fullmatch(name) and any_of(phrases.zero_cells).fullmatch(cell):
        kind = "no-mocks"
    else:
        return None
    return Draft(kind=kind, start=0, end=len(ctx.unit.text), scope=ctx.scope(0, len(ctx.unit.text)),
                 qualifier=qualifier)


def _is_total_row(ctx: UnitContext, phrases: Phrases) -> bool:
    return any(any_of(phrases.total_rows).search(value) for _, value in ctx.unit.cells[:2])


def table_drafts(ctx: UnitContext, phrases: Phrases, state: CountState) -> List[Draft]:
    """Counts under the count columns of a table row, and prose counts in its other cells; a
    two-column row naming no file reads as "label: value" (`| Tests | 34 |`)."""
    drafts: List[Draft] = []
    total_row = _is_total_row(ctx, phrases)
    qualifier = _row_qualifier(ctx, phrases, total_row)
    prose: List[str] = []
    for header, value in ctx.unit.cells:
        noun = _header_noun(phrases, header)
        if noun is None:
            flag = _flag_cell(ctx, phrases, header, value, qualifier)
            if flag is not None:
                drafts.append(flag)
            else:
                prose.append(value)
            continue
        if noun == "score":
            draft = _score_cell(ctx, value, qualifier)
            drafts.extend([draft] if draft else [])
            continue
        match = CELL_COUNT.match(value)
        if match is None or (noun == "file" and not total_row and ctx.mentions):
            continue
        if match.group("approx") and noun != "line":
            continue
        count = CountMatch(noun=noun, value=int(match.group("num").replace(",", "")), start=match.start("num"),
                           end=match.end("num"), at_least=bool(match.group("plus")))
        draft = decide(ctx, phrases, state, value, count, total_row=total_row, in_row=True)
        drafts.extend([draft] if draft else [])
    key_value = len(ctx.unit.cells) == 2 and len(prose) == 2 and not ctx.mentions
    text = ": ".join(prose) if key_value else " | ".join(prose)
    for count in count_matches(text, phrases):
        draft = decide(ctx, phrases, state, text, count, total_row=total_row, in_row=not key_value)
        drafts.extend([draft] if draft else [])
    return drafts


def _under(entry: TreeEntry, mentions: Tuple[Mention, ...]) -> Tuple[Mention, ...]:
    prefix = entry.path + "/" if entry.path else ""
    return tuple(m for m in mentions if m.path.startswith(prefix))


def tree_drafts(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """Counts in the annotations of a tree's entries."""
    tree = ctx.unit.tree
    if tree is None:
        return []
    drafts: List[Draft] = []
    for entry in tree.entries:
        note = entry.annotation
        if not note or any_of(phrases.future).search(note) or any_of(phrases.deletions).search(note):
            continue  # "(planned, 40 tests)", "(removed)": not what exists
        if entry.is_dir or entry.elision:
            files = _under(entry, ctx.mentions)
        else:
            files = tuple(m for m in ctx.mentions if m.line == entry.line)
            if not files:
                continue
        for count in count_matches(entry.annotation, phrases):
            per_file, total = KINDS[count.noun]
            kind = per_file if (per_file and not (entry.is_dir or entry.elision)) else total
            if kind == "total-files" and not (entry.is_dir or entry.elision):
                continue
            drafts.append(Draft(kind=kind, start=0, end=0, claimed=count.value, at_least=count.at_least,
                                scope=UNIT, files=files, line=entry.line,
                                text=" ".join(ctx.report.lines[entry.line - 1].split())))
    return drafts
