"""Orchestration: files → per-file results (parallel, cached) → project → filtered findings.

The engine never prints and never raises on a bad file: a file that cannot be read becomes a
warning, one that cannot be parsed a TA001 finding. Output is sorted, so it is the same for
every ``--jobs`` and whether or not it came from the cache.

With the cache (``cache.py``) a run first computes, for every checked file, the signature of
its closure (the file, its conftest chain and the project modules its imports reach,
transitively); a file whose signature matches a stored outcome is not looked at again. Only the
rest goes through the heavy path (libcst, rules, project graph), whose modules are imported only
then, so a run with nothing changed never imports libcst or networkx.
"""
from __future__ import annotations

import copy
import gc
import os
import signal
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from itertools import islice
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from testaudit.atomic import interrupt_deferred
from testaudit.cache import ABSENT, Cache, closure_signatures, key_of
from testaudit.config import Config, relpath
from testaudit.discover import SourceFile, discover, may_have_submodules, module_paths
from testaudit.project_files import FILE, ProjectFiles
from testaudit.model import (
    CHECK, FACTS, FINDING_ORDER, FileFacts, FileResult, Finding, ModuleSummary, Outcome, RuleInfo, RunResult, Severity,
    Warning_,
    evolve,
)

if TYPE_CHECKING:  # the heavy modules are imported only on the heavy path
    import multiprocessing.context
    import queue
    from concurrent.futures import Future, ProcessPoolExecutor
    from testaudit.project import Project
    from testaudit.registry import RuleSet

Progress = Callable[[str, int, int], None]
MEMO_MIN_FILES = 50  # smaller runs (pre-commit) check per-file signatures, which is cheap for a few files
# runs that check fewer files read other modules' facts only when the project phase asks for them
LAZY_MAX_FILES = MEMO_MIN_FILES


# The cyclic collector's thresholds during a run, here and in the workers (mypy uses the same):
# a parse allocates an object per token and nearly all of them die by reference counting, yet at
# the default 700-allocation threshold the collector runs thousands of times per file over young
# trees and keeps promoting them towards full collections — about a seventh of a check's CPU,
# for a few hundred cyclic objects found in a 250-file corpus sample.
GC_THRESHOLDS = (200_000, 30, 30)


@contextmanager
def _collector_tuned() -> Iterator[None]:
    """:data:`GC_THRESHOLDS` for one run, and what already lives (modules, config) set aside from
    the collector meanwhile; the caller's settings come back afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@contextmanager
def _set_aside() -> Iterator[None]:
    """Inside :func:`_collector_tuned`, for decoding what the run keeps (a corpus run record:
    ~250,000 objects, none in a cycle): no collection meanwhile — one young collection traversed
    them all to free nothing, 46–57 ms of a 0.8 s warm run — and what was built is then set aside
    with the rest (``gc.freeze``), so later collections skip it too until the run ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def run(paths: Sequence[str], config: Config, select: Optional[Sequence[str]] = None,
        ignore: Sequence[str] = (), jobs: Optional[int] = None, progress: Optional[Progress] = None,
        cache: bool = False, overlay: Optional[Mapping[str, Optional[bytes]]] = None) -> RunResult:
    """Check ``paths``. ``overlay`` (root-relative path → content, None for absent) replaces files
    on disk: ``--since`` uses it to check the project as it was at a git revision."""
    with _collector_tuned():
        return _run(paths, config, select, ignore, jobs, progress, cache, overlay)


