"""What a run can take from the cache: the keys its results are stored under, the closure
signatures that tell a stored outcome is still valid, the whole-run record, and facts read on
demand for the project phase (from the cache when known, else analysed now)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from testaudit.cache import ABSENT, PART_SIZE, Cache, Graph, closure_signatures, digest_bytes, key_of, numbers_reached
from testaudit.config import Config
from testaudit.discover import reached_support
from testaudit.gc_tuning import set_aside
from testaudit.model import CHECK, FACTS, FileFacts, Outcome
from testaudit.project_files import FILE
from testaudit.tree import FileTree, Reach, conftest_chain

if TYPE_CHECKING:
    from testaudit.workers import Workers


ANALYSIS = "analysis"  # the cache key of per-file analyses (see cache_keys)


def cache_keys(config: Config, select: Optional[Sequence[str]], ignore: Sequence[str]) -> Dict[str, str]:
    """Cache keys: facts depend on the configuration; checks also on the rule selection. A
    file's analysis (``ANALYSIS``) does not depend on the options rules read only when keeping
    findings; its final outcome (``CHECK``) does."""
    # a result within the per-file budgets does not depend on them (one over them is never cached)
    settings = replace(config, fail_under=None, fail_under_category=(), jobs=None, force_exclude=False,
                       baseline=None, verify={}, max_file_seconds=0, max_file_memory=0)
    facts = key_of(settings.root, settings.src, settings.test_files, settings.python_classes,
                   settings.python_functions, settings.categories)
    selection = (tuple(select or ()), tuple(ignore))
    return CacheKeys({FACTS: facts, CHECK: key_of(facts, repr(settings), *selection)}, settings, selection)


class CacheKeys(Dict[str, str]):
    """The cache keys of a run; ``ANALYSIS`` is computed when first asked: it needs the rule
    classes (libcst), which a warm run served from the cache never imports."""

    def __init__(self, keys: Dict[str, str], settings: Config, selection: Tuple[Tuple[str, ...], ...]) -> None:
        super().__init__(keys)
        self.settings, self.selection = settings, selection

    def __missing__(self, key: str) -> str:
        if key != ANALYSIS:
            raise KeyError(key)
        # nested configurations only narrow what is kept (testaudit.nested_config): not analysis
        analysis = replace(self.settings, rule_options=_without_keep_options(self.settings.rule_options), nested=())
        self[key] = value = key_of(self[FACTS], repr(analysis), *self.selection)
        return value


def _without_keep_options(options: Mapping[str, Mapping[str, object]]) -> Dict[str, Dict[str, object]]:
    """Rule options as a file's analysis sees them: a cross-file rule's options and the options
    a per-file rule reads only in ``keep`` play no part in it."""
    if not options:  # the usual case: no rule classes (nor libcst) needed to say so
        return {}
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


def check_key(config: Config, select: Optional[Sequence[str]] = None, ignore: Sequence[str] = ()) -> str:
    """What a run's findings depend on besides file contents (tool, configuration, selection)."""
    return cache_keys(config, select, ignore)[CHECK]


@dataclass(frozen=True)
class Signatures:
    """Closure signatures of a run's files and of every file they reach (None: some file in the
    closure was never analysed at its content), the conftest chains probed per directory on the
    way, and the dependency graph walked (successors of each file whose dependencies are known)."""

    sigs: Dict[str, Optional[str]]
    chains: Dict[str, List[str]]
    edges: Dict[str, Sequence[str]]
    fingerprints: Mapping[str, Any] = field(default_factory=dict)  # of files known unchanged since read
    recorded: bool = False  # taken from a run record (recorded_signatures), not walked


def run_signatures(rels: Sequence[str], tree: FileTree, store: Cache, facts_key: str,
                   known: Mapping[str, Optional[str]] = {}) -> Signatures:
    """The closure signatures of ``rels``; a file in ``known`` has that signature already."""
    chains: Dict[str, List[str]] = {}
    edges: Dict[str, Sequence[str]] = {}

    def successors(rel: str) -> Optional[Sequence[str]]:
        if rel.startswith(ABSENT):  # a file that did not exist: it has no dependencies of its own
            return ()
        deps = store.deps(rel, facts_key)
        if deps is None:
            return None
        return sorted(set(conftest_chain(rel, tree.isfile, chains)) | set(deps))

    return Signatures(closure_signatures(rels, store.digest, successors, edges, known), chains, edges)


