"""What the extractors share: the unit being read, with its files and section, and the draft
of a claim they produce (turned into a `claims.Claim` by `extract_claims`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple, Union

from testaudit.verify.context import SUMMARY, sentence_of, unit_is_file_line
from testaudit.verify.document import Report, Unit
from testaudit.verify.mentions import Mention
from testaudit.verify.phrases import Phrases, any_of

Claimed = Union[int, float, str, Tuple[str, Optional[str]], None]
UNIT, SECTION, REPORT = "unit", "section", "report"
CLASS_LIKE = re.compile(r"(?-i:\b(?:Test[A-Z0-9_]\w*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+)\b)")
LABEL = re.compile(r"^[^\w(]*(?P<label>[^:\n()|]*?\w[^:\n()|]*?)\s*(?::|\(|—|–|\s-\s)\s*[^:\n]*$")


@dataclass(frozen=True)
class UnitContext:
    """A unit with what the extractors need around it: its file mentions, its section's role
    and single file (`owner`), and for a nested list item naming no file, the files of the
    nearest enclosing item that names some (`inherited`)."""

    report: Report
    index: int
    unit: Unit
    mentions: Tuple[Mention, ...]
    role: str
    owner: Optional[Mention]
    inherited: Tuple[Mention, ...] = ()

    def mentions_for(self, start: int, end: int) -> Tuple[Mention, ...]:
        """The files a claim at [start, end) is about: those of its list item, table row,
        heading or tree line — and in a paragraph, whose lines often carry unrelated
        statements, those of its own sentence."""
        if self.unit.kind != "paragraph":
            return self.mentions
        s_start, s_end = sentence_of(self.unit.text, start, end)
        return tuple(m for m in self.mentions if s_start <= m.offset < s_end)

    def paths_for(self, start: int, end: int) -> Tuple[str, ...]:
        """Distinct files of `mentions_for`."""
        return tuple(dict.fromkeys(m.path for m in self.mentions_for(start, end)))

    def scope(self, start: int, end: int) -> str:
        """How far a statement at [start, end) reaches: its files, its section's file, the
        whole report (summaries) or its section."""
        if self.mentions_for(start, end) or self.inherited:
            return UNIT
        if self.owner is not None:
            return SECTION
        return REPORT if self.role == SUMMARY else SECTION


@dataclass(frozen=True)
class Draft:
    """A claim found at [start, end) of its unit's text (or of `text`, for tree lines).

    `files` None means the unit's mentions; `qualifier` names a part of the subject (a test
    class, a suite) that the claim is about, for counts that are not the subject's whole count.
    """

    kind: str
    start: int
    end: int
    claimed: Claimed = None
    at_least: bool = False
    scope: str = UNIT
    files: Optional[Tuple[Mention, ...]] = None
    qualifier: Optional[str] = None
    line: Optional[int] = None
    text: Optional[str] = None


def inherited_mentions(report: Report, by_unit: Dict[int, Tuple[Mention, ...]], index: int) -> Tuple[Mention, ...]:
    """The mentions of the nearest enclosing list item of unit `index` that names files."""
    parent = report.units[index].parent
    while parent is not None:
        if by_unit.get(parent):
            return by_unit[parent]
        parent = report.units[parent].parent
    return ()


def section_owners(report: Report, by_unit: Dict[int, Tuple[Mention, ...]], phrases: Phrases) -> Dict[int, Mention]:
    """Sections about exactly one file: their heading names it, or (heading naming none) their
    own `File:` lines name exactly one."""
    headings: Dict[int, Tuple[Mention, ...]] = {}
    file_lines: Dict[int, List[Mention]] = {}
    for index, unit in enumerate(report.units):
        if unit.kind == "heading":
            headings[unit.section] = by_unit.get(index, ())
        elif unit_is_file_line(unit, phrases):
            file_lines.setdefault(unit.section, []).extend(by_unit.get(index, ()))
    owners: Dict[int, Mention] = {}
    for section in range(len(report.sections)):
        chosen = headings.get(section) or tuple(file_lines.get(section, ()))
        if len({m.path for m in chosen}) == 1:
            owners[section] = chosen[0]
    return owners


def qualifying_words(phrases: Phrases, adjectives: str) -> Optional[str]:
    """Capitalised words between a number and its noun that name something: "Golden Path" in
    "50 Golden Path tests" (not "Integration", "New" and other generic words)."""
    generic = any_of(phrases.generic_adjectives, True)
    words = [w for w in adjectives.split() if w[:1].isupper() and not generic.fullmatch(w)]
    return " ".join(words) or None


def label_of(ctx: UnitContext, text: str, start: int, phrases: Phrases, adjectives: str = "") -> Optional[str]:
    """A name for the part of the subject a sub-count is about: a test class named on the
    count's line, else capitalised words before the noun ("50 Golden Path tests"), else a
    table row's first text cell, else the "Label:" the count follows."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    named = CLASS_LIKE.search(line)
    if named:
        return named.group(0)
    words = qualifying_words(phrases, adjectives)
    if words:
        return words
    if ctx.unit.kind == "table_row":
        for _, value in ctx.unit.cells:
            if re.search(r"[A-Za-z]{2}", value) and not re.search(r"\.py\b", value):
                return value.strip(" *`")
        return None
    match = LABEL.match(text[line_start:start])
    if match:
        label = match.group("label").strip(" *`_")
        if label and not re.fullmatch(r"[\d\s,+~.]*", label):
            return label[:60]
    return None
