"""Verdicts: each claim of a report held against what the code says (SPEC §12).

A claim's *subject* is the files it is about — its unit's (or its section's) files, or every
file the report names for a report-wide claim. A verdict is ``holds``, ``false`` or
``unverifiable``, with the claimed and measured values and the evidence. Precision comes
first: a ``false`` on a claim that holds is the worst error this command can make, so every
check that cannot see the whole picture — a subject file that does not exist or does not parse,
a listing that leaves files out, an ancestor that cannot be resolved, candidates that disagree —
says ``unverifiable`` and why, instead of guessing.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from testaudit.model import Finding
from testaudit.score import compute
from testaudit.verify.claims import Claim
from testaudit.verify.document import Report
from testaudit.verify.junit import Outcomes
from testaudit.verify.measure import FileMeasure, Measures
from testaudit.verify.mentions import Mention
from testaudit.verify.phrases import DEFAULT_PHRASES, Phrases
from testaudit.verify.resolve import AMBIGUOUS, FOUND, MISSING, Resolution
from testaudit.verify.scope import TOTALS, Scope

HOLDS, FALSE, UNVERIFIABLE = "holds", "false", "unverifiable"
MAX_COMBINATIONS = 64  # candidate choices tried for a subject with ambiguous files
SHOWN = 8  # findings or names listed as evidence


@dataclass(frozen=True)
class FileStatus:
    """How one file mention resolved (the ``file-exists`` claim it makes)."""

    mention: str
    report_line: int
    path: Optional[str]
    status: str
    candidates: Tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class Verdict:
    kind: str
    report_line: int
    text: str
    subject: Tuple[str, ...]
    claimed: Any
    measured: Any
    verdict: str
    evidence: Tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class Answer:
    """A check's answer for one choice of subject files."""

    verdict: str
    measured: Any = None
    evidence: Tuple[str, ...] = ()


Check = Callable[[Claim, Sequence[str]], Answer]


