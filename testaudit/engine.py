"""Orchestration: files → per-file results (parallel, cached) → project → filtered findings.

The engine never prints and never raises on a bad file: a file that cannot be read becomes a
warning, one that cannot be parsed a TA001 finding. Output is sorted, so it is the same for
every ``--jobs`` and whether or not it came from the cache.

The stages, each in its own module: ``discover`` (the files under the paths) → ``plan`` (cache
keys, closure signatures, the whole-run record: what the cache serves) → the per-file stage
(``workers`` hands files to ``analyze`` in a process pool; ``tree`` says what each file
reaches) → ``project_phase`` (findings placed, cross-file rules) → ``finalize`` (suppressions,
TA002, module summaries; the score is ``score``'s). This module runs them in order, with the
cache's memo around them, and builds the result. A run with nothing changed is served by the plan
alone and never imports libcst or networkx.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from testaudit.cache import ABSENT, Cache, key_of
from testaudit.config import Config
from testaudit.discover import Discovery, SourceFile, discover, support_candidates
from testaudit.gc_tuning import collector_tuned, set_aside
from testaudit.plan import (
    Changed, Delta, Demand, Loader, Signatures, cache_keys, delta as plan_delta, from_memo, put_delta_memo, put_memo,
    recorded_signatures, result_key, run_signatures, unreached_support, wanted_keys,
)
from testaudit.project_files import ProjectFiles
from testaudit.tree import FileTree, Reach, as_overlaid
from testaudit.workers import Progress, Workers
from testaudit.model import (
    CHECK, FACTS, FINDING_ORDER, FileFacts, FileResult, Finding, ModuleSummary, Outcome, RuleInfo, RunResult, Warning_,
)

if TYPE_CHECKING:  # the heavy modules are imported only on the heavy path
    from testaudit.project import Project
    from testaudit.registry import RuleSet

SMALL_RUN = 50  # files: a run of fewer (pre-commit) reads other modules' facts only when the project phase asks
LAZY_MAX_FILES = SMALL_RUN


def run(paths: Sequence[str], config: Config, select: Optional[Sequence[str]] = None,
        ignore: Sequence[str] = (), jobs: Optional[int] = None, progress: Optional[Progress] = None,
        cache: bool = False, overlay: Optional[Mapping[str, Optional[bytes]]] = None) -> RunResult:
    """Check ``paths``. ``overlay`` (root-relative path → content, None for absent) replaces files
    on disk: ``--since`` uses it to check the project as it was at a git revision."""
    with collector_tuned():
        return _run(paths, config, select, ignore, jobs, progress, cache, overlay)


def _run(paths: Sequence[str], config: Config, select: Optional[Sequence[str]], ignore: Sequence[str],
         jobs: Optional[int], progress: Optional[Progress], cache: bool,
         overlay: Optional[Mapping[str, Optional[bytes]]]) -> RunResult:
    found = discover(paths, config)
    tree = FileTree(config.root, overlay)
    files = found.files if overlay is None else as_overlaid(found.files, paths, config, tree)
    warnings: List[Warning_] = list(found.warnings)
    config = _with_nested(config, found, warnings)
    warnings.extend(_missing_src(config))
    if config.pytest.problem:  # pytest's defaults apply; say why
        warnings.append(Warning_(config.pytest.where(config.root), config.pytest.problem))
    store = Cache.open(config.root, warnings) if cache else None
    if store is not None and overlay is not None:
        store.assume(overlay)
    keys = cache_keys(config, select, ignore)
    rels = [f.rel for f in files]
    outcomes: Dict[str, Outcome] = {}
    rules = store.rules(keys[CHECK]) if store else None
    run_key = key_of(keys[CHECK], tuple(rels))

    def signatures() -> Signatures:
        assert store is not None
        return recorded_signatures(store, keys[FACTS], rels, tree) or run_signatures(rels, tree, store, keys[FACTS])

    memo_hit = False
    delta: Optional[Delta] = None
    lookup: Optional[Signatures] = None
    if store is not None and rules is not None:
        hit, changed = from_memo(store, run_key, tree) if overlay is None else (None, None)
        if changed is not None:
            delta = plan_delta(changed, _quiet(changed, config, select, ignore, store, keys, tree))
        outcomes = hit or (dict(delta.kept) if delta else {})  # delta.kept stays what the old record holds
        memo_hit = hit is not None or not rels
        if not memo_hit and delta is None:
            lookup = signatures()
            with set_aside():
                outcomes = store.outcomes(keys[CHECK], lookup.sigs)
    todo = [f for f in files if f.rel not in outcomes]
    demand: Optional[Demand] = None
    try:
        fresh: Dict[str, Outcome] = {}
        crashed = False
        if todo or rules is None:
            rules, fresh, crashed, demand = _check(todo, config, select, ignore, jobs, progress, store, keys, tree)
            outcomes.update(fresh)
            if crashed:  # a worker died: nothing of this run is remembered
                lookup = None
            elif store is not None:
                store.put_rules(rules, keys[CHECK])
        # a run over the project as it was at a revision (read-only store) writes nothing back
        if store is not None and not store.read_only and not crashed and (todo or delta is not None):
            # re-checked files changed the graph; with a delta only theirs are walked again
            lookup = (signatures() if delta is None
                      else run_signatures([f.rel for f in todo], tree, store, keys[FACTS], delta.known) if todo
                      else Signatures({}, {}, {}))
            # a file whose closure was not read (facts read on demand) has no signature: its
            # outcome is not stored here, only in the run record below
            store.put_outcomes(fresh.values(), lookup.sigs, keys[CHECK])
        if store is not None and not store.read_only and not memo_hit and lookup is not None:
            _remember(store, run_key, keys[FACTS], rels, outcomes, lookup, demand, delta)
        unreached = unreached_support(config, rels, outcomes, support_candidates(files, config, paths),
                                      lambda d: tree.isfile(f"{d}/__init__.py"), store, run_key)
    finally:
        if store is not None:
            store.close()
    return _assemble(config, rels, outcomes, rules, warnings, unreached)


QUIET_MAX = 20  # changed files whose facts are compared with their old ones; past that, all count


def _quiet(changed: Changed, config: Config, select: Optional[Sequence[str]], ignore: Sequence[str], store: Cache,
           keys: Dict[str, str], tree: FileTree) -> FrozenSet[str]:
    """The changed files other files depend on whose facts are as they were at the recorded
    content (a comment, a test body, a fixture's unchanged shape): the files reaching them
    keep their outcomes. Their new facts are read from the cache or analysed here (a checked
    file fully) and cached, so the rest of the run takes them from there."""
    from testaudit.registry import build_ruleset

    compared = []
    for rel, was in sorted(changed.changed.items()):
        if was is None or rel.startswith(ABSENT) or changed.graph.reaching([rel]) == {rel}:
            continue  # it did not exist, or nothing else depends on it
        old = store.result_at(rel, was, wanted_keys(keys, FACTS))
        if old is not None and tree.isfile(rel):
            compared.append((rel, old.facts))
    if not compared or len(compared) > QUIET_MAX:
        return frozenset()
    reach = Reach(config, tree)
    quiet = set()
    with Workers(config, build_ruleset(config, select, ignore), 1) as workers:
        load = Loader(tree, workers, store, keys, reach)
        for rel, facts in compared:
            if rel in changed.outcomes:  # a checked file: analysed as the per-file stage would
                res = store.results([rel], wanted_keys(keys, CHECK)).get(rel) or workers.here(tree.source(rel), CHECK)
                if not res.transient and rel not in workers.crashed:
                    store.put_results((res,), result_key(keys, CHECK), CHECK)
                    store.put_deps({rel: reach.targets(res.facts) + reach.absent(res.facts)}, keys[FACTS])
                now = res.facts
            else:
                now = load(rel)
            if now == facts:
                quiet.add(rel)
    return frozenset(quiet)


def _remember(store: Cache, run_key: str, facts_key: str, rels: Sequence[str], outcomes: Dict[str, Outcome],
              lookup: Signatures, demand: Optional[Demand], delta: Optional[Delta]) -> None:
    """Write the run record when every outcome's dependencies are known (a delta's: those of the
    files it re-checked)."""
    if delta is not None:
        if all(lookup.sigs.get(rel) for rel in rels if rel not in delta.kept):
            put_delta_memo(store, run_key, rels, outcomes, delta, lookup, facts_key)
        return
    unsigned = [rel for rel in rels if not lookup.sigs.get(rel)]
    if not unsigned:
        put_memo(store, run_key, rels, outcomes, lookup, facts_key=facts_key)
    elif unsigned and demand is not None and all(rel in demand.checked for rel in unsigned):
        put_memo(store, run_key, rels, outcomes, lookup, demand)


def rules_info(config: Config, select: Optional[Sequence[str]] = None, ignore: Sequence[str] = ()) -> Tuple[RuleInfo, ...]:
    """The selected rules as reporters describe them."""
    from testaudit.registry import build_ruleset

    return _rule_infos(build_ruleset(config, select, ignore))


def _rule_infos(ruleset: "RuleSet") -> Tuple[RuleInfo, ...]:
    from testaudit.docs import render_rule

    return tuple(RuleInfo(r.code, r.cls.NAME, r.severity, r.cls.MESSAGE, render_rule(r.cls))
                 for r in ruleset.rules)


def _missing_src(config: Config) -> List[Warning_]:
    """A configured source root that does not exist resolves nothing: TA202 would pass every
    import of the project's own modules under it, silently (the default's `src` may be absent)."""
    import os

    from testaudit.config import DEFAULT_SRC

    if config.src == DEFAULT_SRC:
        return []
    where = os.path.basename(config.source) if config.source else "configuration"
    return [Warning_(where, f"src directory `{d}` does not exist: imports are not resolved against it")
            for d in config.src if not os.path.isdir(os.path.join(config.root, d))]


def _with_nested(config: Config, found: Discovery, warnings: List[Warning_]) -> Config:
    """The nested configurations of the directories holding the files found (part of the cache
    keys: editing one re-finalizes the run; the per-file analyses stay cached)."""
    if not config.hierarchical:
        return config
    from testaudit.config import find_nested
    from testaudit.nested_config import check_selectors

    nested, problems = find_nested(config.root, [f.rel for f in found.files], found.walked, found.config_dirs)
    warnings.extend(Warning_(path, message) for path, message in problems)
    if not nested:
        return config
    from testaudit.registry import all_rules, rule_matches

    check_selectors(nested, config.root, lambda sel: sel == "ALL" or any(rule_matches(c, sel) for c in all_rules()))
    return replace(config, nested=nested)


def _assemble(config: Config, rels: Sequence[str], outcomes: Dict[str, Outcome], rules: Tuple[RuleInfo, ...],
              warnings: List[Warning_], unreached: Tuple[str, ...] = ()) -> RunResult:
    """The run's result, without the ``unreached`` support modules (see :func:`testaudit.plan.unreached_support`)."""
    if unreached:
        dropped = set(unreached)
        rels = [rel for rel in rels if rel not in dropped]
    findings: List[Finding] = []
    modules: List[ModuleSummary] = []
    suppressed = 0
    for rel in rels:
        o = outcomes[rel]
        findings.extend(o.findings)
        warnings.extend(o.warnings)
        suppressed += o.suppressed
        if o.module is not None:
            modules.append(o.module)
    # Each outcome's findings are in report order already; so is their concatenation when the
    # files are (sorting a corpus run's 33,000 findings again cost 20 ms of a warm run).
    if any(a >= b for a, b in zip(rels, islice(rels, 1, None))):
        findings.sort(key=FINDING_ORDER)
        modules.sort(key=lambda m: m.path)
    return RunResult(
        root=config.root, findings=tuple(findings), modules=tuple(modules), files_checked=len(rels),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.path, w.message))),
        suppressed=suppressed, rules=rules, paths=tuple(rels), unreached=unreached,
    )