def _run(paths: Sequence[str], config: Config, select: Optional[Sequence[str]], ignore: Sequence[str],
         jobs: Optional[int], progress: Optional[Progress], cache: bool,
         overlay: Optional[Mapping[str, Optional[bytes]]]) -> RunResult:
    found = discover(paths, config)
    tree = _Tree(config.root, overlay)
    files = found.files if overlay is None else _as_overlaid(found.files, paths, config, tree)
    warnings: List[Warning_] = list(found.warnings)
    if config.pytest.problem:  # pytest's defaults apply; say why
        warnings.append(Warning_(config.pytest.where(config.root), config.pytest.problem))
    store = Cache.open(config.root, warnings) if cache else None
    if store is not None and overlay is not None:
        store.assume(overlay)
    keys = _keys(config, select, ignore)
    rels = [f.rel for f in files]
    outcomes: Dict[str, Outcome] = {}
    rules = store.rules(keys[CHECK]) if store else None
    run_key = key_of(keys[CHECK], tuple(rels))
    memo_hit = False
    lookup: Optional[Tuple[Dict[str, Optional[str]], Dict[str, List[str]]]] = None
    if store is not None and rules is not None:
        outcomes = (_from_memo(store, run_key, tree) if overlay is None else None) or {}
        memo_hit = bool(outcomes) or not rels
        if not memo_hit:
            lookup = _signatures(rels, tree, store, keys[FACTS])
            with _set_aside():
                outcomes = store.outcomes(keys[CHECK], lookup[0])
    todo = [f for f in files if f.rel not in outcomes]
    demand: Optional[_Demand] = None
    try:
        if todo or rules is None:
            rules, fresh, crashed, demand = _check(todo, config, select, ignore, jobs, progress, store, keys, tree)
            outcomes.update(fresh)
            if store is not None and not crashed:  # a worker died: nothing of this run is remembered
                store.put_rules(rules, keys[CHECK])
                lookup = _signatures(rels, tree, store, keys[FACTS])  # re-checked files changed the graph
                # a file whose closure was not read (facts read on demand) has no signature: its
                # outcome is not stored here, only in the run record below
                store.put_outcomes(fresh.values(), lookup[0], keys[CHECK])
            elif crashed:
                lookup = None
        if store is not None and not memo_hit and lookup is not None:
            unsigned = [rel for rel in rels if not lookup[0].get(rel)]
            if not unsigned and len(rels) >= MEMO_MIN_FILES:
                _put_memo(store, run_key, rels, outcomes, lookup)
            elif unsigned and demand is not None and all(rel in demand.checked for rel in unsigned):
                _put_memo(store, run_key, rels, outcomes, lookup, demand)
    finally:
        if store is not None:
            store.close()
    return _assemble(config, rels, outcomes, rules, warnings)


ANALYSIS = "analysis"  # the cache key of per-file analyses (see _keys)


def _keys(config: Config, select: Optional[Sequence[str]], ignore: Sequence[str]) -> Dict[str, str]:
    """Cache keys: facts depend on the configuration; checks also on the rule selection. A
    file's analysis (``ANALYSIS``) does not depend on the options rules read only when keeping
    findings; its final outcome (``CHECK``) does."""
    # a result within the per-file budgets does not depend on them (one over them is never cached)
    settings = replace(config, fail_under=None, fail_under_category=(), jobs=None, force_exclude=False,
                       baseline=None, verify={}, max_file_seconds=0, max_file_memory=0)
    facts = key_of(settings.root, settings.src, settings.test_files, settings.python_classes,
                   settings.python_functions, settings.categories)
    selection = (tuple(select or ()), tuple(ignore))
    return _Keys({FACTS: facts, CHECK: key_of(facts, repr(settings), *selection)}, settings, selection)


class _Keys(Dict[str, str]):
    """The cache keys of a run; ``ANALYSIS`` is computed when first asked: it needs the rule
    classes (libcst), which a warm run served from the cache never imports."""

    def __init__(self, keys: Dict[str, str], settings: Config, selection: Tuple[Tuple[str, ...], ...]) -> None:
        super().__init__(keys)
        self.settings, self.selection = settings, selection

    def __missing__(self, key: str) -> str:
        if key != ANALYSIS:
            raise KeyError(key)
        analysis = replace(self.settings, rule_options=_without_keep_options(self.settings.rule_options))
        self[key] = value = key_of(self[FACTS], repr(analysis), *self.selection)
        return value


def _without_keep_options(options: Mapping[str, Mapping[str, object]]) -> Dict[str, Dict[str, object]]:
    """Rule options as a file's analysis sees them: a cross-file rule's options and the options
    a per-file rule reads only in ``keep`` play no part in it."""
    from testaudit.registry import rule_by_key
    from testaudit.rule import ProjectRule

    out: Dict[str, Dict[str, object]] = {}
    for key, table in options.items():
        cls = rule_by_key(key)
        if cls is not None and issubclass(cls, ProjectRule):
            continue
        dropped = {k.replace("_", "-") for k in getattr(cls, "KEEP_OPTIONS", ())}
        kept = {k: v for k, v in table.items() if k not in dropped}
        if kept:
            out[cls.CODE if cls is not None else key] = kept
    return out


def rules_info(config: Config, select: Optional[Sequence[str]] = None, ignore: Sequence[str] = ()) -> Tuple[RuleInfo, ...]:
    """The selected rules as reporters describe them."""
    from testaudit.registry import build_ruleset

    return _rule_infos(build_ruleset(config, select, ignore))


def _rule_infos(ruleset: "RuleSet") -> Tuple[RuleInfo, ...]:
    from testaudit.docs import render_rule

    return tuple(RuleInfo(r.code, r.cls.NAME, r.severity, r.cls.MESSAGE, render_rule(r.cls))
                 for r in ruleset.rules)


