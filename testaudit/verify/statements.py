"""Claims that are statements rather than counts: no mocks, BVJ everywhere, a base class, a
marker, no commented-out tests, an import fixed, a compliance score, a pass rate.

Each kind is a list of phrases (`phrases.Phrases`); a match is a claim only when its sentence
plans nothing and its clause negates nothing outside the phrase (`context.asserts`). One claim
per kind and value per sentence: a sentence that repeats itself claims once.
"""
from __future__ import annotations

import re
from typing import Iterator, List, Optional, Set, Tuple

from testaudit.verify.context import asserts, clause_of, sentence_of
from testaudit.verify.drafting import REPORT, Claimed, Draft, UnitContext
from testaudit.verify.mentions import CANNOT_IMPORT, NO_MODULE, import_errors
from testaudit.verify.phrases import Phrases, any_of, each_of

MARKER_CALL = re.compile(r"@?pytest\.mark\.(\w+)")
_MARKER_NAME = r"[`@]*(?:pytest\.mark\.)?([a-z_][a-z0-9_]*)`?"
BARE_MARKERS = re.compile(rf"^\s*{_MARKER_NAME}((?:\s*(?:,|and)\s*{_MARKER_NAME})*)")
FROM_IMPORT = re.compile(r"\bfrom\s+(?P<module>[A-Za-z_][\w.]*)\s+import\s+(?P<name>[A-Za-z_]\w*)")
FROM_TO = re.compile(
    r"\bfrom\s+\d+(?:\.\d+)?\s*(?:%|/\s*\d+)\s+to\s+(?P<num>\d+(?:\.\d+)?)\s*(?:%|/\s*(?P<den>\d+))", re.I)
MISSING = re.compile(r"\bmissing\b", re.I)
TEST_FILE = re.compile(r"(?:^|/)test_[^/]*\.py$|_test\.py$")


def _draft(ctx: UnitContext, kind: str, start: int, end: int, claimed: Claimed = None) -> Draft:
    return Draft(kind=kind, start=start, end=end, claimed=claimed, scope=ctx.scope(start, end))


def _flag_kind(ctx: UnitContext, phrases: Phrases, kind: str, patterns: Tuple[str, ...], past: bool = True,
               needs_test_file: bool = False) -> List[Draft]:
    """A kind with no value: the first asserted match of each sentence (with
    `needs_test_file`, only where the claim's unit or sentence names a test file)."""
    text = ctx.unit.text
    drafts: List[Draft] = []
    seen: Set[int] = set()
    for match in any_of(patterns).finditer(text):
        sentence = sentence_of(text, match.start(), match.end())[0]
        if sentence in seen or not asserts(phrases, text, match.start(), match.end(), past=past):
            continue
        if needs_test_file and not any(TEST_FILE.search(p) for p in ctx.paths_for(match.start(), match.end())):
            continue
        seen.add(sentence)
        drafts.append(_draft(ctx, kind, match.start(), match.end()))
    return drafts


LEADING_NO = re.compile(r"^\W*(?:no|zero|0|without)\b", re.I)


def _negated_inside(phrases: Phrases, text: str, draft: Draft) -> bool:
    """A negation inside a phrase that is itself a negative ("commented out and never restored")."""
    return bool(any_of(phrases.negations).search(LEADING_NO.sub(" ", text[draft.start:draft.end])))


