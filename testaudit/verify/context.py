"""Where a match stands: its sentence and clause, and what its section is about.

A phrase alone does not make a claim. The same words are a claim in "All tests inherit from
BaseIntegrationTest", a rule in "All tests must inherit from …", a plan in a "Next Steps"
section and history in a "Root Cause" section. These helpers give the extractors the span to
test and the role of each section, using the lists of `phrases.Phrases`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from testaudit.verify.document import Report, Unit
from testaudit.verify.phrases import Phrases, any_of

# a line that starts with a capital, emphasis, a code span, a link or a symbol starts a sentence too: generated
# reports put one statement per line without a full stop (`**SSOT Compliance: 96%**` ⏎ `Objective: … until …`)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z0-9_])|\n\s*\n|(?<=[.!?])$|\s[—–]\s|\n(?=\s*[-*•|]\s)"
                          r"|\n(?=[ \t]*[A-Z*_`\[>#|\u2600-\u27bf\U0001F300-\U0001FAFF])")
CLAUSE_END = re.compile(r"[,;:()|]|\s[—–-]\s|\s(?:but|while|whereas|although)\s|\n")
PART_END = re.compile(r";")
SUMMARY, PLAN, HISTORY, BODY = "summary", "plan", "history", "body"


def span_around(text: str, start: int, end: int, pattern: "re.Pattern[str]") -> Tuple[int, int]:
    """The stretch of `text` around [start, end) bounded by `pattern` matches (or the ends)."""
    left = 0
    for match in pattern.finditer(text, 0, start):
        if match.end() <= start:
            left = match.end()
    right_match = pattern.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, max(right, end)


def sentence_of(text: str, start: int, end: int) -> Tuple[int, int]:
    return span_around(text, start, end, SENTENCE_END)


def clause_of(text: str, start: int, end: int) -> Tuple[int, int]:
    """The clause (within its sentence) holding [start, end)."""
    s_start, s_end = sentence_of(text, start, end)
    c_start, c_end = span_around(text[s_start:s_end], start - s_start, end - s_start, CLAUSE_END)
    return s_start + c_start, s_start + c_end


def part_of(text: str, start: int, end: int) -> Tuple[int, int]:
    """The part of its sentence between semicolons holding [start, end)."""
    s_start, s_end = sentence_of(text, start, end)
    p_start, p_end = span_around(text[s_start:s_end], start - s_start, end - s_start, PART_END)
    return s_start + p_start, s_start + p_end


def without(text: str, start: int, end: int, cut_start: int, cut_end: int) -> str:
    """`text[start:end]` with [cut_start, cut_end) blanked out (the phrase itself)."""
    return text[start:cut_start] + " " * (cut_end - cut_start) + text[cut_end:end]


SENTENCE_LEAD = re.compile(r"^[\W\d_]*?(?:\d+[.)]\s*)?(?=[A-Za-z])")


def is_instruction(phrases: Phrases, sentence: str) -> bool:
    """A sentence that opens (after bullets, numbering and emoji) with a bare verb."""
    lead = SENTENCE_LEAD.match(sentence)
    rest = sentence[lead.end():] if lead else sentence
    return bool(re.match(rf"(?:{'|'.join(phrases.imperatives)})\b(?![-'])", rest, re.I))


QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')


def is_quoted(text: str, start: int, end: int) -> bool:
    """Whether [start, end) sits inside double quotes: a quotation is not the report's claim."""
    return any(q.start() < start and end <= q.end() for q in QUOTED.finditer(text))


