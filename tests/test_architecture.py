"""The dependency direction of ARCHITECTURE.md, checked with the tool's own import facts.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: the layering stays simple enough to extend rule by rule
- Strategic Impact: an audit tool that is itself audited keeps its numbers honest
"""
from __future__ import annotations

from typing import Dict, Set

from conftest import REPO
from testaudit.api import facts_of
from testaudit.config import Config

# module -> testaudit modules it may import (prefix match); everything else in testaudit is off limits
ALLOWED: Dict[str, Set[str]] = {
    "testaudit.model": set(),
    "testaudit.errors": set(),
    "testaudit.rule": {"testaudit.model", "testaudit.config", "testaudit.names", "testaudit.source"},
    "testaudit.score": {"testaudit.model"},
    "testaudit.badge": {"testaudit.score", "testaudit.atomic"},
    "testaudit.atomic": set(),
    "testaudit.cache": {"testaudit.model", "testaudit.source", "testaudit._version"},  # light: loaded on warm runs
    "testaudit.fixtures": {"testaudit.model"},
    "testaudit.baseline": {"testaudit.model", "testaudit.errors", "testaudit.score", "testaudit.atomic",
                           "testaudit._version"},
    "testaudit.fixes": {"testaudit.model", "testaudit.atomic", "testaudit.source"},
    "testaudit.gitrev": {"testaudit.config", "testaudit.errors", "testaudit.gitcmd"},
    "testaudit.gitcmd": set(),  # every git call: a leaf, so nothing can bypass it
    "testaudit.budget": set(),  # per-file bounds: stdlib only, set in every worker
    "testaudit.gc_tuning": set(),
    # the run's stages below the engine: none of them imports the engine
    "testaudit.tree": {"testaudit.cache", "testaudit.config", "testaudit.discover", "testaudit.model",
                       "testaudit.source"},
    "testaudit.plan": {"testaudit.cache", "testaudit.config", "testaudit.discover", "testaudit.gc_tuning", "testaudit.model",
                       "testaudit.project_files", "testaudit.tree", "testaudit.workers",
                       "testaudit.registry", "testaudit.rule"},  # which rule options key an analysis
    "testaudit.project_phase": {"testaudit.model", "testaudit.project", "testaudit.registry"},
    "testaudit.finalize": {"testaudit.baseline", "testaudit.config", "testaudit.discover", "testaudit.model",
                           "testaudit.nested_config",
                           "testaudit.project", "testaudit.project_phase", "testaudit.registry", "testaudit.suppress"},
    "testaudit.nested_config": {"testaudit.errors"},  # data and narrowing; config.py reads the files
    "testaudit.workers": {"testaudit.analyze", "testaudit.atomic", "testaudit.budget", "testaudit.config",
                          "testaudit.discover", "testaudit.model", "testaudit.registry", "testaudit.source"},
    "testaudit.ast_facts": {"testaudit.facts", "testaudit.model", "testaudit.pytest_model", "testaudit.rule",
                            "testaudit.source"},
    "testaudit.report": {"testaudit.model", "testaudit.score", "testaudit.source", "testaudit.report",
                         "testaudit.badge",  # the badge's colour table, so the HTML score wears the badge's colour
                         "testaudit._version"},
    "testaudit.rules": {"testaudit.model", "testaudit.rule", "testaudit.names", "testaudit.pytest_model",
                        "testaudit.categories", "testaudit.fixtures", "testaudit.rules"},
}
# these import only testaudit's own rule and reporter modules by name
OWN_PLUGIN_LOADERS = {"testaudit.registry", "testaudit.report"}
FORBIDDEN_EVERYWHERE_BUT = {"rich": {"testaudit.cli_support", "testaudit.report.text"}}  # the progress bar, the text report


def _facts():  # type: ignore[no-untyped-def]
    config = Config(root=str(REPO))
    return facts_of([str(REPO / "testaudit")], config)


def test_dependency_direction() -> None:
    problems = []
    for facts in _facts().values():
        rules = [v for k, v in ALLOWED.items() if facts.module == k or facts.module.startswith(k + ".")]
        if not rules:
            continue
        allowed = rules[-1]
        for imp in facts.imports:
            target = imp.module
            if not target.startswith("testaudit") or target == facts.module:
                continue
            if not any(target == a or target.startswith(a + ".") for a in allowed):
                problems.append(f"{facts.module} imports {target} (line {imp.line})")
    assert not problems, "\n".join(problems)


def test_only_cli_and_text_reporter_import_rich() -> None:
    offenders = [f"{f.module}:{i.line}" for f in _facts().values() for i in f.imports
                 if i.module.split(".")[0] == "rich" and f.module not in FORBIDDEN_EVERYWHERE_BUT["rich"]]
    assert not offenders, offenders


def test_no_module_imports_libcst_matchers() -> None:
    """`libcst.matchers` generates hundreds of classes at import (~1 s): every worker and every
    warm run that builds the rules (verify, pre-commit) would pay it."""
    offenders = [f"{f.module}:{i.line}" for f in _facts().values() for i in f.imports
                 if i.module.startswith("libcst.matchers") or (i.module == "libcst" and i.target == "libcst.matchers")]
    assert not offenders, offenders


def test_no_exec_eval_or_dynamic_import_of_audited_code() -> None:
    """Nothing executes audited text (SPEC §11): no exec/eval/compile(…, 'exec')/import_module on it."""
    bad = []
    for facts in _facts().values():
        for fn in facts.functions:
            for call in fn.calls:
                if call.target.rsplit(".", 1)[-1] in {"exec", "eval", "compile"} and "re." not in call.target:
                    bad.append(f"{facts.path}:{call.line} {call.target}")
                if call.target.endswith("import_module") and facts.module not in OWN_PLUGIN_LOADERS:
                    bad.append(f"{facts.path}:{call.line} {call.target}")
    assert not bad, bad


def test_the_project_audits_its_own_tests_with_zero_findings() -> None:
    from testaudit.api import check_paths

    result = check_paths([str(REPO / "tests")], Config(root=str(REPO)), jobs=1)
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings] == []


def test_no_import_cycle_anywhere() -> None:
    """No module of testaudit/ reaches itself through imports, function-level ones included
    (issue 28: engine and analyze imported each other; the package, the API and verify did too)."""
    import networkx as nx

    facts = _facts()
    modules = {f.module for f in facts.values()}
    graph = nx.DiGraph()
    for f in facts.values():
        graph.add_node(f.module)
        for imp in f.imports:  # `from testaudit import engine` names the module engine; `import a.b`, a.b
            named = [m for m in (imp.target, imp.module) if m in modules and m != f.module]
            if named:
                graph.add_edge(f.module, max(named, key=len))
    assert graph.number_of_edges() > 100  # the facts do hold the imports
    cycles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not cycles, cycles
