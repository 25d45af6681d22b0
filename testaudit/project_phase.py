"""The project phase: every checked file's findings placed in the project (category, node id)
and kept when their rule applies there, plus the findings of the cross-file rules (fixtures,
helpers, imports, base classes), per checked file. Nothing here is suppressed yet: that is
:mod:`testaudit.finalize`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Tuple

from testaudit.model import FileFacts, FileResult, Finding

if TYPE_CHECKING:
    from testaudit.project import Project
    from testaudit.registry import RuleSet

Placed = Dict[int, Tuple[str, Optional[str]]]  # id(finding) → its (category, node id)


def project_phase(project: "Project", ruleset: "RuleSet", results: Sequence[FileResult],
                  known: Mapping[str, FileFacts]) -> Tuple[Dict[str, List[Finding]], Placed]:
    """Per checked file, the findings that stand before suppressions, and where each one is
    (filled into the finding, with its scope and hash, by one ``evolve`` at the end)."""
    by_code = ruleset.by_code()
    per_file: Dict[str, List[Finding]] = {r.path: [] for r in results}
    # id(finding) → its (category, node id), filled in with its scope and hash by one evolve()
    placed: Dict[int, Tuple[str, Optional[str]]] = {}
    for res in results:
        for f in res.findings:
            cat, node = placed[id(f)] = project.category_at(res.facts, f.location.line)
            active = by_code.get(f.code)
            if active is not None and not active.cls.keep(f, cat, active.options):
                continue
            per_file[res.path].append(f)
    for active in ruleset.rules:
        for f in active.cls.project_findings(project, active.options, active.severity):
            if f.path in per_file:
                cat, node = project.category_at(known[f.path], f.location.line)
                placed[id(f)] = (f.category or cat, f.node_id or node)
                per_file[f.path].append(f)
    return per_file, placed
