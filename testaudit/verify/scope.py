"""Which files a report's claim is about, and whether a total can be judged at all (SPEC §12,
"Subjects").

A claim's subject is its unit's files; for a section-wide claim naming none, the file its section
(or an enclosing one) is about, else the files the section names; for a total naming a part
(``Unit Tests: 8 tests``), the files of the one section of that name; for a report-wide claim,
every file the report names. A total is judged only when the report lists what it counts; a
count in a subsection of a file's section counts a part of that file (see the methods).
"""
from __future__ import annotations

import re
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from testaudit.verify.claims import Claim
from testaudit.verify.document import Report
from testaudit.verify.drafting import section_owners
from testaudit.verify.measure import Measures
from testaudit.verify.mentions import Mention, mentions_by_unit
from testaudit.verify.phrases import Phrases, any_of
from testaudit.verify.resolve import Resolution

TOTALS = frozenset({"total-tests", "total-lines", "total-files"})
ACROSS = re.compile(r"\bacross\s+(\d[\d,]*)\s+(?:[\w-]+\s+){0,2}?(?:files?|suites?|modules?)\b", re.I)


class Scope:
    """The report's structure as subjects: section owners, mentions per unit, and the files the
    report counts one by one."""

    def __init__(self, report: Report, mentions: Sequence[Mention], resolutions: Mapping[Mention, Resolution],
                 measures: Measures, phrases: Phrases, claims: Sequence[Claim]) -> None:
        self.report, self.mentions, self.resolutions, self.measures = report, tuple(mentions), resolutions, measures
        self.by_unit = mentions_by_unit(self.mentions)
        self.owners = section_owners(report, self.by_unit, phrases)
        # the files the report gives a count of their own (an inventory a total can be checked by)
        self.counted: Dict[str, set] = {"total-tests": set(), "total-lines": set()}
        self.phrases = phrases
        self.total_units = {c.unit for c in claims if c.kind in TOTALS and not c.qualifier}
        for c in claims:
            if c.kind in ("test-count", "line-count") and not c.qualifier:
                total = "total-tests" if c.kind == "test-count" else "total-lines"
                self.counted[total].update(p for m in self.subject(c) for p in self.resolutions[m].paths)

    def section_of(self, unit: int) -> str:
        return self.report.sections[self.report.units[unit].section].title

    def subsection_of_a_file(self, claim: Claim) -> Optional[str]:
        """The file a section-wide count's *enclosing* section is about, when its own section is
        not about one file: ``#### JWT Token Security Tests (10 tests)`` under ``### Unit Tests
        (19 tests)`` + ``**File**: …`` counts a group of that file's tests, not the file."""
        if claim.scope != "section" or claim.files or claim.kind not in TOTALS:
            return None
        section = self.report.units[claim.unit].section
        if section in self.owners:
            return None
        for s in self.report.ancestors(section)[1:]:
            if s in self.owners:
                return self.owners[s].text
        return None

    def unlisted(self, claim: Claim, paths: Sequence[str]) -> Optional[str]:
        """Why a section- or report-wide total cannot be compared with the files it is about,
        if it cannot: the report must list what the total counts — a TOTAL row of a table,
        "across N files" naming as many test modules as it lists, or a count of its own for
        every test module it names. Anything else (``579 tests collected``, ``1000 e2e tests``)
        may count files the report never names, and is not judged."""
        if claim.kind not in self.counted or claim.scope == "unit" or claim.files:
            return None
        unit = self.report.units[claim.unit]
        if unit.kind == "table_row" and any_of(self.phrases.total_rows).search(unit.text):
            if any(self.by_unit.get(row) for row in self.table_of(claim.unit)):
                return None  # a TOTAL row adds up its table
            return "its table names no files (its rows are components or categories, not test modules)"
        modules = [p for p in paths if self.measures.files.get(p) is not None and self.measures.files[p].is_test_module]
        across = ACROSS.search(claim.text)
        if across:
            said = int(across.group(1).replace(",", ""))
            if said == len(modules):
                return None
            return f"the claim counts {said} files, the report names {len(modules)} test modules"
        if modules and all(p in self.counted[claim.kind] for p in modules):
            part = self.unnamed_part(claim)
            if part is None:
                return None
            return f"it also counts tests the report names no file for (line {part})"
        return "the report does not list the files this total counts (no per-file counts, no TOTAL row)"

    def table_of(self, index: int) -> List[int]:
        """The rows of the table holding table row ``index``: the table rows on the lines next to it."""
        units = self.report.units
        start = end = index
        while start > 0 and units[start - 1].kind == "table_row" and units[start - 1].line == units[start].line - 1:
            start -= 1
        while end + 1 < len(units) and units[end + 1].kind == "table_row" and units[end + 1].line == units[end].line + 1:
            end += 1
        return list(range(start, end + 1))

    def unnamed_part(self, claim: Claim) -> Optional[int]:
        """The line of a count of tests in the claim's reach that names no file (``P3-P6: 55
        tests``): a total that includes it counts files the report does not name."""
        from testaudit.verify.counts import count_matches

        if claim.scope == "section":
            units = self.report.units_in(self.report.subtree(self.report.units[claim.unit].section))
        else:
            units = tuple(range(len(self.report.units)))
        for i in units:
            unit = self.report.units[i]
            if (i == claim.unit or i in self.total_units or unit.kind in ("heading", "code", "tree")
                    or self.by_unit.get(i) or self.inherits_file(i)
                    or any(s in self.owners for s in self.report.ancestors(unit.section))):
                continue
            noun = "test" if claim.kind == "total-tests" else "line"
            if any(c.noun == noun for c in count_matches(unit.text, self.phrases)):
                return unit.line
        return None

    def inherits_file(self, index: int) -> bool:
        parent = self.report.units[index].parent
        while parent is not None:
            if self.by_unit.get(parent):
                return True
            parent = self.report.units[parent].parent
        return False

    def subject(self, claim: Claim) -> Tuple[Mention, ...]:
        """The claim's unit's files; for a section-wide claim naming none, the file its section
        (or an enclosing one) is about, else every file the section names; for a total that
        names a part (``Unit Tests: 8 tests``, ``50 Golden Path tests``), the files of the one
        section of that name; for a report-wide claim, every file the report names."""
        if claim.files or claim.scope == "unit":
            return self.distinct(claim.files)
        if claim.qualifier and claim.kind in TOTALS:
            return self.part(claim.qualifier)
        if claim.scope == "section":
            section = self.report.units[claim.unit].section
            for s in self.report.ancestors(section):
                if s in self.owners:
                    return (self.owners[s],)
            units = set(self.report.units_in(self.report.subtree(section)))
            return self.distinct([m for m in self.mentions if m.unit in units and m.asserts_exists])
        return self.distinct([m for m in self.mentions if m.asserts_exists])

    def part(self, name: str) -> Tuple[Mention, ...]:
        """The files of the one section whose title names ``name`` (none when zero or several do)."""
        words = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, re.findall(r"\w+", name))) + r"(?!\w)", re.I)
        hits = [i for i, s in enumerate(self.report.sections) if i and words.search(s.title)]
        if len(hits) != 1:
            return ()
        units = set(self.report.units_in(self.report.subtree(hits[0])))
        return self.distinct([m for m in self.mentions if m.unit in units and m.asserts_exists])

    def distinct(self, mentions: Sequence[Mention]) -> Tuple[Mention, ...]:
        unique: Dict[str, Mention] = {}
        for m in mentions:
            unique.setdefault(self.resolutions[m].path or m.path, m)
        return tuple(unique.values())

    def elided(self, claim: Claim) -> bool:
        """Whether a listing in the claim's reach leaves files out (``… (30 total files)``)."""
        units: Sequence[int]
        if claim.scope == "report":
            units = range(len(self.report.units))
        elif claim.scope == "section":
            units = self.report.units_in(self.report.subtree(self.report.units[claim.unit].section))
        else:
            units = (claim.unit,)
        return any(self.report.units[i].tree is not None and self.report.units[i].tree.elided  # type: ignore[union-attr]
                   for i in units)