def check_key(config: Config, select: Optional[Sequence[str]] = None, ignore: Sequence[str] = ()) -> str:
    """What a run's findings depend on besides file contents (tool, configuration, selection)."""
    return _keys(config, select, ignore)[CHECK]


class _Tree:
    """The project's files as a run sees them: the disk (listed a directory at a time, for the
    thousands of module lookups of the reach phase), under an optional ``overlay``."""

    def __init__(self, root: str, overlay: Optional[Mapping[str, Optional[bytes]]] = None) -> None:
        self.root = root
        self.overlay: Dict[str, Optional[bytes]] = dict(overlay or {})
        self.listings: Dict[str, FrozenSet[str]] = {}

    def isfile(self, rel: str) -> bool:
        if rel in self.overlay:
            return self.overlay[rel] is not None
        return os.path.isfile(os.path.join(self.root, rel))

    def isdir(self, rel: str) -> bool:
        """Whether a root-relative directory exists (from directory listings; an overlay adds
        the directories of the files it holds)."""
        rel = rel.strip("/")
        if not rel:
            return True
        if any(path.startswith(rel + "/") and data is not None for path, data in self.overlay.items()):
            return True
        directory, _, name = rel.rpartition("/")
        return name + "/" in self._files_in(directory)

    def listed(self, rel: str) -> bool:
        """:meth:`isfile` from directory listings: cheaper when most names asked about do not
        exist (module lookups: ``typing``, ``pytest``… are not project files)."""
        if rel in self.overlay:
            return self.overlay[rel] is not None
        directory, _, name = rel.rpartition("/")
        return name in self._files_in(directory)

    def source(self, rel: str, explicit: bool = False) -> SourceFile:
        return SourceFile(os.path.join(self.root, rel), rel, explicit, self.overlay.get(rel))

    def lines(self, rel: str) -> List[str]:
        from testaudit.source import decode, read_lines, split_lines

        data = self.overlay.get(rel)
        return split_lines(decode(data)) if data is not None else read_lines(os.path.join(self.root, rel))

    def _files_in(self, directory: str) -> FrozenSet[str]:
        """Regular files (``name``) and directories (``name/``) in a root-relative directory."""
        found = self.listings.get(directory)
        if found is None:
            parent, _, name = directory.rpartition("/")
            names: Set[str] = set()
            if not directory or name + "/" in self._files_in(parent):  # else: no such directory
                try:
                    with os.scandir(os.path.join(self.root, directory)) as entries:
                        for entry in entries:
                            if entry.is_file():
                                names.add(entry.name)
                            elif entry.is_dir():
                                names.add(entry.name + "/")
                except OSError:
                    pass
            found = self.listings[directory] = frozenset(names)
        return found


def _as_overlaid(files: Sequence[SourceFile], paths: Sequence[str], config: Config, tree: _Tree) -> List[SourceFile]:
    """The files to check under an overlay: those it removes are gone, those it holds carry its
    content, and files it adds that are not on disk (deleted since) join when ``paths`` cover
    them and no exclude pattern matches."""
    from testaudit.discover import DEFAULT_EXCLUDES, matches_any

    out = [tree.source(f.rel, f.explicit) for f in files if tree.overlay.get(f.rel, b"") is not None]
    known = {f.rel for f in out}
    roots = [relpath(os.path.abspath(p), config.root) for p in paths or ["."]]
    excludes = DEFAULT_EXCLUDES + config.all_excludes
    for rel, data in sorted(tree.overlay.items()):
        if data is None or rel in known or os.path.lexists(os.path.join(config.root, rel)):
            continue
        parts = rel.split("/")
        covered = any(r == "." or rel == r or rel.startswith(r + "/") for r in roots)
        if covered and not any(matches_any("/".join(parts[:i]), excludes, is_dir=i < len(parts))
                               for i in range(1, len(parts) + 1)):
            out.append(tree.source(rel))
    return sorted(out, key=lambda f: f.rel)


def _signatures(rels: Sequence[str], tree: _Tree, store: Cache,
                facts_key: str) -> Tuple[Dict[str, Optional[str]], Dict[str, List[str]]]:
    """Closure signatures of ``rels`` (and of every file they reach), and the conftest chains
    probed per directory on the way."""
    chains: Dict[str, List[str]] = {}

    def successors(rel: str) -> Optional[Sequence[str]]:
        if rel.startswith(ABSENT):  # a file that did not exist: it has no dependencies of its own
            return ()
        deps = store.deps(rel, facts_key)
        if deps is None:
            return None
        return sorted(set(_conftest_chain(rel, tree.isfile, chains)) | set(deps))

    return closure_signatures(rels, store.digest, successors), chains


