"""Counts in prose: `(16 tests)`, `21 comprehensive tests`, `9/9 tests`, `1,200 lines`,
`39 files`, `**Tests**: 16` — and which of SPEC §12's kinds each one is.

Finding a number next to a noun is the easy half. The other half decides what it counts:
a per-file count (`test-count`, `line-count`) when the unit names exactly one file or the count
sits right after a file name; a total (`total-tests`, `total-lines`, `total-files`) in a TOTAL
row, with total wording ("across", "created", "Total:"), or in a summary naming no file; a
section's own count when the section is about one file (its heading's count and the first
count of its body); a sub-count, qualified by the class or label it is about, for any further
count there. A count that fits none of these, or that a verb of change ("added 20 tests"), a
limit ("max 400 lines"), an approximation of tests or files ("~50 tests") or a plan makes
unreliable, is no claim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Pattern, Tuple

from testaudit.verify.context import SUMMARY, asserts, clause_of
from testaudit.verify.drafting import LABEL, REPORT, SECTION, UNIT, Draft, UnitContext, label_of, qualifying_words
from testaudit.verify.mentions import Mention
from testaudit.verify.phrases import Phrases, any_of, ending_with, starting_with

NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?![.,]?\d|%)(?P<plus>\+)?"
KINDS: Dict[str, Tuple[Optional[str], str]] = {
    "test": ("test-count", "total-tests"),
    "line": ("line-count", "total-lines"),
    "file": (None, "total-files"),
}
ATTACH_BEFORE = re.compile(r"^[\s*`'\"]*(?:\(|:|—|–|-|,|=)?[\s*`'\"(\[]*$")
ATTACH_AFTER = re.compile(r"^[\s*`'\")\]]*(?:in|for|from|inside|within)\s+[`'\"*]*$")
LIST_BEFORE = re.compile(r"\.py[`*'\"]*\s*(?:,|&|\band\b|/)\s*[`*'\"]*$")
LIST_AFTER = re.compile(r"[`*'\"]*\s*(?:,|&|\band\b)\s*[`*'\"]*[\w./\\-]+\.py\b")
PASSISH = re.compile(r"^\s*(?:pass(?:ed|ing|es)?|green)\b", re.I)
NUMBER_LIST = re.compile(r"\s*(?:,|;|&|\band\b|\bor\b)\s*\d")  # `Lines: 153, 158, 164`: line numbers, no count
OTHER_NOUN = re.compile(  # `Unit Tests: 3 … test files`: the label says tests, the number counts files
    r"\s*(?:[A-Za-z][\w-]*\s+){0,4}?(?:test\s+)?(?:files?|suites?|modules?|classes|directories|folders|"
    r"scripts?|components?|services?|categories|areas?|endpoints?|issues?|PRs?|commits?)\b", re.I)
ALL_BEFORE = re.compile(r"\ball(?:\s+of\s+the)?\s*$", re.I)
# `UnifiedConfigurationManager MEGA CLASS (1,890 lines)`: the size of the code under test, not of a test file
CODE_BEFORE = re.compile(r"(?:(?-i:\b[A-Z][a-z0-9]+[A-Z]\w*)|\b(?:class|module|service|manager|component|"
                         r"function|method|implementation|source)(?:es|s)?)[`*_\s]*\(\s*$", re.I)
# the noun opens the next line as its label (`… 5 minutes 29 seconds` / `Tests: 25 total`)
LABEL_NEXT = re.compile(r"[ \t]*[:=]")

# (section, noun) -> how many counts of that noun the section's body has had
CountState = Dict[Tuple[int, str], int]


@dataclass(frozen=True)
class CountMatch:
    """A number counting tests, lines or files, at [start, end) of the text it was found in."""

    noun: str
    value: int
    start: int
    end: int
    at_least: bool = False
    approx: bool = False
    pair: bool = False
    labelled: bool = False
    adjectives: str = ""


def _nouns(phrases: Phrases) -> Tuple[Tuple[str, Tuple[str, ...], Tuple[str, ...]], ...]:
    return (("test", phrases.test_nouns, phrases.test_labels),
            ("line", phrases.line_nouns, phrases.line_labels),
            ("file", phrases.file_nouns, phrases.file_labels))


@lru_cache(maxsize=None)
def _prose_pattern(nouns: Tuple[str, ...]) -> Pattern[str]:
    body = "|".join(f"(?:{n})" for n in nouns)
    return re.compile(rf"(?<![\w#.,/$\-])(?:(?P<pair>\d+)\s*/\s*)?{NUMBER}\s*"
                      rf"(?P<adjs>(?:[A-Za-z][\w-]*\s+){{0,3}}?)(?:{body})", re.I)


@lru_cache(maxsize=None)
def _label_pattern(labels: Tuple[str, ...]) -> Pattern[str]:
    body = "|".join(f"(?:{n})" for n in labels)
    return re.compile(rf"(?<![\w-])(?:{body})\s*{NUMBER}", re.I)


def _words_before(text: str, start: int, count: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    return " ".join(text[line_start:start].split()[-count:])


def _rejected(phrases: Phrases, text: str, match: "re.Match[str]", pair: bool, labelled: bool) -> bool:
    """A limit, a verb of change or a state word around the number makes it no count."""
    before = text[:match.start()]
    if ending_with(phrases.count_limits).search(before):
        return True
    clause_start = clause_of(text, match.start(), match.end())[0]
    recent = _words_before(text[clause_start:], match.start() - clause_start, 3)
    if any_of(phrases.count_verbs, True).search(recent):
        return True
    adjectives = match.groupdict().get("adjs") or ""
    if any(any_of(phrases.count_stop_words, True).fullmatch(w) for w in adjectives.split()):
        return True
    if NUMBER_LIST.match(text, match.end("num")):
        return True
    if labelled and OTHER_NOUN.match(text, match.end()):
        return True  # a labelled number that counts something else than its label
    if not labelled and "\n" in text[match.end("num"):match.end()] and LABEL_NEXT.match(text, match.end()):
        return True  # the number ends one line, the noun labels the next
    after = text[match.end():match.end() + 30]
    if starting_with(phrases.count_after).match(after):
        passing_all = PASSISH.match(after.lstrip(" *)")) and ALL_BEFORE.search(before)
        return not (pair or passing_all)
    return False


def _about_coverage(phrases: Phrases, text: str, match: "re.Match[str]") -> bool:
    """`763/2,661 lines covered`, `0% coverage (185 lines)`: statements of coverage, no line count."""
    start, end = clause_of(text, match.start(), match.end())
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return bool(any_of(phrases.line_exclusions).search(text[start:end]) or any_of(phrases.line_exclusions).search(line))


def count_matches(text: str, phrases: Phrases) -> List[CountMatch]:
    """Every count of tests, lines or files in `text` that is stated as a count."""
    found: Dict[Tuple[str, int], CountMatch] = {}
    for noun, nouns, labels in _nouns(phrases):
        for pattern, labelled in ((_prose_pattern(nouns), False), (_label_pattern(labels), True)):
            for match in pattern.finditer(text):
                pair = bool(match.groupdict().get("pair"))
                if _rejected(phrases, text, match, pair, labelled):
                    continue
                if noun == "line" and (_about_coverage(phrases, text, match)
                                       or CODE_BEFORE.search(text, 0, match.start())):
                    continue
                before = text[:match.start()]
                approx = bool(ending_with(phrases.count_approx, bounded=False).search(before))
                if approx and noun != "line":
                    continue
                at_least = bool(match.group("plus")) or bool(
                    ending_with(phrases.count_at_least, bounded=False).search(before))
                key = (noun, match.start("num"))
                found.setdefault(key, CountMatch(
                    noun=noun, value=int(match.group("num").replace(",", "")), start=match.start(),
                    end=match.end(), at_least=at_least, approx=approx, pair=pair, labelled=labelled,
                    adjectives=match.groupdict().get("adjs") or ""))
    return sorted(found.values(), key=lambda c: (c.start, c.noun))


def _in_a_list(text: str, start: int, end: int) -> bool:
    """Whether the name at [start, end) is one of several (`a.py, b.py: 30 tests`)."""
    return bool(LIST_BEFORE.search(text, 0, start) or LIST_AFTER.match(text, end))


def attached_mention(ctx: UnitContext, text: str, count: CountMatch) -> Optional[Mention]:
    """The file a count belongs to by position: `test_x.py (16 tests)`, `16 tests in test_x.py`
    — not a file listed with others, whose count may be their sum."""
    line_start = text.rfind("\n", 0, count.start) + 1
    best: Optional[Mention] = None
    for mention in ctx.mentions_for(count.start, count.end):
        at = text.find(mention.text, line_start)
        while at >= 0:
            after_name = at + len(mention.text)
            if _in_a_list(text, at, after_name):
                pass
            elif after_name <= count.start and ATTACH_BEFORE.match(text[after_name:count.start]):
                best = mention
            elif at >= count.end and ATTACH_AFTER.match(text[count.end:at]):
                return mention
            at = text.find(mention.text, at + 1)
    return best


def is_total(phrases: Phrases, text: str, count: CountMatch) -> bool:
    """Total wording in the count's sentence, or a count given under its own label."""
    if count.labelled:
        return True
    start, end = clause_of(text, count.start, count.end)
    return bool(any_of(phrases.total_words).search(text[start:end]))