def _check(files: Sequence[SourceFile], config: Config, select: Optional[Sequence[str]], ignore: Sequence[str],
           jobs: Optional[int], progress: Optional[Progress], store: Optional[Cache], keys: Dict[str, str],
           tree: FileTree) -> Tuple[Tuple[RuleInfo, ...], Dict[str, Outcome], bool, Optional[Demand]]:
    """The heavy path: rules, per-file results (cached or parsed), reach, project rules, suppressions.

    Fewer than :data:`LAZY_MAX_FILES` files (a pre-commit run): the project phase reads facts
    on demand, only the modules its rules consult. More: the whole closure is read first, in
    parallel. Both read through the same :class:`ProjectFiles`, so their findings are the same.
    """
    from testaudit.registry import build_ruleset

    ruleset = build_ruleset(config, select, ignore)
    rules = _rule_infos(ruleset)
    lazy = len(files) < LAZY_MAX_FILES
    reach = Reach(config, tree)
    with Workers(config, ruleset, jobs, progress) as workers:
        results, facts_only = _analyze(files, config, workers, store, keys, tree, reach, expand=not lazy,
                                       idle=_import_project_phase)
    from testaudit.finalize import finalize
    from testaudit.project import Project
    from testaudit.project_phase import project_phase

    crashed = [Warning_(r.path, r.error or "") for r in facts_only if r.path in workers.crashed]
    checked = {r.path for r in results}
    known = {r.path: r.facts for r in (*results, *facts_only)}
    project_files = ProjectFiles(config.src, tree.listed, tree.isdir, Loader(tree, workers, store, keys, reach), known)
    project = Project(project_files, categorizer_for(config), checked, (config.python_classes, config.python_functions))
    per_file, placed = project_phase(project, ruleset, results, known)
    outcomes = finalize(project, ruleset, config, results, per_file, placed, tree.lines)
    if crashed:  # reported by the first checked file (a facts-only file has no outcome of its own)
        first = min(outcomes)
        outcomes[first] = replace(outcomes[first], warnings=outcomes[first].warnings + tuple(crashed))
    demand = Demand(tuple(project_files.read), dict(project_files.probes), frozenset(checked)) if lazy else None
    return rules, outcomes, bool(workers.crashed), demand