def _put_memo(store: Cache, run_key: str, rels: Sequence[str], outcomes: Dict[str, Outcome],
              signatures: Tuple[Dict[str, Optional[str]], Dict[str, List[str]]],
              demand: Optional["_Demand"] = None) -> None:
    """Remember this run whole: every file its closures hold (with digests), the conftest probes,
    and the outcomes; the next identical run with none of them changed loads just this. Outcomes
    computed from facts read on demand have no closure signature: for them the record holds what
    the project phase read and every answer the file tree gave it, which is all they depend on."""
    sigs, chains = signatures
    paths = set(sigs) | set(demand.read if demand else ())
    store.put_memo(run_key, sorted(paths), chains, dict(demand.probes) if demand else {}, [outcomes[rel] for rel in rels])


def _from_memo(store: Cache, run_key: str, tree: _Tree) -> Optional[Dict[str, Outcome]]:
    memo = store.memo(run_key)
    if memo is None:
        return None
    files, chains, probes, outcomes = memo
    if not store.unchanged(files):
        return None
    for asked, answer in probes.items():
        kind, rel = asked[:len(FILE)], asked[len(FILE):]
        if (tree.listed(rel) if kind == FILE else tree.isdir(rel)) != answer:
            return None
    probe: Dict[str, List[str]] = {}
    for directory, chain in chains.items():
        if _conftest_chain(f"{directory}/x" if directory else "x", tree.isfile, probe) != chain:
            return None
    with _set_aside():
        return {o.path: o for o in outcomes()}


def _assemble(config: Config, rels: Sequence[str], outcomes: Dict[str, Outcome], rules: Tuple[RuleInfo, ...],
              warnings: List[Warning_]) -> RunResult:
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
        suppressed=suppressed, rules=rules, paths=tuple(rels),
    )


@dataclass(frozen=True)
class _Demand:
    """What the project phase of a run that read facts on demand relied on: the files whose facts
    it read, the file tree's answers (``probes``), and the files it checked."""

    read: Tuple[str, ...]
    probes: Mapping[str, bool]
    checked: FrozenSet[str]


def _check(files: Sequence[SourceFile], config: Config, select: Optional[Sequence[str]], ignore: Sequence[str],
           jobs: Optional[int], progress: Optional[Progress], store: Optional[Cache], keys: Dict[str, str],
           tree: _Tree) -> Tuple[Tuple[RuleInfo, ...], Dict[str, Outcome], bool, Optional[_Demand]]:
    """The heavy path: rules, per-file results (cached or parsed), reach, project rules, suppressions.

    Fewer than :data:`LAZY_MAX_FILES` files (a pre-commit run): the project phase reads facts
    on demand, only the modules its rules consult. More: the whole closure is read first, in
    parallel. Both read through the same :class:`ProjectFiles`, so their findings are the same.
    """
    from testaudit.registry import build_ruleset

    ruleset = build_ruleset(config, select, ignore)
    rules = _rule_infos(ruleset)
    lazy = len(files) < LAZY_MAX_FILES
    reach = _Reach(config, tree)
    with _Workers(config, ruleset, jobs, progress) as workers:
        results, facts_only = _analyze(files, config, workers, store, keys, tree, reach, expand=not lazy,
                                       idle=_import_project_phase)
    from testaudit.project import Project
    from testaudit.suppress import apply_suppressions, unused_location
    from testaudit.baseline import finding_hash

    crashed = [Warning_(r.path, r.error or "") for r in facts_only if r.path in workers.crashed]
    checked = {r.path for r in results}
    known = {r.path: r.facts for r in (*results, *facts_only)}
    project_files = ProjectFiles(config.src, tree.listed, tree.isdir, _Loader(tree, workers, store, keys, reach), known)
    project = Project(project_files, categorizer_for(config), checked)
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
    for active in ruleset.project_rules():
        rule = active.cls(active.options, active.severity)  # type: ignore[call-arg]
        for f in rule.check(project):  # type: ignore[attr-defined]
            if f.path in per_file:
                cat, node = project.category_at(known[f.path], f.location.line)
                placed[id(f)] = (f.category or cat, f.node_id or node)
                per_file[f.path].append(f)
    selected = set(ruleset.codes())
    expand = _expander()
    modules = _module_summaries(project, ruleset)
    outcomes: Dict[str, Outcome] = {}
    for res in results:
        path = res.path
        split = apply_suppressions(per_file[path], res.suppressions, path, config.per_file_ignores, expand, selected)
        kept = list(split.kept)
        # a file that does not parse has few findings to suppress: its file-wide comments cannot be judged
        unused = [s for s in split.unused if res.facts.parsed or not s.file_level] if "TA002" in by_code else []
        lines = tree.lines(path) if unused or not all(f.source_hash for f in kept) else []
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
            module = _failing(module, kept)
        outcomes[path] = Outcome(path, tuple(kept), module, len(split.suppressed),
                                 (Warning_(path, res.error),) if res.error else ())
    if crashed:  # reported by the first checked file (a facts-only file has no outcome of its own)
        first = min(outcomes)
        outcomes[first] = replace(outcomes[first], warnings=outcomes[first].warnings + tuple(crashed))
    demand = _Demand(tuple(project_files.read), dict(project_files.probes), frozenset(checked)) if lazy else None
    return rules, outcomes, bool(workers.crashed), demand