def _wide(phrases: Phrases, text: str, count: CountMatch) -> bool:
    start, end = clause_of(text, count.start, count.end)
    return bool(any_of(phrases.wide_totals).search(text[start:end]))


def part_label(phrases: Phrases, text: str, start: int) -> Optional[str]:
    """The `Label:` a count follows on its line, when it names a part (`Unit Tests: 8 tests`,
    `Test Collection: 579 tests collected`), not the whole (`Total: 34 tests`)."""
    line_start = text.rfind("\n", 0, start) + 1
    match = LABEL.match(text[line_start:start])
    if not match:
        return None
    label = match.group("label").strip(" *`_")
    if not label or re.fullmatch(r"[\d\s,+~.]*", label) or any_of(phrases.total_words).search(label):
        return None
    return label[:60]


def decide(ctx: UnitContext, phrases: Phrases, state: CountState, text: str, count: CountMatch,
           total_row: bool = False, in_row: bool = False) -> Optional[Draft]:
    """The claim a count makes, by the structure around it (module docstring)."""
    per_file, total = KINDS[count.noun]
    one = per_file or total
    heading = ctx.unit.kind == "heading"
    key = (ctx.unit.section, count.noun)
    order = state.get(key, 0)
    if not heading:
        state[key] = order + 1

    def draft(kind: str, scope: str, files: Optional[Tuple[Mention, ...]] = None,
              qualifier: Optional[str] = None) -> Draft:
        return Draft(kind=kind, start=count.start, end=count.end, claimed=count.value,
                     at_least=count.at_least, scope=scope, files=files, qualifier=qualifier)

    attached = None if total_row else attached_mention(ctx, text, count)
    if attached is not None:
        return draft(one, UNIT, files=(attached,))
    totalled = total_row or is_total(phrases, text, count)
    paths = ctx.paths_for(count.start, count.end) if not in_row else tuple(m.path for m in ctx.mentions)
    paths = tuple(dict.fromkeys(paths))
    if paths:
        if len(paths) == 1 and not total_row:
            return draft(one, UNIT)
        return draft(total, UNIT) if totalled else None
    label = None if heading or totalled else label_of(ctx, text, count.start, phrases, count.adjectives)
    if ctx.inherited and len({m.path for m in ctx.inherited}) == 1:
        return draft(one, UNIT, files=ctx.inherited[:1], qualifier=label)
    if ctx.owner is not None and totalled and not heading and _wide(phrases, text, count):
        return draft(total, REPORT)  # a total of the campaign stated in one file's section
    if ctx.owner is not None:
        if label is None and (heading or totalled or (order == 0 and not in_row)):
            return draft(one, SECTION)
        return draft(one, SECTION, qualifier=label) if label else None
    if heading or totalled or ctx.role == SUMMARY or (order == 0 and ctx.unit.kind == "paragraph"):
        if in_row and not total_row:
            return draft(total, SECTION, qualifier=label) if label else None
        # `Unit Tests: 8 tests` in a summary counts a part of the report, named by its label
        part = part_label(phrases, text, count.start) if ctx.role == SUMMARY and not heading and not totalled \
            else None
        return draft(total, REPORT if ctx.role == SUMMARY else SECTION,
                     qualifier=part or qualifying_words(phrases, count.adjectives))
    return draft(total, SECTION, qualifier=label) if label else None


def prose_drafts(ctx: UnitContext, phrases: Phrases, state: CountState) -> List[Draft]:
    """Count claims in a heading, paragraph or list item."""
    text = ctx.unit.text
    drafts = []
    for count in count_matches(text, phrases):
        if not asserts(phrases, text, count.start, count.end):
            continue
        draft = decide(ctx, phrases, state, text, count)
        if draft is not None:
            drafts.append(draft)
    return drafts