@dataclass(frozen=True)
class Demand:
    """What the project phase of a run that read facts on demand relied on: the files whose facts
    it read, the file tree's answers (``probes``), and the files it checked."""

    read: Tuple[str, ...]
    probes: Mapping[str, bool]
    checked: FrozenSet[str]


@dataclass(frozen=True)
class Changed:
    """A run record some of whose files changed since (``changed``, path → digest recorded), with
    its outcomes, files, chains and graph; :func:`delta` says what must be checked again.
    ``restamped``: files with the same content and new stats."""

    changed: Mapping[str, Optional[str]]
    restamped: FrozenSet[str]
    outcomes: Dict[str, Outcome]
    files: Mapping[str, Any]
    chains: Mapping[str, List[str]]
    graph: Graph
    parts: Tuple[str, ...]


@dataclass(frozen=True)
class Delta:
    """What a run does with a :class:`Changed` record: keep the outcomes of the files that reach
    no change other files could see (``kept``), take the signatures of the other files as they
    were (``known``), and build the new record from the old one without walking the closures of
    the files kept or encoding their outcomes again (``parts``: the old record's). ``stale``:
    files whose fingerprint must be taken anew.

    A file reaching only quiet changes keeps its old signature: a signature is a key under which
    an outcome is valid, and the outcome it keys is the same whichever of the two contents the
    quiet file has (other files read only its facts, which are equal)."""

    kept: Dict[str, Outcome]
    known: Dict[str, Optional[str]]
    files: Mapping[str, Any]
    chains: Mapping[str, List[str]]
    graph: Graph
    stale: FrozenSet[str]
    parts: Tuple[str, ...]


def delta(record: Changed, quiet: FrozenSet[str] = frozenset()) -> Delta:
    """``quiet``: changed files whose facts (all that other files' outcomes read of them) are as
    they were. Only they change; the files reaching them keep their outcomes and signatures."""
    graph = record.graph
    affected = graph.reaching([rel for rel in record.changed if rel not in quiet])
    rerun = affected | (quiet & record.outcomes.keys())
    kept = {rel: o for rel, o in record.outcomes.items() if rel not in rerun}
    known = {rel: sig for rel, sig in zip(graph.order, graph.sigs) if rel not in affected and rel not in quiet}
    return Delta(kept, known, record.files, record.chains, graph, frozenset(record.changed) | record.restamped,
                 record.parts)


def put_memo(store: Cache, run_key: str, rels: Sequence[str], outcomes: Dict[str, Outcome],
             signatures: Signatures, demand: Optional[Demand] = None, facts_key: Optional[str] = None) -> None:
    """Remember this run whole: every file its closures hold (with digests), the conftest probes,
    the graph and the outcomes; the next identical run with none of them changed loads just
    this, and one with a few changed re-checks only what reaches them. Outcomes computed from
    facts read on demand have no closure signature: for them the record holds what the project
    phase read and every answer the file tree gave it, which is all they depend on. When its
    signatures were walked (not taken from a record), the record becomes the latest graph under
    ``facts_key``, the one other runs take signatures from."""
    order = sorted(set(signatures.sigs) | set(demand.read if demand else ()))
    graph = None
    if demand is None:
        number = {rel: i for i, rel in enumerate(order)}
        graph = Graph(order, [[number[c] for c in signatures.edges.get(rel, ())] for rel in order],
                      [signatures.sigs[rel] for rel in order])
    known = signatures.fingerprints
    store.put_memo(run_key, {rel: known.get(rel) or store.fingerprint(rel) for rel in order}, signatures.chains,
                   dict(demand.probes) if demand else {}, [outcomes[rel] for rel in rels], graph)
    if graph is not None and facts_key is not None and not signatures.recorded:
        store.put_latest_graph(facts_key, run_key)