def _import_project_phase() -> None:
    """Import what the project phase needs (networkx among it) while the workers are busy."""
    import testaudit.baseline  # noqa: F401
    import testaudit.project  # noqa: F401
    import testaudit.suppress  # noqa: F401


def collect_facts(paths: Sequence[str], config: Config) -> Dict[str, FileFacts]:
    """Facts of the files under ``paths`` only (no rules run)."""
    from testaudit.registry import build_ruleset

    ruleset = build_ruleset(config, select=["TA001"])
    found = discover(paths, config)
    with _Workers(config, ruleset, None) as workers:
        return {r.path: r.facts for r in workers.map(found.files, FACTS)}


@contextmanager
def project_view(config: Config, cache: bool = True) -> Iterator["Project"]:
    """The project as the cross-file phase sees it (facts, class graph, categories), reading each
    file's facts from the cache when its content is known there and analysing it here otherwise
    (what it analyses is cached too). For callers that ask about a few files after a check:
    ``testaudit verify`` counts collected tests and reads class ancestry through it."""
    from testaudit.project import Project
    from testaudit.registry import build_ruleset

    warnings: List[Warning_] = []
    store = Cache.open(config.root, warnings) if cache else None
    tree = _Tree(config.root)
    keys = _keys(config, None, ())
    try:
        with _Workers(config, build_ruleset(config, select=["TA001"]), 1, None) as workers:
            loader = _Loader(tree, workers, store, keys, _Reach(config, tree))
            files = ProjectFiles(config.src, tree.listed, tree.isdir, loader)
            yield Project(files, categorizer_for(config), ())
    finally:
        if store is not None:
            store.close()


def categorizer_for(config: Config):
    """Categories with TA501's ``required`` bases as the default category bases."""
    from testaudit.categories import Categorizer
    from testaudit.registry import parse_options, rule_by_key

    ta501 = rule_by_key("TA501")
    bases: Dict[str, Tuple[str, ...]] = {}
    if ta501 is not None:
        options, _ = parse_options(ta501, config.rule_options.get("TA501", config.rule_options.get(ta501.NAME, {})),
                                      config.source, "rules.TA501")
        bases = {k: tuple(v) for k, v in getattr(options, "required", {}).items()}
    return Categorizer(config.categories, bases)


def _expander() -> Callable[[str], Set[str]]:
    """Rule selector (code, name, prefix or ALL) → the codes it names."""
    from testaudit.registry import all_rules, rule_matches

    cache: Dict[str, Set[str]] = {}

    def expand(key: str) -> Set[str]:
        if key not in cache:
            cache[key] = {c.CODE for c in all_rules() if rule_matches(c, key)}
        return cache[key]

    return expand


