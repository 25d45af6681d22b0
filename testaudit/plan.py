"""What a run can take from the cache: the keys its results are stored under, the closure
signatures that tell a stored outcome is still valid, the whole-run record, and facts read on
demand for the project phase (from the cache when known, else analysed now)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple

from testaudit.cache import ABSENT, Cache, closure_signatures, key_of
from testaudit.config import Config
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


def run_signatures(rels: Sequence[str], tree: FileTree, store: Cache,
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
        return sorted(set(conftest_chain(rel, tree.isfile, chains)) | set(deps))

    return closure_signatures(rels, store.digest, successors), chains


@dataclass(frozen=True)
class Demand:
    """What the project phase of a run that read facts on demand relied on: the files whose facts
    it read, the file tree's answers (``probes``), and the files it checked."""

    read: Tuple[str, ...]
    probes: Mapping[str, bool]
    checked: FrozenSet[str]


def put_memo(store: Cache, run_key: str, rels: Sequence[str], outcomes: Dict[str, Outcome],
              signatures: Tuple[Dict[str, Optional[str]], Dict[str, List[str]]],
              demand: Optional["Demand"] = None) -> None:
    """Remember this run whole: every file its closures hold (with digests), the conftest probes,
    and the outcomes; the next identical run with none of them changed loads just this. Outcomes
    computed from facts read on demand have no closure signature: for them the record holds what
    the project phase read and every answer the file tree gave it, which is all they depend on."""
    sigs, chains = signatures
    paths = set(sigs) | set(demand.read if demand else ())
    store.put_memo(run_key, sorted(paths), chains, dict(demand.probes) if demand else {}, [outcomes[rel] for rel in rels])


def from_memo(store: Cache, run_key: str, tree: FileTree) -> Optional[Dict[str, Outcome]]:
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
        if conftest_chain(f"{directory}/x" if directory else "x", tree.isfile, probe) != chain:
            return None
    with set_aside():
        return {o.path: o for o in outcomes()}


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