def put_delta_memo(store: Cache, run_key: str, rels: Sequence[str], outcomes: Dict[str, Outcome],
                   delta: Delta, signatures: Signatures, facts_key: str) -> None:
    """The record of a run that re-checked what a :class:`Delta` named: the old graph with the
    re-walked files' successors and signatures replaced (new files numbered after the old),
    cut to what ``rels`` reach; old fingerprints except for stale and new files. Other runs no
    longer take signatures from it: those of files reaching a quiet change are the old ones."""
    old = delta.graph
    order, edges, sigs = list(old.order), list(old.edges), list(old.sigs)
    number = {rel: i for i, rel in enumerate(order)}

    def numbered(rel: str) -> int:
        i = number.get(rel)
        if i is None:
            i = number[rel] = len(order)
            order.append(rel)
            edges.append([])
            sigs.append(None)
        return i

    for rel, succ in signatures.edges.items():
        edges[numbered(rel)] = [numbered(c) for c in succ]
    for rel, sig in signatures.sigs.items():
        sigs[numbered(rel)] = sig
    reached = numbers_reached(edges, [numbered(rel) for rel in rels])
    if len(reached) < len(order):  # files nothing reaches any more are dropped; the rest numbered anew
        kept = sorted(reached)
        renumber = {i: k for k, i in enumerate(kept)}
        order, edges, sigs = ([order[i] for i in kept], [[renumber[j] for j in edges[i]] for i in kept],
                              [sigs[i] for i in kept])
    files, stale = delta.files, delta.stale
    chains = dict(delta.chains)
    chains.update(signatures.chains)
    same = delta.kept  # outcomes of the old record, which holds them in parts of PART_SIZE in rels' order
    reuse = [part if all(rel in same for rel in rels[i * PART_SIZE:(i + 1) * PART_SIZE]) else None
             for i, part in enumerate(delta.parts)]
    store.put_memo(run_key, {rel: files[rel] if rel in files and rel not in stale else store.fingerprint(rel)
                             for rel in order}, chains, {}, [outcomes[rel] for rel in rels], Graph(order, edges, sigs),
                   reuse)
    store.forget_latest_graph(facts_key, run_key)


def from_memo(store: Cache, run_key: str, tree: FileTree) -> Tuple[Optional[Dict[str, Outcome]], Optional[Changed]]:
    """The outcomes of the last run with this key when nothing it depends on changed; else, when
    its record has the dependency graph and only file contents changed, what changed."""
    memo = store.memo(run_key)
    found = _changes(store, memo.files, memo.probes, memo.chains, tree) if memo is not None else None
    if memo is None or found is None:
        return None, None
    changed, restamped = found
    graph = memo.graph() if changed else None
    if changed and graph is None:
        return None, None
    with set_aside():
        loaded = memo.outcomes()
    if loaded is None:
        return None, None
    outcomes = {o.path: o for o in loaded}
    if graph is None:
        return outcomes, None
    return None, Changed({rel: memo.files[rel][0] for rel in changed}, frozenset(restamped), outcomes, memo.files,
                         memo.chains, graph, memo.parts)


def _changes(store: Cache, files: Mapping[str, Any], probes: Mapping[str, bool], chains: Mapping[str, List[str]],
             tree: FileTree) -> Optional[Tuple[List[str], List[str]]]:
    """What changed of a record's ``files`` (see :meth:`Cache.changes`); None when the record no
    longer holds at all (a file-tree answer or a conftest chain is not what it was)."""
    found = store.changes(files)
    if found is None:
        return None
    for asked, answer in probes.items():
        kind, rel = asked[:len(FILE)], asked[len(FILE):]
        if (tree.listed(rel) if kind == FILE else tree.isdir(rel)) != answer:
            return None
    probe: Dict[str, List[str]] = {}
    for directory, chain in chains.items():
        if conftest_chain(f"{directory}/x" if directory else "x", tree.isfile, probe) != chain:
            return None
    return found


def recorded_signatures(store: Cache, facts_key: str, rels: Sequence[str], tree: FileTree) -> Optional[Signatures]:
    """The signatures of ``rels`` and of everything they reach, taken from the latest run record
    with a graph under the same facts (another rule selection or options, ``verify``'s second
    check, a pre-commit run after a full one) when it holds them all and nothing they reach
    changed since: a signature depends on file contents and facts only, so walking the closures
    again would give the same (``tests/test_incremental.py`` compares the two)."""
    run_key = store.latest_graph(facts_key)
    memo = store.memo(run_key) if run_key is not None else None
    graph = memo.graph() if memo is not None else None
    if memo is None or graph is None:
        return None
    number = {rel: i for i, rel in enumerate(graph.order)}
    if not all(rel in number and graph.sigs[number[rel]] for rel in rels):
        return None
    reached = sorted(numbers_reached(graph.edges, [number[rel] for rel in rels]))
    order = [graph.order[i] for i in reached]
    files = {rel: memo.files[rel] for rel in order}
    chains = _chains_of(order, memo.chains)
    found = _changes(store, files, {}, chains, tree)  # a record with a graph has no probes
    if found is None or found[0]:
        return None
    restamped = set(found[1])
    return Signatures({graph.order[i]: graph.sigs[i] for i in reached}, chains,
                      {graph.order[i]: [graph.order[j] for j in graph.edges[i]] for i in reached},
                      {rel: fingerprint for rel, fingerprint in files.items() if rel not in restamped}, recorded=True)