def default_jobs() -> int:
    """The usable CPUs (affinity-aware where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _quiet_context() -> "multiprocessing.context.BaseContext":
    """The default multiprocessing context, whose processes start with SIGINT blocked: Ctrl-C
    reaches the whole process group, and a worker caught between its birth and its initializer
    (which ignores SIGINT, then unblocks it) would print a traceback of its own. In the main
    process a Ctrl-C during the fork is only deferred until the fork returns."""
    import multiprocessing
    import signal

    base = multiprocessing.get_context()
    if not hasattr(signal, "pthread_sigmask"):
        return base

    class Process(base.Process):  # type: ignore[name-defined]
        def start(self) -> None:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                super().start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    context = copy.copy(base)
    context.Process = Process  # type: ignore[misc]
    return context


def _died(src: SourceFile, role: str, processes: Sequence[Any]) -> FileResult:
    """The result of a file that killed its worker alone: over its CPU or memory budget when the
    kernel's limits ended it (SIGXCPU, or SIGKILL/SIGABRT after a failed allocation is not told
    apart from a crash), else a crash."""
    from testaudit.analyze import crashed_result, over_budget_result
    from testaudit.budget import OverBudget

    import time

    deadline = time.monotonic() + 5  # the pool's own thread may be the one reaping it: wait for its code
    while any(p.exitcode is None for p in processes) and time.monotonic() < deadline:
        time.sleep(0.01)
    codes = {p.exitcode for p in processes}
    if hasattr(signal, "SIGXCPU") and -signal.SIGXCPU in codes:
        return over_budget_result(src, role, OverBudget())
    return crashed_result(src, role)


class _Workers:
    """Per-file work for one run, handed out as it is discovered: in this process with one job
    (or for a lone file), else in one process pool kept for the whole run. Results come back in
    completion order; callers sort."""

    def __init__(self, config: Config, ruleset: "RuleSet", jobs: Optional[int],
                 progress: Optional[Progress] = None) -> None:
        from testaudit.analyze import init_worker

        self.config, self.ruleset, self.progress = config, ruleset, progress
        self.count = jobs or config.jobs or default_jobs()
        self.pool: Optional["ProcessPoolExecutor"] = None
        self.running: Dict["Future[List[FileResult]]", Tuple[str, Sequence[SourceFile]]] = {}
        # futures as they finish (each puts itself here, from the pool's thread): waiting for any
        # of a few hundred with concurrent.futures.wait locks every one of them on every call
        self.finished: "Optional[queue.SimpleQueue[Future[List[FileResult]]]]" = None
        self.ready: List[Tuple[str, FileResult]] = []
        self.done = {CHECK: 0, FACTS: 0}
        self.total = {CHECK: 0, FACTS: 0}
        self.crashed: List[str] = []  # files whose worker died: their results are never cached
        init_worker(config, ruleset)

    def __enter__(self) -> "_Workers":
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.pool is not None:
            if kind is not None:  # Ctrl-C or an error: stop now rather than finish queued chunks
                for process in list(getattr(self.pool, "_processes", {}).values()):
                    process.terminate()
            # a normal shutdown defers a Ctrl-C (see interrupt_deferred: it would be swallowed)
            with interrupt_deferred() if kind is None else nullcontext():
                self.pool.shutdown(wait=kind is None, cancel_futures=True)
                self.pool = None

    def submit(self, files: Sequence[SourceFile], role: str) -> None:
        """Queue ``files``, in chunks: one task per file costs the main process a wake-up and a
        message per file (a tenth of a cold full run on a 2-core machine)."""
        from testaudit.analyze import analyze_file, analyze_files, batch

        self.total[role] += len(files)
        if self.count <= 1 or (len(files) == 1 and not self.running):
            with batch(len(files)):  # as analyze_files does in a worker
                for f in files:
                    self._take(role, analyze_file(f, role))
            return
        if self.pool is None:
            import queue

            self.pool = self._new_pool(self.count)
            self.finished = queue.SimpleQueue()
        size = max(1, min(32, len(files) // (self.count * 4)))
        for i in range(0, len(files), size):
            chunk = files[i:i + size]
            future = self.pool.submit(analyze_files, chunk, role)
            self.running[future] = (role, chunk)
            future.add_done_callback(self.finished.put)  # type: ignore[union-attr]

    def _new_pool(self, count: int) -> "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor  # a warm run never starts a pool (15 ms to import)

        from testaudit.analyze import init_pool_worker

        return ProcessPoolExecutor(max_workers=count, initializer=init_pool_worker, mp_context=_quiet_context(),
                                   initargs=(self.config, self.ruleset))

    def collect(self, block: bool = True) -> List[Tuple[str, FileResult]]:
        """Results not yet collected, waiting for at least one when ``block``; empty when nothing
        is left (or, without ``block``, nothing has finished yet)."""
        if not self.ready and self.running:
            from concurrent.futures.process import BrokenProcessPool

            finished = self._finished(block)
            lost: List[Tuple[str, Sequence[SourceFile]]] = []
            for future in sorted(finished, key=lambda fut: self.running[fut][0]):
                role, chunk = self.running.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:  # a worker died: every task still in the pool is lost
                    lost.append((role, chunk))
                    continue
                for res in results:
                    self._take(role, res)
            if lost:
                self._recover(lost)
        out, self.ready = self.ready, []
        return out

    def _finished(self, block: bool) -> List["Future[List[FileResult]]"]:
        """The running futures that have finished, waiting for one when ``block`` (futures of a
        pool given up on, left in the queue, are not running any more: skipped)."""
        import queue

        out: List["Future[List[FileResult]]"] = []
        while self.finished is not None:
            try:
                future = self.finished.get(block=block and not out)  # then take what else is there
            except queue.Empty:
                break
            if future in self.running:
                out.append(future)
        return out

    def _recover(self, lost: List[Tuple[str, Sequence[SourceFile]]]) -> None:
        """A worker process died (killed, out of memory, a crash in native code). Finish what
        the broken pool held, ``count`` files at a time in a fresh pool; when a pool breaks
        again, redo those files one by one, and the file that kills its worker alone becomes a
        TA001 internal-error finding (a warning when only its facts were wanted). The run goes on."""
        from concurrent.futures.process import BrokenProcessPool

        from testaudit.analyze import analyze_files

        for future, (role, chunk) in list(self.running.items()):  # the rest of the broken pool
            try:
                for res in future.result():
                    self._take(role, res)
            except BrokenProcessPool:
                lost.append((role, chunk))
        self.running.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        todo = [(role, f) for role, chunk in lost for f in chunk]
        pool = self._new_pool(self.count)
        try:
            for i in range(0, len(todo), self.count):
                group = todo[i:i + self.count]
                futures = [pool.submit(analyze_files, [f], role) for role, f in group]
                try:
                    outcome = [fut.result() for fut in futures]
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    outcome = []
                    for role, f in group:  # one by one, to find the file that kills its worker
                        alone = self._new_pool(1)
                        processes = []
                        try:
                            future = alone.submit(analyze_files, [f], role)
                            processes = list(getattr(alone, "_processes", {}).values())
                            outcome.append(future.result())
                        except BrokenProcessPool:
                            outcome.append([_died(f, role, processes)])
                            self.crashed.append(f.rel)
                        finally:
                            alone.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool(self.count)
                for (role, _), results in zip(group, outcome):
                    for res in results:
                        self._take(role, res)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _take(self, role: str, res: FileResult) -> None:
        """A result is in. One over a per-file budget is treated as a crash: never cached."""
        if res.transient:
            self.crashed.append(res.path)
        self.ready.append((role, res))
        self._tick(role)

    def here(self, src: SourceFile, role: str) -> FileResult:
        """One file analysed in this process, now: a read the project phase asks for. A file
        whose worker died in this run is not tried again here, where it would take the run down
        with it; its crash result stands (and, like every crashed file, is never cached)."""
        from testaudit.analyze import analyze_file, crashed_result

        self.total[role] += 1
        res = crashed_result(src, role) if src.rel in self.crashed else analyze_file(src, role)
        if res.transient:
            self.crashed.append(res.path)
        self._tick(role)
        return res

    def map(self, files: Sequence[SourceFile], role: str) -> List[FileResult]:
        """Every file's result, in ``files`` order."""
        self.submit(files, role)
        by_path: Dict[str, FileResult] = {}
        while len(by_path) < len(files):
            batch = self.collect()
            if not batch:
                break
            by_path.update((res.path, res) for _, res in batch)
        return [by_path[f.rel] for f in files]

    def _tick(self, role: str) -> None:
        self.done[role] += 1
        if self.progress is not None:
            self.progress(role, self.done[role], self.total[role])