def _import_project_phase() -> None:
    """Import what the project phase needs (networkx among it) while the workers are busy."""
    import testaudit.finalize  # noqa: F401
    import testaudit.project  # noqa: F401
    import testaudit.project_phase  # noqa: F401


def collect_facts(paths: Sequence[str], config: Config) -> Dict[str, FileFacts]:
    """Facts of the files under ``paths`` only (no rules run)."""
    from testaudit.registry import build_ruleset

    ruleset = build_ruleset(config, select=["TA001"])
    found = discover(paths, config)
    with Workers(config, ruleset, None) as workers:
        return {r.path: r.facts for r in workers.map(found.files, FACTS)}


@contextmanager
def project_view(config: Config, cache: bool = True) -> Iterator["Project"]:
    """The project as the cross-file phase sees it (facts, class graph, categories), reading each
    file's facts from the cache when its content is known there and analysing it here otherwise
    (what it analyses is cached too). For callers that ask about a few files after a check:
    ``testaudit verify`` counts collected tests and reads class ancestry through it."""
    from testaudit.project import Project

    def facts_rules() -> "RuleSet":
        from testaudit.registry import build_ruleset

        return build_ruleset(config, select=["TA001"])

    warnings: List[Warning_] = []
    store = Cache.open(config.root, warnings) if cache else None
    tree = FileTree(config.root)
    keys = cache_keys(config, None, ())
    try:
        # the rule set (and libcst with it) is built only if a file must be analysed here
        with Workers(config, facts_rules, 1, None) as workers:
            loader = Loader(tree, workers, store, keys, Reach(config, tree))
            files = ProjectFiles(config.src, tree.listed, tree.isdir, loader)
            yield Project(files, categorizer_for(config), (), (config.python_classes, config.python_functions))
    finally:
        if store is not None:
            store.close()