class Judge:
    """Checks claims against the measures of the named files."""

    def __init__(self, report: Report, mentions: Sequence[Mention], resolutions: Mapping[Mention, Resolution],
                 measures: Measures, resolve_import: Callable[[str, Optional[str]], Optional[bool]],
                 junit: Optional[Outcomes] = None, phrases: Phrases = DEFAULT_PHRASES,
                 claims: Sequence[Claim] = ()) -> None:
        self.report, self.mentions, self.resolutions = report, tuple(mentions), resolutions
        self.measures, self.resolve_import, self.junit = measures, resolve_import, junit
        self.scope = Scope(report, self.mentions, resolutions, measures, phrases, claims)
        self.checks: Dict[str, Check] = {
            "line-count": self._line_count, "test-count": self._test_count, "total-tests": self._total_tests,
            "total-files": self._total_files, "total-lines": self._total_lines, "no-mocks": self._no_mocks,
            "bvj": self._bvj, "base-class": self._base_class, "markers": self._markers,
            "no-commented-tests": self._no_commented, "imports-resolve": self._imports, "score": self._score,
            "pass-rate": self._pass_rate,
        }

    # -- file mentions -----------------------------------------------------------------------
    def file_statuses(self) -> Tuple[FileStatus, ...]:
        return tuple(FileStatus(m.text, m.line, self.resolutions[m].path, self.resolutions[m].status,
                                self.resolutions[m].candidates, self.scope.section_of(m.unit)) for m in self.mentions)

    # -- claims ------------------------------------------------------------------------------
    def judge(self, claim: Claim) -> Verdict:
        subject = self.scope.subject(claim)
        section = self.scope.section_of(claim.unit)
        if claim.kind == "imports-resolve":
            outcome = self._imports(claim, ())
            return self._verdict(claim, (), outcome, section)
        if not subject and claim.kind not in ("pass-rate",):
            why = (f"it counts a part of the report ({claim.qualifier}) that the report does not list"
                   if claim.qualifier and claim.kind in TOTALS else "the claim names no file it is about")
            return self._verdict(claim, (), Answer(UNVERIFIABLE, None, (why,)), section)
        missing = [m.text for m in subject if self.resolutions[m].status == MISSING]
        choices = [self.resolutions[m].paths for m in subject if self.resolutions[m].status != MISSING]
        combos = 1
        for c in choices:
            combos *= max(1, len(c))
        if combos > MAX_COMBINATIONS:
            return self._verdict(claim, (), Answer(UNVERIFIABLE, None, (
                f"{sum(1 for c in choices if len(c) > 1)} named files are ambiguous ({combos} readings)",)), section)
        outcomes = []
        for picked in itertools.product(*choices):
            paths = tuple(dict.fromkeys(picked))
            outcomes.append((paths, self._check(claim, paths, missing)))
        paths, first = outcomes[0]
        if any(o.verdict != first.verdict for _, o in outcomes[1:]):
            names = sorted({p for ps, _ in outcomes for p in ps})
            first = Answer(UNVERIFIABLE, None, ("an ambiguous file name: the candidates disagree (" +
                                                 ", ".join(names[:SHOWN]) + ")",))
        elif len(outcomes) > 1:
            paths = tuple(sorted({p for ps, _ in outcomes for p in ps}))
        return self._verdict(claim, paths, first, section)

    def _check(self, claim: Claim, paths: Sequence[str], missing: Sequence[str]) -> Answer:
        """A claim about one file that does not exist cannot be measured (its ``file-exists``
        claim is false already); in a total, a file that does not exist holds nothing."""
        absent = tuple(f"{m}: no such file in the project" for m in missing)
        if missing and (claim.kind in PER_FILE or not paths):
            return Answer(UNVERIFIABLE, None, absent)
        owner = self.scope.subsection_of_a_file(claim)
        if owner is not None:
            return Answer(UNVERIFIABLE, None, (f"a count of a part of {owner}; no test class is named after "
                                                f"'{self.scope.section_of(claim.unit)}'",))
        unlisted = self.scope.unlisted(claim, paths)
        if unlisted:
            return Answer(UNVERIFIABLE, None, (unlisted,))
        if claim.kind == "total-files" and missing and isinstance(claim.claimed, int) and not self.scope.elided(claim):
            existing = self._total_files(claim, paths).measured
            if claim.claimed == existing + len(missing):  # the report's own count of what it lists
                return Answer(FALSE, existing, (f"{len(missing)} of the {claim.claimed} files it names do not exist",)
                               + absent)
        outcome = self.checks[claim.kind](claim, paths)
        if missing and claim.kind in TOTALS:  # what the total would have counted is not there
            return Answer(outcome.verdict, outcome.measured, outcome.evidence + absent)
        return outcome

    def _verdict(self, claim: Claim, paths: Sequence[str], outcome: Answer, section: str) -> Verdict:
        claimed: Any = claim.claimed
        if isinstance(claimed, tuple):
            claimed = ".".join(p for p in claimed if p)
        return Verdict(claim.kind, claim.line, claim.text, tuple(paths), claimed, outcome.measured, outcome.verdict,
                       outcome.evidence, section)

    def _files(self, paths: Sequence[str]) -> List[FileMeasure]:
        return [self.measures.files[p] for p in paths if p in self.measures.files]

    # -- counts ------------------------------------------------------------------------------
    def _line_count(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if len(paths) != 1:
            return Answer(UNVERIFIABLE, None, (f"a line count next to {len(paths)} files",))
        lines = self._files(paths)[0].lines
        return _near(claim, lines, f"{paths[0]}: {lines} lines")

    def _total_lines(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if self.scope.elided(claim):
            return Answer(UNVERIFIABLE, None, ("the listing leaves files out",))
        files = self._files(paths)
        if re.search(r"\btests?\b", claim.text, re.I) and any(f.is_test_module for f in files):
            files = [f for f in files if f.is_test_module]  # "lines of test code": the test modules'
            paths = [f.path for f in files]
        lines = sum(f.lines for f in files)
        return _near(claim, lines, f"{len(paths)} files: {lines} lines")

    def _tests(self, claim: Claim, paths: Sequence[str]) -> Tuple[Optional[int], Optional[int], List[str]]:
        """(collected tests, with parametrize cases expanded, evidence) over ``paths``; the first
        is None when a file cannot be counted (it does not parse)."""
        counted = 0
        expanded: Optional[int] = 0
        evidence = []
        for f in self._files(paths):
            if not f.is_test_module:
                continue  # holds no tests pytest would collect
            if not f.parsed:
                return None, None, [f"{f.path}: does not parse (pytest collects nothing from it)"]
            tests = f.tests
            if claim.qualifier:
                wanted = claim.qualifier.lower()
                tests = tuple(t for t in tests if (t.class_name or "").lower() == wanted)
                if not tests:
                    names = sorted({t.class_name for t in f.tests if t.class_name})
                    return None, None, [f"{f.path}: no test class named {claim.qualifier}"
                                        + (f" (classes: {', '.join(names[:SHOWN])})" if names else "")]
            counted += len(tests)
            cases = None if any(t.cases == 0 for t in tests) else sum(t.cases for t in tests)
            expanded = None if expanded is None or cases is None else expanded + cases
            evidence.append(f"{f.path}: {len(tests)} tests" + (f" ({cases} with parametrize cases)"
                                                                 if cases is not None and cases != len(tests) else ""))
        return counted, expanded, evidence

    def _test_count(self, claim: Claim, paths: Sequence[str]) -> Answer:
        sources = [p for p in paths if p in self.measures.files and self.measures.files[p].parsed
                   and not self.measures.files[p].is_test_module]
        if sources:  # `websocket.py | 17 tests`: tests about a module, not in it
            return Answer(UNVERIFIABLE, None, tuple(f"{p} is not a test module: the count may be of tests "
                                                     "about it" for p in sources))
        counted, expanded, evidence = self._tests(claim, paths)
        if counted is None:
            return Answer(UNVERIFIABLE, None, tuple(evidence))
        return _count(claim, counted, expanded, evidence)

    def _total_tests(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if self.scope.elided(claim):
            return Answer(UNVERIFIABLE, None, ("the listing leaves files out",))
        counted, expanded, evidence = self._tests(claim, paths)
        if counted is None:
            return Answer(UNVERIFIABLE, None, tuple(evidence))
        return _count(claim, counted, expanded, evidence[:SHOWN])

    def _total_files(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if re.search(r"\btest\b", claim.text, re.I):  # "across 4 test files": the test modules named
            paths = [f.path for f in self._files(paths) if f.is_test_module]
        named = len(paths)
        if self.scope.elided(claim) or not isinstance(claim.claimed, int) or claim.claimed > named:
            return Answer(UNVERIFIABLE, named, (f"the report names {named} of the files",))
        if claim.claimed == named or (claim.at_least and named >= claim.claimed):
            return Answer(HOLDS, named)
        return Answer(UNVERIFIABLE, named, (f"the report names {named} files; which {claim.claimed} it counts is "
                                             "not said",))

    # -- findings ----------------------------------------------------------------------------
    def _findings(self, paths: Sequence[str], codes: Sequence[str], extra: Sequence[Finding] = ()) -> List[Finding]:
        found = self.measures.findings(paths, codes)
        wanted = set(paths)
        seen = {(f.path, f.line, f.code) for f in found}
        found += [f for f in extra if f.path in wanted and (f.path, f.line, f.code) not in seen]
        return sorted(found, key=lambda f: (f.path, f.line, f.code))

    def _by_findings(self, paths: Sequence[str], codes: Sequence[str], extra: Sequence[Finding] = (),
                     text_refutes: Callable[[str], bool] = lambda text: False) -> Answer:
        found = self._findings(paths, codes, extra)
        if found:
            return Answer(FALSE, len(found), tuple(_finding_line(f) for f in found[:SHOWN])
                           + ((f"… and {len(found) - SHOWN} more",) if len(found) > SHOWN else ()))
        broken = [f for f in self._files(paths) if not f.parsed]
        refuted = [f.path for f in broken if text_refutes(f.text)]
        if refuted:
            return Answer(FALSE, None, tuple(f"{p}: does not parse, and its text shows the contrary" for p in refuted))
        if broken:
            return Answer(UNVERIFIABLE, None, tuple(f"{f.path}: does not parse" for f in broken))
        return Answer(HOLDS, 0)

    def _no_mocks(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if HEDGED.search(claim.text):  # "no mocks in critical paths": which paths, the code does not say
            return Answer(UNVERIFIABLE, None, ("the claim covers only a part of the tests it does not name",))
        named = {category for category, words in CATEGORY_WORDS.items() if words.search(claim.text)}
        if named:  # "Integration/E2E tests use real ClickHouse (no mocks)": those files only
            category = {m.path: m.category for m in self.measures.result.modules}
            paths = [p for p in paths if category.get(p) in named]
            if not paths:
                return Answer(UNVERIFIABLE, None, (f"the claim is about {' and '.join(sorted(named))} tests; "
                                                   "none of its files holds them",))
        return self._by_findings(paths, ("TA101", "TA102", "TA103"), self.measures.as_integration,
                                 lambda text: _imports_mock(text))

    def _bvj(self, claim: Claim, paths: Sequence[str]) -> Answer:
        codes = ("TA401", "TA402", "TA403") if _says_complete(claim.text) else ("TA401", "TA402")
        return self._by_findings(paths, codes, text_refutes=lambda text: "bvj" not in text.lower()
                                 and "business value" not in text.lower())

    def _no_commented(self, claim: Claim, paths: Sequence[str]) -> Answer:
        return self._by_findings(paths, ("TA601", "TA602"))

    # -- classes and markers -----------------------------------------------------------------
    def _base_class(self, claim: Claim, paths: Sequence[str]) -> Answer:
        wanted = str(claim.claimed or "").rsplit(".", 1)[-1]
        missing: List[str] = []
        unknown: List[str] = []
        loose: List[str] = []
        classes = 0
        for f in self._files(paths):
            if not f.parsed:
                return Answer(UNVERIFIABLE, None, (f"{f.path}: does not parse",))
            loose += [t.node_id for t in f.tests if t.class_name is None]
            for name, ancestors, complete in f.classes:
                classes += 1
                if any(a.rsplit(".", 1)[-1] == wanted for a in ancestors):
                    continue
                (missing if complete else unknown).append(f"{f.path}::{name}")
        if missing or loose:
            evidence = [f"{c} does not inherit from {wanted}" for c in missing[:SHOWN]]
            evidence += [f"{t} is a test function outside any class" for t in loose[:SHOWN]]
            return Answer(FALSE, f"{classes - len(missing) - len(unknown)} of {classes} test classes", tuple(evidence))
        if unknown:
            return Answer(UNVERIFIABLE, None, tuple(f"{c}: an ancestor cannot be resolved" for c in unknown[:SHOWN]))
        if not classes:
            return Answer(UNVERIFIABLE, 0, ("no test classes",))
        return Answer(HOLDS, f"{classes} of {classes} test classes")

    def _markers(self, claim: Claim, paths: Sequence[str]) -> Answer:
        wanted = str(claim.claimed or "").rsplit(".", 1)[-1]
        total, unmarked = 0, []
        for f in self._files(paths):
            if not f.parsed:
                return Answer(UNVERIFIABLE, None, (f"{f.path}: does not parse",))
            for node_id, markers in f.markers:
                total += 1
                if wanted not in markers:
                    unmarked.append(node_id)
        if not total:
            return Answer(UNVERIFIABLE, 0, ("no collected tests",))
        if unmarked:
            return Answer(FALSE, f"{total - len(unmarked)} of {total} tests",
                           tuple(f"{n} has no @pytest.mark.{wanted}" for n in unmarked[:SHOWN]))
        return Answer(HOLDS, f"{total} of {total} tests")

    # -- imports, score, pass rate ------------------------------------------------------------
    def _imports(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if not isinstance(claim.claimed, tuple) or not claim.claimed[0]:
            return Answer(UNVERIFIABLE, None, ("no module named",))
        module, name = claim.claimed
        answer = self.resolve_import(module, name)
        what = f"`from {module} import {name}`" if name else f"`import {module}`"
        if answer is None:
            return Answer(UNVERIFIABLE, None, (f"{module} is not a module of this project",))
        if answer:
            return Answer(HOLDS, "resolves", (f"{what} resolves in the project",))
        return Answer(FALSE, "does not resolve", (f"{what} does not resolve in the project",))

    def _score(self, claim: Claim, paths: Sequence[str]) -> Answer:
        score = compute(self.measures.modules(), paths=set(paths))
        if not score.modules:
            return Answer(UNVERIFIABLE, None, ("no test modules among the files",))
        claimed = float(claim.claimed) if isinstance(claim.claimed, (int, float)) else 100.0
        note = (f"testaudit's score under the effective configuration: {score.sentence}",)
        return Answer(HOLDS if score.value >= claimed - 0.5 else FALSE, float(score.text), note)

    def _pass_rate(self, claim: Claim, paths: Sequence[str]) -> Answer:
        if self.junit is None:
            return Answer(UNVERIFIABLE, None, ("no test results: run pytest with --junitxml=FILE and pass "
                                                "--junit FILE to check pass rates",))
        outcome = self.junit.over(paths) if paths else self.junit.total()
        if not outcome.ran:
            return Answer(UNVERIFIABLE, None, ("the JUnit file has no results for these files",))
        rate = 100.0 * outcome.passed / outcome.ran
        claimed = float(claim.claimed) if isinstance(claim.claimed, (int, float)) else 100.0
        evidence = (f"{outcome.passed} passed, {outcome.failed} failed, {outcome.errors} errors, "
                    f"{outcome.skipped} skipped",)
        return Answer(HOLDS if abs(rate - claimed) < 0.5 or rate >= claimed else FALSE, round(rate, 1), evidence)


PER_FILE = frozenset({"line-count", "test-count", "base-class", "markers"})
# the categories a "no mocks" claim names as its subject
CATEGORY_WORDS = {"unit": re.compile(r"\bunit\b", re.I), "integration": re.compile(r"\bintegration\b", re.I),
                  "e2e": re.compile(r"\be2e\b|\bend[- ]to[- ]end\b", re.I)}
HEDGED = re.compile(r"\bmock(?:s|ing)?\b[^.;]{0,20}?\b(?:in|for|within|on|across|of)\s+(?:the\s+|all\s+)?"
                    r"(?:critical|core|key|main|happy|golden|business|production|primary|most)\b", re.I)


def _near(claim: Claim, measured: int, evidence: str) -> Answer:
    """Line counts hold within ±10 %, or at least N for ``N+``."""
    claimed = claim.claimed if isinstance(claim.claimed, int) else 0
    if claim.at_least:
        ok = measured >= claimed
    else:
        ok = abs(measured - claimed) <= 0.1 * claimed
    return Answer(HOLDS if ok else FALSE, measured, (evidence,))


def _count(claim: Claim, counted: int, expanded: Optional[int], evidence: Sequence[str]) -> Answer:
    """Test counts hold when equal to the collected tests or to them with parametrize cases
    expanded (at most either, for ``N+``)."""
    claimed = claim.claimed if isinstance(claim.claimed, int) else -1
    values = [counted] + ([expanded] if expanded is not None and expanded != counted else [])
    ok = any(claimed <= v for v in values) if claim.at_least else claimed in values
    if not ok and expanded is None and claimed > counted:
        return Answer(UNVERIFIABLE, counted, tuple(evidence) + ("parametrize cases are computed: their number is "
                                                                 "not known without running the code",))
    measured: Any = counted if expanded in (None, counted) else f"{counted} ({expanded} with parametrize cases)"
    return Answer(HOLDS if ok else FALSE, measured, tuple(evidence))


def _finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}: {f.code} {f.message}"


MOCK_IMPORT = re.compile(r"^\s*(from\s+(unittest\.mock|mock|pytest_mock|asynctest)\b|import\s+(unittest\.mock|mock)\b)",
                         re.M)


def _imports_mock(text: str) -> bool:
    """A text-level view of a file that does not parse: it imports a mocking library."""
    return MOCK_IMPORT.search(text) is not None


def _says_complete(text: str) -> bool:
    """"Complete BVJ", "all four BVJ fields": claims TA403 (an incomplete BVJ) can refute."""
    lowered = text.lower()
    return any(word in lowered for word in ("complete", "all four", "all 4", "every field", "full bvj"))


__all__ = ["AMBIGUOUS", "FOUND", "MISSING", "HOLDS", "FALSE", "UNVERIFIABLE", "FileStatus", "Verdict", "Judge"]