def asserts(phrases: Phrases, text: str, start: int, end: int, past: bool = True) -> bool:
    """Whether the match at [start, end) is asserted: it is not quoted; its sentence is no
    question, no instruction and states no plan or condition; its clause holds no negation
    and, with `past`, describes no earlier state, nor does the part of the sentence between
    semicolons name an earlier time (both off for kinds whose claims report a change: "was
    fixed")."""
    s_start, s_end = sentence_of(text, start, end)
    sentence = text[s_start:s_end]
    if sentence.rstrip().endswith("?") or is_quoted(text, start, end):
        return False  # a question or a quotation asserts nothing
    if any_of(phrases.future).search(sentence) or is_instruction(phrases, sentence):
        return False
    p_start, p_end = part_of(text, start, end)
    if past and any_of(phrases.earlier).search(text[p_start:p_end]):
        return False
    c_start, c_end = clause_of(text, start, end)
    # "no mocks", "no disabled tests" are claims, not negations of a neighbouring claim; a
    # negation inside such a phrase ("… never restored") is looked for by its extractor
    clause = any_of(phrases.no_mocks + phrases.no_commented_tests).sub(
        lambda m: " " * len(m.group(0)), text[c_start:c_end])
    if past and any_of(phrases.past).search(clause):
        return False
    return not any_of(phrases.negations).search(clause)


def claim_text(text: str, start: int, end: int, limit: int = 120) -> str:
    """The sentence holding [start, end), whitespace collapsed, cut at a word to ≤ `limit`."""
    s_start, s_end = sentence_of(text, start, end)
    sentence = " ".join(text[s_start:s_end].split()).strip(" -*•|")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:-—") + "…"


@dataclass(frozen=True)
class SectionRoles:
    """The role of every section: summary (report-wide), plan, history (a past state or open
    problems: no claims, but the files it names exist) or body.

    A role is inherited by subsections unless they name their own. The preamble and a report's
    first top-level heading (its title) are summaries.
    """

    roles: Tuple[str, ...]

    def of(self, section: int) -> str:
        return self.roles[section]


OPEN_TASK = re.compile(r"^\s*\[ \]\s")  # `- [ ] 23/23 files migrated`: a task list item not done


def is_open_task(text: str) -> bool:
    return bool(OPEN_TASK.match(text))


def _own_role(phrases: Phrases, title: str) -> Optional[str]:
    if any_of(phrases.plan_titles).search(title):
        return PLAN
    if any_of(phrases.history_titles).search(title):
        return HISTORY
    if any(not _NAMES_TESTS.match(title, m.end()) for m in any_of(phrases.summary_titles).finditer(title)):
        return SUMMARY  # not "Health & Metrics Tests (3 tests)": a group of tests, named by what they check
    return None


_NAMES_TESTS = re.compile(r"\s*(?:(?:&|and|,|/)\s*)?(?:[\w-]+\s+){0,2}?tests?\b", re.I)


def section_roles(report: Report, phrases: Phrases) -> SectionRoles:
    """Each section's own role, else its parent's — except that a report title read as a
    summary ("Integration Test Summary") is one only for the text right under it. A report
    titled as a plan, strategy or prompts is a plan, and under a plan a history section is one
    too: "Before/After Tests" in a test plan describes tests to write, not files that exist."""
    roles: List[str] = []
    first_top = next((i for i, s in enumerate(report.sections) if s.level == 1), None)
    for index, section in enumerate(report.sections):
        own = _own_role(phrases, section.title)
        if index == first_top and any_of(phrases.plan_documents).search(section.title):
            own = PLAN
        if own == HISTORY and section.parent is not None and roles[section.parent] == PLAN:
            own = PLAN
        if own is None:
            if index == 0 or index == first_top:
                own = SUMMARY
            elif section.parent is not None and (section.parent != first_top or roles[section.parent] != SUMMARY):
                own = roles[section.parent]
            else:
                own = BODY
        roles.append(own)
    return SectionRoles(roles=tuple(roles))


def unit_is_file_line(unit: Unit, phrases: Phrases) -> bool:
    """`**File**: path/test_x.py` and the like: a line that says which file a section is about."""
    return unit.kind in ("paragraph", "list_item") and bool(any_of(phrases.file_lines).search(unit.text))