def _chains_of(rels: Sequence[str], chains: Mapping[str, List[str]]) -> Dict[str, List[str]]:
    """The conftest chains recorded for the directories of ``rels`` and their parents (the
    conftest walk probes each)."""
    dirs = {""}
    for rel in rels:
        directory = rel.rpartition("/")[0] if not rel.startswith(ABSENT) else ""
        while directory not in dirs:
            dirs.add(directory)
            directory = directory.rpartition("/")[0]
    return {d: list(chain) for d, chain in chains.items() if d in dirs}


def wanted_keys(keys: Dict[str, str], role: str) -> Dict[str, str]:
    """The cache entries that serve ``role``: a full check's facts serve a facts-only read too."""
    return {CHECK: keys[ANALYSIS]} if role == CHECK else {FACTS: keys[FACTS], CHECK: keys[ANALYSIS]}


def result_key(keys: Dict[str, str], role: str) -> str:
    """The key a file's analysis is stored under."""
    return keys[ANALYSIS] if role == CHECK else keys[FACTS]


class Loader:
    """Facts for the project phase of a file not read yet: from the cache when its content is
    known there, else analysed here (facts only: CPython's parser, libcst where they could
    differ) and cached like any other result, with what it reaches."""

    def __init__(self, tree: FileTree, workers: Workers, store: Optional[Cache], keys: Dict[str, str],
                 reach: Reach) -> None:
        self.tree, self.workers, self.store, self.keys, self.reach = tree, workers, store, keys, reach

    def __call__(self, rel: str) -> FileFacts:
        if self.store is not None:
            cached = self.store.results([rel], wanted_keys(self.keys, FACTS)).get(rel)
            if cached is not None:
                return cached.facts
        res = self.workers.here(self.tree.source(rel), FACTS)
        if self.store is not None and rel not in self.workers.crashed:
            self.store.put_results((res,), self.keys[FACTS], FACTS)
            self.store.put_deps({rel: self.reach.targets(res.facts) + self.reach.absent(res.facts)}, self.keys[FACTS])
        return res.facts


def unreached_support(config: Config, rels: Sequence[str], outcomes: Mapping[str, Outcome], candidates: Sequence[str],
                      is_package: Callable[[str], bool], store: Optional[Cache], run_key: str) -> Tuple[str, ...]:
    """The support modules among ``candidates`` that no checked file reaches (see
    :func:`testaudit.discover.reached_support`), decided from the outcomes' imports at every run,
    so a cached outcome never holds the answer. The decision is remembered for the run key with
    a digest of those inputs and the file-tree answers it asked, which must all still hold for a
    later run to take it: a warm run does not walk ~150,000 imported names again."""
    if not candidates:
        return ()
    imports = {rel: outcomes[rel].imports for rel in rels}
    inputs = ""
    if store is not None:
        text = "\n".join(["\0".join(candidates), "\0".join(config.src), config.root]
                         + ["\0".join((rel,) + tuple(imports[rel])) for rel in rels])
        inputs = digest_bytes(text.encode("utf-8", "surrogateescape"))
        known = store.reach(run_key, inputs)
        if known is not None and all(is_package(d) == answer for d, answer in known[0].items()):
            return known[1]
    asked: Dict[str, bool] = {}

    def asking(directory: str) -> bool:
        answer = asked.get(directory)
        if answer is None:
            answer = asked[directory] = is_package(directory)
        return answer

    reached = reached_support(candidates, imports, config.src, asking)
    unreached = tuple(sorted(set(candidates) - reached))
    if store is not None and not store.read_only:
        store.put_reach(run_key, inputs, asked, unreached)
    return unreached
