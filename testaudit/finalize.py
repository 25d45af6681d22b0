"""Finalize each checked file: suppressions (inline, file-wide, per-file-ignores) applied, unused
ones reported (TA002), every finding given its category, node id, scope and baseline hash, and
the module's summary — the rules that apply to it and those it fails — from which the score is
computed (:mod:`testaudit.score`)."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, AbstractSet, Callable, Dict, List, Mapping, Sequence, Set

from testaudit.baseline import finding_hash
from testaudit.discover import imported_names
from testaudit.config import Config
from testaudit.model import (
    FINDING_ORDER, FileResult, Finding, ModuleSummary, Outcome, Severity, Warning_, evolve,
)
from testaudit.project_phase import Placed
from testaudit.nested_config import narrowed
from testaudit.suppress import apply_suppressions, glob_match, unused_location

if TYPE_CHECKING:
    from testaudit.project import Project
    from testaudit.registry import RuleSet


def finalize(project: "Project", ruleset: "RuleSet", config: Config, results: Sequence[FileResult],
             per_file: Mapping[str, List[Finding]], placed: Placed,
             lines_of: Callable[[str], List[str]]) -> Dict[str, Outcome]:
    """Each checked file's outcome (``lines_of`` reads a file's lines, for TA002 and hashes)."""
    by_code = ruleset.by_code()
    selected = set(ruleset.codes())
    expand = _expander()
    modules = _module_summaries(project, ruleset)
    outcomes: Dict[str, Outcome] = {}
    for res in results:
        path = res.path
        findings = per_file[path]
        here: Set[str] = selected
        ignored: AbstractSet[str] = frozenset()
        if config.nested:  # rules a nested configuration switches off for this file do not report on it
            here, ignored = narrowed(config.nested, path, selected, expand, glob_match)
            findings = [f for f in findings if f.code in here]
        split = apply_suppressions(findings, res.suppressions, path, config.per_file_ignores, expand, here, ignored)
        kept = list(split.kept)
        # a file that does not parse has few findings to suppress: its file-wide comments cannot be judged
        unused = [s for s in split.unused if res.facts.parsed or not s.file_level] if "TA002" in by_code else []
        lines = lines_of(path) if unused or not all(f.source_hash for f in kept) else []
        for sup in unused:
            codes = ", ".join(sup.codes)
            kind = "ignore-file" if sup.file_level else "ignore"
            what = f"`# testaudit: {kind}[{codes}]`" if codes else f"`# testaudit: {kind}`"
            unused_sup = Finding(path, "TA002", by_code["TA002"].cls.NAME, by_code["TA002"].severity,
                                 f"unused suppression {what}: nothing is reported here", unused_location(sup, lines))
            placed[id(unused_sup)] = project.category_at(res.facts, sup.line)
            kept.append(unused_sup)
        kept.sort(key=FINDING_ORDER)
        kept = [evolve(f, category=placed[id(f)][0], node_id=placed[id(f)][1],
                       scope=project.scope_at(res.facts, f.location.line), source_hash=finding_hash(f, lines))
                for f in kept]
        module = modules.get(path)
        if module is not None:
            if here is not selected:
                module = replace(module, applicable=tuple(c for c in module.applicable if c in here),
                                 failing=tuple(c for c in module.failing if c in here))
            module = _failing(module, kept)
        outcomes[path] = Outcome(path, tuple(kept), module, len(split.suppressed),
                                 (Warning_(path, res.error),) if res.error else (),
                                 imported_names(res.facts, lines_of(path) if res.facts.is_conftest else ()))
    return outcomes


def _module_summaries(project: "Project", ruleset: "RuleSet") -> Dict[str, ModuleSummary]:
    """Per checked test module: category and the rules that apply (``failing`` filled later)."""
    out: Dict[str, ModuleSummary] = {}
    for facts in project.test_modules():
        if facts.parsed:
            cats = frozenset(project.test_categories(facts))
            has_classes = any(c.is_test_class for c in facts.classes)
        else:
            cats = frozenset({project.module_category(facts)})
            has_classes = False
        applicable = tuple(r.code for r in ruleset.rules if r.cls.applies(r.options, cats, has_classes))
        # a module that does not parse fails every rule that applies to it (SPEC §4 TA001)
        failing = () if facts.parsed else applicable
        out[facts.path] = ModuleSummary(facts.path, project.module_category(facts), applicable, failing,
                                        parsed=facts.parsed)
    return out


def _failing(module: ModuleSummary, findings: Sequence[Finding]) -> ModuleSummary:
    """``module`` with the rules its kept (unsuppressed, selected) findings fail and the rules
    with an error among them: whether it complies (SPEC §6)."""
    codes = {f.code for f in findings}
    errors = tuple(sorted({f.code for f in findings if f.severity is Severity.ERROR}))
    failing = module.failing if not module.parsed else tuple(c for c in module.applicable if c in codes)
    return replace(module, failing=failing, errors=errors)


def _expander() -> Callable[[str], Set[str]]:
    """Rule selector (code, name, prefix or ALL) → the codes it names."""
    from testaudit.registry import all_rules, rule_matches

    cache: Dict[str, Set[str]] = {}

    def expand(key: str) -> Set[str]:
        if key not in cache:
            cache[key] = {c.CODE for c in all_rules() if rule_matches(c, key)}
        return cache[key]

    return expand
