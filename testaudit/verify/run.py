"""``testaudit verify``: read a report, resolve its files, measure them once, judge every claim.

The stages (SPEC §12): reading → file mentions + claims → resolution against the project's
files → one check of the named files (the check's engine and cache: a verify over a checked
project re-parses nothing) → verdicts. Nothing under audit is executed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

from testaudit.config import Config
from testaudit.verify.claims import extract_claims
from testaudit.verify.junit import read_junit
from testaudit.verify.measure import measure
from testaudit.verify.mentions import file_mentions
from testaudit.verify.phrases import Phrases
from testaudit.verify.reading import read_report
from testaudit.verify.resolve import FOUND, FileIndex
from testaudit.verify.verdicts import FALSE, HOLDS, UNVERIFIABLE, FileStatus, Judge, Verdict


@dataclass(frozen=True)
class VerifyResult:
    """Every file mention and every claim of one report, judged."""

    report: str
    root: str
    files: Tuple[FileStatus, ...]
    claims: Tuple[Verdict, ...]

    @property
    def file_claims(self) -> Tuple[Verdict, ...]:
        """Each file mention as the ``file-exists`` claim it makes (found or ambiguous: holds)."""
        return tuple(Verdict("file-exists", f.report_line, f.mention, (f.path,) if f.path else f.candidates,
                             None, f.status, FALSE if f.status == "missing" else HOLDS,
                             () if f.status != "ambiguous" else (f"candidates: {', '.join(f.candidates)}",),
                             f.section)
                     for f in self.files)

    @property
    def verdicts(self) -> Tuple[Verdict, ...]:
        """File mentions and claims in report order."""
        return tuple(sorted(self.file_claims + self.claims, key=lambda v: v.report_line))

    @property
    def summary(self) -> Dict[str, int]:
        every = self.verdicts
        return {"claims": len(every), "holds": sum(v.verdict == HOLDS for v in every),
                "false": sum(v.verdict == FALSE for v in every),
                "unverifiable": sum(v.verdict == UNVERIFIABLE for v in every)}


def verify_text(text: str, report_name: str, config: Config, *, junit: Optional[str] = None,
                phrases: Optional[Phrases] = None, cache: bool = True, jobs: Optional[int] = None) -> VerifyResult:
    """Judge every claim of the report ``text`` against the project ``config`` describes."""
    from testaudit.discover import discover
    from testaudit.verify.phrases import DEFAULT_PHRASES
    from testaudit.verify.settings import phrases_from

    phrases = phrases or (phrases_from(config.verify, config.source) if config.verify else DEFAULT_PHRASES)
    outcomes = read_junit(junit) if junit else None
    report = read_report(text)
    mentions = file_mentions(report, phrases)
    claims = extract_claims(report, phrases)
    index = FileIndex(f.rel for f in discover([config.root], config, whole=True).files)  # any file a report names
    resolutions = {m: index.resolve(m.path, m.hint) for m in mentions}
    named = sorted({p for r in resolutions.values() for p in r.paths})
    measures = measure(named, config, cache=cache, mocks=any(c.kind == "no-mocks" for c in claims), jobs=jobs)
    imports = _import_answers(config, cache, [c.claimed for c in claims if c.kind == "imports-resolve"])
    judge = Judge(report, mentions, resolutions, measures, lambda module, name: imports.get((module, name)),
                  outcomes, phrases, claims)
    verdicts = tuple(judge.judge(c) for c in claims)
    statuses = tuple(s for s, m in zip(judge.file_statuses(), mentions) if m.asserts_exists)
    return VerifyResult(report_name, config.root, statuses, verdicts)


def _import_answers(config: Config, cache: bool, asked: Sequence[object]) -> Dict[Tuple[str, Optional[str]], Optional[bool]]:
    """Whether each ``(module, name)`` an imports-resolve claim names resolves, by TA202's
    resolution, on one project view (facts from the cache); none is opened when no claim asks."""
    pairs = sorted({a for a in asked if isinstance(a, tuple) and a and a[0]}, key=repr)
    if not pairs:
        return {}
    from testaudit import engine
    from testaudit.registry import parse_options, rule_by_key
    from testaudit.rules.unresolved_import import import_resolves

    cls = rule_by_key("TA202")
    if cls is None:
        return {}
    table = config.rule_options.get("TA202", config.rule_options.get(cls.NAME, {}))
    options, _ = parse_options(cls, table, config.source, "rules.TA202")
    with engine.project_view(config, cache) as project:
        return {(module, name): import_resolves(project, options, module, name) for module, name in pairs}


__all__ = ["FOUND", "VerifyResult", "verify_text"]