def no_mocks(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """`NO MOCKS`, `without mocks`, `real services only` — unless the same sentence says what
    is mocked ("no mocks of internal services; only the OAuth client is mocked")."""
    text = ctx.unit.text
    kept = []
    for draft in _flag_kind(ctx, phrases, "no-mocks", phrases.no_mocks):
        if _negated_inside(phrases, text, draft):
            continue
        s_start, s_end = sentence_of(text, draft.start, draft.end)
        rest = any_of(phrases.no_mocks).sub(lambda m: " " * len(m.group(0)), text[s_start:s_end])
        if not any_of(phrases.no_mocks_contradictions).search(rest):
            kept.append(draft)
    return kept


def no_commented_tests(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """`restored 9 commented-out tests`, `no disabled tests`; a bare `RESTORED` only next to a
    test file."""
    drafts = [d for d in _flag_kind(ctx, phrases, "no-commented-tests", phrases.no_commented_tests, past=False)
              if not _negated_inside(phrases, ctx.unit.text, d)]
    taken = {sentence_of(ctx.unit.text, d.start, d.end)[0] for d in drafts}
    for draft in _flag_kind(ctx, phrases, "no-commented-tests", phrases.no_commented_tests_with_file,
                            past=False, needs_test_file=True):
        if sentence_of(ctx.unit.text, draft.start, draft.end)[0] not in taken:
            drafts.append(draft)
    return drafts


def _valued(ctx: UnitContext, phrases: Phrases, kind: str, patterns: Tuple[str, ...], group: str) -> List[Draft]:
    """A kind whose value is a named group of its pattern (a class name)."""
    text = ctx.unit.text
    drafts: List[Draft] = []
    seen: Set[Tuple[int, str]] = set()
    for pattern in each_of(patterns):
        for match in pattern.finditer(text):
            value = match.group(group).strip("`.")
            key = (sentence_of(text, match.start(), match.end())[0], value)
            if key in seen or not asserts(phrases, text, match.start(), match.end()):
                continue
            seen.add(key)
            drafts.append(_draft(ctx, kind, match.start(), match.end(), value))
    return drafts


def _markers_after(text: str, start: int, end: int, bare: bool) -> Iterator[Tuple[str, int, int]]:
    """Marker names following an intro at `start`, up to the end of the sentence."""
    s_end = sentence_of(text, start, end)[1]
    rest = text[end:s_end]
    calls = list(MARKER_CALL.finditer(rest))
    for call in calls:
        yield call.group(1), end + call.start(), end + call.end()
    if calls or not bare:
        return
    listed = BARE_MARKERS.match(rest)
    if listed:
        names = [listed.group(1)] + re.findall(r"[a-z_][a-z0-9_]*", listed.group(2) or "")
        for name in names:
            if name != "and":
                yield name, end, end + listed.end()


def markers(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    text = ctx.unit.text
    drafts: List[Draft] = []
    seen: Set[Tuple[int, str]] = set()
    for pattern in each_of(phrases.marker_intros):
        bare = pattern.pattern.rstrip().endswith(r":\s*")
        for intro in pattern.finditer(text):
            for name, start, end in _markers_after(text, intro.start(), intro.end(), bare):
                key = (sentence_of(text, intro.start(), end)[0], name)
                if key in seen or not asserts(phrases, text, intro.start(), end):
                    continue
                seen.add(key)
                drafts.append(_draft(ctx, "markers", intro.start(), end, name))
    return drafts


def _percent(num: str, den: Optional[str]) -> Optional[float]:
    value = float(num)
    if den:
        if float(den) <= 0:
            return None
        value = 100.0 * value / float(den)
    return round(value, 1) if 0 <= value <= 100 else None


def score(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """`compliance score 82/100`, `96% compliance`, `SSOT Compliance: 96%` — never coverage."""
    text = ctx.unit.text
    drafts: List[Draft] = []
    seen: Set[int] = set()
    for pattern in each_of(phrases.score) + (FROM_TO,):
        for match in pattern.finditer(text):
            c_start, c_end = clause_of(text, match.start(), match.end())
            clause = text[c_start:c_end]
            improved = FROM_TO.search(clause)
            if improved and pattern is not FROM_TO:
                continue  # "from 60% to 96%": the FROM_TO pass takes the later value
            if pattern is FROM_TO and not any_of(phrases.score[:1] + (r"\bcomplian", r"\bscore\b")).search(clause):
                continue
            # with the line's label: "System Stability: 95/100 score" scores stability
            labelled = text[min(c_start, text.rfind("\n", 0, match.start()) + 1):c_end]
            excluded = any_of(phrases.score_excluded).search(FROM_TO.sub(" ", labelled))
            value = _percent(match.group("num"), match.groupdict().get("den"))
            if c_start in seen or excluded or value is None:
                continue
            if not asserts(phrases, text, match.start(), match.end()):
                continue
            seen.add(c_start)
            drafts.append(_draft(ctx, "score", match.start(), match.end(), value))
    return drafts


def _rate(match: "re.Match[str]") -> Optional[float]:
    groups = match.groupdict()
    if groups.get("num"):
        return _percent(groups["num"], None)
    if groups.get("total"):
        return _percent(groups["passed"], groups["total"])
    if groups.get("failed") is not None and groups.get("passed") is not None:
        passed, failed = int(groups["passed"]), int(groups["failed"])
        return _percent(str(passed), str(passed + failed)) if passed + failed else None
    return 100.0  # "all tests passing"


def pass_rate(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """`100% pass rate`, `125/125 passing`, `3 pass, 3 fail`, `all tests passing`."""
    text = ctx.unit.text
    drafts: List[Draft] = []
    seen: Set[int] = set()
    for pattern in each_of(phrases.pass_rate):
        for match in pattern.finditer(text):
            clause = clause_of(text, match.start(), match.end())[0]
            value = _rate(match)
            if clause in seen or value is None or not asserts(phrases, text, match.start(), match.end()):
                continue
            seen.add(clause)
            drafts.append(_draft(ctx, "pass-rate", match.start(), match.end(), value))
    return drafts


def _pairs_in(text: str) -> Tuple[Tuple[str, Optional[str]], ...]:
    found: List[Tuple[str, Optional[str]]] = []
    for match in CANNOT_IMPORT.finditer(text):
        found.append((match.group("module").rstrip("."), match.group("name")))
    for match in NO_MODULE.finditer(text):
        found.append((match.group("module").rstrip("."), None))
    for match in FROM_IMPORT.finditer(text):
        found.append((match.group("module"), match.group("name")))
    return tuple(dict.fromkeys(found))


def _logged_pairs(ctx: UnitContext) -> Tuple[Tuple[str, Optional[str]], ...]:
    """Import errors quoted in log blocks of the unit's section (and its subsections); failing
    that, of the parent's subsections when the parent is itself a subsection."""
    report = ctx.report
    scopes = [report.subtree(ctx.unit.section)]
    parent = report.sections[ctx.unit.section].parent
    if parent is not None and report.sections[parent].level >= 2:
        scopes.append(report.subtree(parent))
    for sections in scopes:
        found: List[Tuple[str, Optional[str]]] = []
        for index in report.units_in(sections):
            if report.units[index].kind == "code":
                found.extend(import_errors(report.units[index]))
        if found:
            return tuple(dict.fromkeys(found))
    return ()


def _statement_span(text: str, start: int, end: int) -> Tuple[int, int]:
    """The sentence around [start, end), widened to its whole line: "`cannot import name …` —
    FIXED" is one statement although the dash ends a sentence."""
    s_start, s_end = sentence_of(text, start, end)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return min(s_start, line_start), max(s_end, line_end if line_end >= 0 else len(text))


def _blank(pattern: "re.Pattern[str]", text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def imports_resolve(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """A "fixed"/"resolved" statement about an import: the import named in the statement, or
    the import errors quoted in the section's logs. The error text itself ("cannot import",
    "No module", "missing") is no negation of the fix; "still", "2 of 3", "not yet" are."""
    text = ctx.unit.text
    cleaned = _blank(MISSING, _blank(NO_MODULE, _blank(CANNOT_IMPORT, text)))
    drafts: List[Draft] = []
    seen: Set[int] = set()
    for fixed in any_of(phrases.fixed).finditer(text):
        start, end = _statement_span(text, fixed.start(), fixed.end())
        statement = text[start:end]
        if start in seen or not any_of(phrases.import_words).search(statement):
            continue
        if any_of(phrases.unresolved).search(cleaned[start:end]):
            continue
        if not asserts(phrases, cleaned, fixed.start(), fixed.end(), past=False):
            continue
        seen.add(start)
        for pair in _pairs_in(statement) or _logged_pairs(ctx):
            drafts.append(Draft(kind="imports-resolve", start=fixed.start(), end=fixed.end(), claimed=pair,
                                scope=REPORT))
    return drafts


def statement_drafts(ctx: UnitContext, phrases: Phrases) -> List[Draft]:
    """Every statement claim of a heading, paragraph, list item or table row."""
    drafts = no_mocks(ctx, phrases)
    drafts += _flag_kind(ctx, phrases, "bvj", phrases.bvj)
    drafts += _valued(ctx, phrases, "base-class", phrases.base_class, "cls")
    drafts += markers(ctx, phrases)
    drafts += no_commented_tests(ctx, phrases)
    drafts += imports_resolve(ctx, phrases)
    drafts += score(ctx, phrases)
    drafts += pass_rate(ctx, phrases)
    return drafts