def _analyze(files: Sequence[SourceFile], config: Config, workers: _Workers, store: Optional[Cache],
             keys: Dict[str, str], tree: _Tree, reach: "_Reach", expand: bool = True,
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
            cached = store.results([f.rel for f in batch], _wanted_keys(keys, role))
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
                store.put_results((res,), _result_key(keys, role), role)
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


def _wanted_keys(keys: Dict[str, str], role: str) -> Dict[str, str]:
    """The cache entries that serve ``role``: a full check's facts serve a facts-only read too."""
    return {CHECK: keys[ANALYSIS]} if role == CHECK else {FACTS: keys[FACTS], CHECK: keys[ANALYSIS]}


def _result_key(keys: Dict[str, str], role: str) -> str:
    """The key a file's analysis is stored under."""
    return keys[ANALYSIS] if role == CHECK else keys[FACTS]


class _Reach:
    """What a file reaches: its conftest chain, and the project files of every module its facts
    name — imported modules and names, and the classes and functions it uses as bases or calls
    (``import a`` then ``class T(a.b.C)`` reaches ``a/b.py``) — each with its parent packages.
    The project phase reads nothing else, so a closure signature covers every file a checked
    file's findings depend on."""

    def __init__(self, config: Config, tree: _Tree) -> None:
        self.src, self.tree = config.src, tree
        self.modules: Dict[str, List[str]] = {}
        self.names: Dict[str, Set[str]] = {}  # a dotted name → the files of it and its parents
        self.dirs: Dict[str, bool] = {}  # a module → is there a directory for its submodules
        self.chains: Dict[str, List[str]] = {}
        self.missing: Dict[str, List[str]] = {}  # a dotted name → its would-be files, when none exists
        self.tops: Dict[str, bool] = {}  # a top-level name → is it one of the project's

    def chain(self, rel: str) -> List[str]:
        return _conftest_chain(rel, self.tree.isfile, self.chains)

    def targets(self, facts: FileFacts) -> List[str]:
        names: Set[str] = set()
        for imp in facts.imports:
            names.update((imp.module, imp.target))
        for cls in facts.classes:
            names.update(b for b in cls.bases if not b.startswith("?"))
        for fn in facts.functions:
            names.update(call.target for call in fn.calls)
        found: Set[str] = set()
        for name in names:  # the same names recur in thousands of files: each is resolved once
            files = self.names.get(name)
            if files is None:
                files = self.names[name] = self._files_of(name)
            found |= files
        return sorted(found)

    def absent(self, facts: FileFacts) -> List[str]:
        """The files an import of ``facts`` would resolve to if they existed, for each imported
        module that none of them exists for — ``?``-prefixed (:data:`ABSENT`). They are part of
        the file's closure, so creating one invalidates what could not import it before."""
        found: Set[str] = set()
        for imp in facts.imports:
            for name in {imp.module, imp.target}:
                if not name or imp.star and name == imp.target:
                    continue
                missing = self.missing.get(name)
                if missing is None:
                    missing = self.missing[name] = self._missing_files(name)
                found.update(missing)
        return sorted(found)

    def _missing_files(self, name: str) -> List[str]:
        top = name.split(".")[0]
        if top not in self.tops:  # only names under the project's own packages (not os, pytest…)
            self.tops[top] = bool(self._files_of(top)) or may_have_submodules(top, self.src, self.tree.isdir)
        if not self.tops[top]:
            return []
        stem = name.replace(".", "/")
        candidates = [f"{'' if root in ('.', '') else root.rstrip('/') + '/'}{stem}{end}"
                      for root in self.src for end in (".py", "/__init__.py")]
        if any(self.tree.listed(c) for c in candidates):
            return []
        return [ABSENT + c for c in candidates]

    def _files_of(self, name: str) -> Set[str]:
        """The files of module ``name`` and of its parents. Shortest first, and no further than
        a directory exists for: ``a.b`` can only be ``a/b.py`` or ``a/b/__init__.py`` under some
        root (most names a file calls, ``self.client.get``, stop at their first part)."""
        files: Set[str] = set()
        if not name:
            return files
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            mod = ".".join(parts[:i])
            paths = self.modules.get(mod)
            if paths is None:
                paths = self.modules[mod] = module_paths(mod, self.src, self.tree.listed)
            files.update(paths)
            if i < len(parts):
                below = self.dirs.get(mod)
                if below is None:
                    below = self.dirs[mod] = may_have_submodules(mod, self.src, self.tree.isdir)
                if not below:
                    break
        return files


class _Loader:
    """Facts for the project phase of a file not read yet: from the cache when its content is
    known there, else analysed here (facts only: CPython's parser, libcst where they could
    differ) and cached like any other result, with what it reaches."""

    def __init__(self, tree: _Tree, workers: _Workers, store: Optional[Cache], keys: Dict[str, str],
                 reach: _Reach) -> None:
        self.tree, self.workers, self.store, self.keys, self.reach = tree, workers, store, keys, reach

    def __call__(self, rel: str) -> FileFacts:
        if self.store is not None:
            cached = self.store.results([rel], _wanted_keys(self.keys, FACTS)).get(rel)
            if cached is not None:
                return cached.facts
        res = self.workers.here(self.tree.source(rel), FACTS)
        if self.store is not None and rel not in self.workers.crashed:
            self.store.put_results((res,), self.keys[FACTS], FACTS)
            self.store.put_deps({rel: self.reach.targets(res.facts) + self.reach.absent(res.facts)}, self.keys[FACTS])
        return res.facts


def _conftest_chain(rel: str, isfile: Callable[[str], bool], memo: Dict[str, List[str]]) -> List[str]:
    """The conftest.py files pytest loads for ``rel``: its directory's and every parent's."""
    directory = rel.rsplit("/", 1)[0] if "/" in rel else ""
    if directory not in memo:
        here = f"{directory}/conftest.py" if directory else "conftest.py"
        own = [here] if isfile(here) else []
        parent = _conftest_chain(directory, isfile, memo) if directory else []
        memo[directory] = own + parent
    return memo[directory]


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