def categorizer_for(config: Config):
    """Categories with TA501's ``required`` bases as the default category bases."""
    from testaudit.categories import Categorizer, default_required_bases

    if not {"TA501", "wrong-base-class"} & set(config.rule_options):  # the defaults: no rule imported
        return Categorizer(config.categories, default_required_bases())
    from testaudit.registry import parse_options, rule_by_key

    ta501 = rule_by_key("TA501")
    bases: Dict[str, Tuple[str, ...]] = {}
    if ta501 is not None:
        options, _ = parse_options(ta501, config.rule_options.get("TA501", config.rule_options.get(ta501.NAME, {})),
                                      config.source, "rules.TA501")
        bases = {k: tuple(v) for k, v in getattr(options, "required", {}).items()}
    return Categorizer(config.categories, bases)


def _analyze(files: Sequence[SourceFile], config: Config, workers: Workers, store: Optional[Cache],
             keys: Dict[str, str], tree: FileTree, reach: "Reach", expand: bool = True,
             idle: Callable[[], object] = lambda: None) -> Tuple[List[FileResult], List[FileResult]]:
    """Results of the checked ``files`` (in their order), and with ``expand`` the facts of every
    project module they reach (conftest chains and imports, transitively; sorted by path). Each
    file is taken from the cache when its content is known, else analysed as soon as something
    reaches it, so the workers never wait for a whole import level. What each file reaches goes
    to the cache for closure signatures, expanded or not. ``idle`` runs once while the workers
    check the files (this process would only wait)."""
    known: Set[str] = {f.rel for f in files}
    deps: Dict[str, List[str]] = {}
    by_role: Dict[str, List[FileResult]] = {CHECK: [], FACTS: []}

    def start(batch: Sequence[SourceFile], role: str) -> List[Tuple[str, FileResult, bool]]:
        """Queue ``batch`` for analysis; what the cache already holds is returned at once."""
        cached: Dict[str, FileResult] = {}
        if store is not None and batch:
            cached = store.results([f.rel for f in batch], wanted_keys(keys, role))
        workers.submit([f for f in batch if f.rel not in cached], role)
        return [(role, cached[f.rel], True) for f in batch if f.rel in cached]

    arrived = start(files, CHECK)
    idle()
    while True:
        arrived += [(role, res, False) for role, res in workers.collect(block=not arrived)]
        if not arrived:
            break
        wanted: Set[str] = set()
        for role, res, from_cache in arrived:
            by_role[role].append(res)
            if store is not None and not from_cache and res.path not in workers.crashed:
                store.put_results((res,), result_key(keys, role), role)
            reached = reach.targets(res.facts)
            deps[res.path] = reached + reach.absent(res.facts)
            if expand:
                wanted.update(reach.chain(res.path))
                wanted.update(reached)
        new = sorted(wanted - known)
        known.update(new)
        arrived = start([tree.source(rel) for rel in new], FACTS)
    if store is not None:
        store.put_deps(deps, keys[FACTS])
    order = {f.rel: i for i, f in enumerate(files)}
    checked = sorted(by_role[CHECK], key=lambda r: order[r.path])
    return checked, sorted(by_role[FACTS], key=lambda r: r.path)
