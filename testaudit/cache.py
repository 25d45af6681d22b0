"""The content-hash cache (SPEC §10): ``.testaudit_cache/cache.sqlite3`` at the project root.

One SQLite file, so loading it for a whole project is one open, and concurrent runs are
serialised by SQLite's own locking; every write happens in one transaction (atomic). The
folder carries a ``.gitignore`` of ``*``. What it holds:

- ``stats``: path → size, stat stamp (mtime, ctime, inode) and content digest, so an untouched
  file is not even read;
- ``results``: per-file results (findings and facts) by path, content digest, configuration
  key and role (full check, or facts only), so an unchanged file is never parsed again;
- ``deps``: the project files a file's imports resolve to, for the closure signatures;
- ``outcomes``: a checked file's final findings and score summary, with the signature of
  everything it depends on (its closure), reused while that signature holds;
- ``meta``: schema and tool version, per configuration key the selected rules' metadata, the
  record of the last run, and the score at each commit ``testaudit trend`` has computed.

Values are JSON (never pickle: a cache file planted in a repository must not run code). A
corrupt database, or one written by another schema or tool version, is discarded with a
warning; a cache that cannot be written is skipped with a warning and the run goes on.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import sqlite3
import struct
from collections import defaultdict
import time
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any, Callable, DefaultDict, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

import testaudit.model as model
from testaudit._version import __version__
from testaudit.model import FileResult, Outcome, RuleInfo, Warning_
from testaudit.source import read_regular

DIR = ".testaudit_cache"
ABSENT = "?"  # prefixes a dependency on a file that did not exist (tree.Reach.absent)
RACY_NS = 2_000_000_000  # stats of a file modified this recently are not recorded (mtime granularity)
DB = "cache.sqlite3"
SCHEMA = "15"
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS stats (rel TEXT PRIMARY KEY, size INTEGER, stamp TEXT, digest TEXT)",
    "CREATE TABLE IF NOT EXISTS results (rel TEXT, digest TEXT, key TEXT, role TEXT, value TEXT,"
    " PRIMARY KEY (rel, key, role))",
    "CREATE TABLE IF NOT EXISTS deps (rel TEXT, digest TEXT, key TEXT, value TEXT, PRIMARY KEY (rel, key))",
    "CREATE TABLE IF NOT EXISTS outcomes (rel TEXT, key TEXT, sig TEXT, value TEXT, PRIMARY KEY (rel, key))",
    "CREATE TABLE IF NOT EXISTS parts (digest TEXT PRIMARY KEY, value TEXT)",
)


RUNS_KEPT = 16  # run records kept (see _keep_recent)
PART_SIZE = 512  # outcomes per part of a run record: an edit re-encodes the parts holding re-checked files
DEPS_ONE_BY_ONE = 500
HELD_ONE_BY_ONE = 200  # files whose cached results are looked up one by one before the list is read whole  # dependency lookups answered by single queries before the table is read whole
LOCK_TIMEOUT = 5.0  # seconds a run waits for another run's write to end before doing without the cache


def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def stamp(st: os.stat_result) -> str:
    """What must be unchanged for a file's stats to stand for its content: mtime, and ctime and
    inode, which a replacement keeping size and mtime (``cp -p``, ``touch -r``, a rename over
    it) still changes."""
    return f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def key_of(*parts: object) -> str:
    """A configuration key: tool version and code + the repr of what the cached values depend on."""
    return digest_bytes(repr((__version__, SCHEMA, _code_stamp()) + parts).encode("utf-8"))


@lru_cache(maxsize=1)
def _code_stamp() -> Tuple[Tuple[str, int, int], ...]:
    """Size and mtime of testaudit's own modules, so an edited or reinstalled copy with the same
    version number (a development install) never reuses results its old code produced."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamp = []
    for folder, _, names in sorted(os.walk(package)):
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                stamp.append((os.path.relpath(os.path.join(folder, name), package), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


class Cache:
    """Open with :meth:`open`; read freely; :meth:`close` writes everything in one transaction."""

    def __init__(self, root: str, conn: sqlite3.Connection, warnings: List[Warning_]) -> None:
        self.root = root
        self.conn = conn
        self.warnings = warnings
        self._stats: Optional[Dict[str, Tuple[int, str, str]]] = None  # read when first needed
        self._digests: Dict[str, Optional[str]] = {}
        self._new_stats: Dict[str, Tuple[int, str, str]] = {}
        self._deps: Dict[str, Dict[Tuple[str, str], Tuple[str, ...]]] = {}
        self._new_deps: Dict[str, Dict[Tuple[str, str], Tuple[str, ...]]] = {}  # written before the table was read
        self._deps_asked: Dict[str, int] = {}
        self._held_results: Dict[Tuple[str, str], Dict[str, str]] = {}
        self._held_asked: Dict[Tuple[str, str], int] = {}
        # (key, role) → path → (digest, result) of what this run analysed and stored
        self._fresh: DefaultDict[Tuple[str, str], Dict[str, Tuple[str, FileResult]]] = defaultdict(dict)
        self._writes: List[Tuple[str, Sequence[object]]] = []
        self._in_transaction: List[Callable[[sqlite3.Connection], None]] = []  # read-modify-writes, run at close
        self.read_only = False

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str, warnings: List[Warning_]) -> Optional["Cache"]:
        folder = os.path.join(root, DIR)
        path = os.path.join(folder, DB)
        if os.path.islink(folder) or os.path.islink(path):  # it would write wherever the link leads
            warnings.append(Warning_(DIR, "cache disabled: it is a symbolic link; remove it to cache again"))
            return None
        try:
            os.makedirs(folder, exist_ok=True)
            ignore = os.path.join(folder, ".gitignore")
            if not os.path.exists(ignore):
                with open(ignore, "w", encoding="utf-8") as fh:
                    fh.write("# created by testaudit\n*\n")
        except OSError as exc:
            warnings.append(Warning_(DIR, f"cache disabled: cannot create it ({exc.strerror or exc})"))
            return None
        for attempt in (1, 2):
            try:
                conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
                problem = _check_schema(conn)
                if problem is None:
                    return cls(root, conn, warnings)
                conn.close()
                reason = problem
            except sqlite3.OperationalError as exc:
                if _busy(exc):  # another run holds it: never discard what it is using
                    warnings.append(Warning_(f"{DIR}/{DB}", f"cache not used: another process holds it ({exc})"))
                    return None
                reason = f"it is corrupt ({exc})"
            except sqlite3.Error as exc:
                reason = f"it is corrupt ({exc})"
            if attempt == 2:
                break
            warnings.append(Warning_(f"{DIR}/{DB}", f"cache discarded: {reason}; rebuilding it"))
            _unlink(path)
        warnings.append(Warning_(f"{DIR}/{DB}", "cache disabled: cannot rebuild it"))
        return None

    def assume(self, contents: Mapping[str, Optional[bytes]]) -> None:
        """Treat files as holding ``contents`` (None: absent) for the rest of this run, and write
        nothing back: a run over the project as it was at a git revision only reads the cache."""
        for rel, data in contents.items():
            self._digests[rel] = None if data is None else digest_bytes(data)
        self.read_only = True

    def close(self) -> None:
        """Write what this run learned, in one transaction; a failure only costs the cache."""
        try:
            if not self.read_only and (self._new_stats or self._writes):
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?)",
                                      [(rel, *v) for rel, v in sorted(self._new_stats.items()) if _storable(rel)])
                for sql, params in self._writes:
                    if _storable(params[0]):
                        self.conn.execute(sql, params)
                for step in self._in_transaction:
                    step(self.conn)
                self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache not updated: {exc}"))
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            self.conn.close()

    # -- content digests ----------------------------------------------------------------------
    def digest(self, rel: str) -> Optional[str]:
        """The file's content digest; read and hashed only when its size or :func:`stamp` changed. A
        ``?path`` (a file a dependency expected and did not find) has the digest of ``path``:
        None while it is absent."""
        if rel in self._digests:
            return self._digests[rel]
        if rel.startswith(ABSENT):
            self._digests[rel] = self.digest(rel[len(ABSENT):])
            return self._digests[rel]
        path = os.path.join(self.root, rel)
        value: Optional[str] = None
        try:
            st = os.stat(path)
            known = self._known().get(rel)
            if known is not None and known[0] == st.st_size and known[1] == stamp(st):
                value = known[2]
            else:
                value = digest_bytes(read_regular(path))
                # a file written within the clock's granularity of now may change again with the
                # same size and mtime: its stats are not trusted next time (git's "racy" files)
                if time.time_ns() - st.st_mtime_ns > RACY_NS:
                    self._new_stats[rel] = (st.st_size, stamp(st), value)
        except OSError:
            value = None
        self._digests[rel] = value
        return value

    def _known(self) -> Dict[str, Tuple[int, str, str]]:
        """The stats table: path → size, stamp and digest when last hashed."""
        if self._stats is None:
            self._stats = {rel: (size, stamp_, digest) for rel, size, stamp_, digest in
                           self._rows("SELECT * FROM stats", ())}
        return self._stats

    def fingerprint(self, rel: str) -> List[Any]:
        """``[digest, size, stamp]`` of a file as :meth:`digest` last saw it (``[None, -1, -1]``
        when absent): what a run record keeps of each file it depends on."""
        digest = self.digest(rel)
        seen = self._new_stats.get(rel) or self._known().get(rel)
        if digest is None or seen is None or seen[2] != digest:
            return [digest, -1, -1]
        return [digest, seen[0], seen[1]]

    def changes(self, files: Mapping[str, Any]) -> Optional[Tuple[List[str], List[str]]]:
        """Of a run record's ``files`` (path → fingerprint): those whose digest changed, and those
        whose stats changed while their digest did not (their fingerprint is stale). A file whose
        size and stamp are as recorded is taken as unchanged without a lookup (as :meth:`digest`
        takes it); a file recorded absent as still absent when its directory is (most of a run
        record: the places an import could have resolved to). None, with a warning, when a
        fingerprint is malformed."""
        prefix = os.path.join(self.root, "")
        stat = os.stat
        dirs: Dict[str, bool] = {"": True}

        def is_dir(rel_dir: str) -> bool:
            known = dirs.get(rel_dir)
            if known is None:
                parent = rel_dir.rpartition("/")[0]
                known = dirs[rel_dir] = is_dir(parent) and os.path.isdir(prefix + rel_dir)
            return known

        changed: List[str] = []
        restamped: List[str] = []
        try:
            for rel, (digest, size, stamp_) in files.items():
                if digest is None and rel.startswith(ABSENT) and not is_dir(rel[len(ABSENT):].rpartition("/")[0]):
                    continue
                try:
                    st = stat(prefix + rel)
                    if st.st_size == size and stamp(st) == stamp_:
                        continue
                except OSError:
                    pass
                (restamped if self.digest(rel) == digest else changed).append(rel)
        except (ValueError, TypeError) as exc:
            self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for the last run unreadable, ignored: {exc}"))
            return None
        return changed, restamped

    # -- per-file results ---------------------------------------------------------------------
    def results(self, rels: Iterable[str], keys: Mapping[str, str]) -> Dict[str, FileResult]:
        """Cached results of ``rels`` at their current digest, for any of ``keys`` (role → key):
        this run's own first, then what the cache held when opened."""
        out: Dict[str, FileResult] = {}
        rels = list(rels)
        fresh = [self._fresh[(key, role)] for role, key in keys.items()]
        for rel in rels:  # what this run analysed itself (it is written when the run closes)
            for stored in fresh:
                if rel in stored and stored[rel][0] == self.digest(rel):
                    out[rel] = stored[rel][1]
                    break
        rels = [rel for rel in rels if rel not in out]
        held = [(role, key, self._held(key, role, rels)) for role, key in keys.items()]
        for rel in rels:
            if not any(rel in digests for _, _, digests in held):
                continue  # nothing to compare: the file is not hashed here (a cold run's start)
            current = self.digest(rel)
            for role, key, digests in held:
                if current is not None and digests.get(rel) == current:
                    rows = self._rows("SELECT value FROM results WHERE rel = ? AND key = ? AND role = ?",
                                      (rel, key, role))
                    loaded = self._decode(rows[0][0], rel) if rows else None
                    if isinstance(loaded, FileResult):
                        out[rel] = loaded
                        break
        return out

    def result_at(self, rel: str, digest: str, keys: Mapping[str, str]) -> Optional[FileResult]:
        """The cached result of ``rel`` as it was at ``digest`` (a content it may no longer have),
        for any of ``keys`` (role → key)."""
        for role, key in keys.items():
            rows = self._rows("SELECT value FROM results WHERE rel = ? AND key = ? AND role = ? AND digest = ?",
                              (rel, key, role, digest))
            loaded = self._decode(rows[0][0], rel) if rows else None
            if isinstance(loaded, FileResult):
                return loaded
        return None

    def _held(self, key: str, role: str, rels: Sequence[str] = ()) -> Mapping[str, str]:
        """path → digest of the results the cache held for ``key`` and ``role`` when opened (what
        this run writes goes in when it closes): read whole once a run asks about many files;
        the first few (an edit's re-check) are looked up one by one."""
        held = self._held_results.get((key, role))
        if held is not None:
            return held
        asked = self._held_asked[(key, role)] = self._held_asked.get((key, role), 0) + len(rels)
        if asked <= HELD_ONE_BY_ONE:
            return {rel: digest for rel in rels for (digest,) in
                    self._rows("SELECT digest FROM results WHERE rel = ? AND key = ? AND role = ?", (rel, key, role))}
        held = self._held_results[(key, role)] = dict(
            self._rows("SELECT rel, digest FROM results WHERE key = ? AND role = ?", (key, role)))
        return held

    def put_results(self, results: Iterable[FileResult], key: str, role: str) -> None:
        for res in results:
            if res.digest:  # the bytes the analysis read: what this run's results and signatures are of
                if self.digest(res.path) != res.digest:  # the file changed meanwhile: hash it anew next time
                    self._new_stats.pop(res.path, None)
                self._digests[res.path] = res.digest
            digest = self.digest(res.path)
            if digest is not None:
                self._fresh[(key, role)][res.path] = (digest, res)
                self._writes.append(("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                                     (res.path, digest, key, role, encode(res))))

    # -- dependencies and closure signatures --------------------------------------------------
    def deps(self, rel: str, key: str) -> Optional[Tuple[str, ...]]:
        """The project files ``rel``'s imports resolved to when it was last analysed at this digest.
        The first lookups of a key are single queries (an edit's closure walk asks a few); the
        table is read whole once a run asks for many."""
        digest = self.digest(rel)
        if digest is None:
            return None
        table = self._deps.get(key)
        if table is None:
            asked = self._deps_asked[key] = self._deps_asked.get(key, 0) + 1
            if asked <= DEPS_ONE_BY_ONE:
                pending = self._new_deps.get(key, {})
                if (rel, digest) in pending:
                    return pending[(rel, digest)]
                rows = self._rows("SELECT value FROM deps WHERE rel = ? AND key = ? AND digest = ?", (rel, key, digest))
                return tuple(json.loads(rows[0][0])) if rows else None
            table = self._deps_table(key)
        return table.get((rel, digest))

    def _deps_table(self, key: str) -> Dict[Tuple[str, str], Tuple[str, ...]]:
        table = self._deps.get(key)
        if table is None:
            table = self._deps[key] = {(r, d): tuple(json.loads(v)) for r, d, v in
                                       self._rows("SELECT rel, digest, value FROM deps WHERE key = ?", (key,))}
            table.update(self._new_deps.pop(key, {}))
        return table

    def put_deps(self, deps: Mapping[str, Sequence[str]], key: str) -> None:
        table = self._deps.get(key)
        if table is None:  # not read just to write into it
            table = self._new_deps.setdefault(key, {})
        for rel, files in sorted(deps.items()):
            digest = self.digest(rel)
            if digest is not None:
                table[(rel, digest)] = tuple(files)
                self._writes.append(("INSERT OR REPLACE INTO deps VALUES (?, ?, ?, ?)",
                                     (rel, digest, key, json.dumps(list(files)))))

    # -- outcomes and rule metadata -----------------------------------------------------------
    def outcomes(self, key: str, sigs: Mapping[str, Optional[str]]) -> Dict[str, Outcome]:
        out: Dict[str, Outcome] = {}
        if len(sigs) > 200:  # one scan beats thousands of lookups
            rows = self._rows("SELECT rel, sig, value FROM outcomes WHERE key = ?", (key,))
        else:
            rows = [row for rel in sorted(sigs) for row in
                    self._rows("SELECT rel, sig, value FROM outcomes WHERE rel = ? AND key = ?", (rel, key))]
        for rel, sig, value in rows:
            if sig is not None and sigs.get(rel) == sig:
                try:
                    out[rel] = decode_outcomes(json.loads(value))[0]
                except (ValueError, TypeError, KeyError, IndexError) as exc:
                    self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for {rel} unreadable, ignored: {exc}"))
        return out

    def put_outcomes(self, outcomes: Iterable[Outcome], sigs: Mapping[str, Optional[str]], key: str) -> None:
        for o in outcomes:
            if sigs.get(o.path):
                self._writes.append(("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?)",
                                     (o.path, key, sigs[o.path], encode(encode_outcomes([o])))))

    def memo(self, run_key: str) -> Optional["RunRecord"]:
        """The record of the last run with this key (see :class:`RunRecord`)."""
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"run:{run_key}",)):
            try:
                files, chains, probes, parts = json.loads(value)
                if not isinstance(files, dict) or not isinstance(chains, dict) or not isinstance(probes, dict) \
                        or not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
                    raise TypeError("not a run record")
            except (ValueError, TypeError) as exc:
                self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for the last run unreadable, ignored: {exc}"))
                return None
            return RunRecord(files, chains, probes, lambda: self._outcomes_of(parts),
                             lambda: self._graph(run_key, list(files)), tuple(parts))
        return None

    def _outcomes_of(self, parts: Sequence[str]) -> Optional[List[Outcome]]:
        """The outcomes a run record's parts hold, in order; None (with a warning) when a part is
        missing or does not add up."""
        found: Dict[str, str] = {}
        for start in range(0, len(parts), 500):  # SQLite's bound on parameters
            chunk = parts[start:start + 500]
            found.update(self._rows(f"SELECT digest, value FROM parts WHERE digest IN ({','.join('?' * len(chunk))})",
                                    chunk))
        try:
            missing = [p for p in parts if p not in found]
            if missing:
                raise KeyError(f"part {missing[0]} is missing")
            return [o for p in parts for o in decode_outcomes(json.loads(found[p]))]
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for the last run unreadable, ignored: {exc}"))
            return None

    def _graph(self, run_key: str, order: List[str]) -> Optional["Graph"]:
        """The dependency graph of a run record (written beside it, read only when some of its
        files changed); None when it has none or it does not fit the record."""
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"graph:{run_key}",)):
            try:
                edges, sigs = json.loads(value)
                count = len(order)
                numbered = [succ for succ in edges if succ]
                if len(edges) != count or len(sigs) != count or numbered and not (
                        0 <= min(map(min, numbered)) and max(map(max, numbered)) < count):
                    raise ValueError("the graph does not fit the run record")
            except (ValueError, TypeError) as exc:
                self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for the last run unreadable, ignored: {exc}"))
                return None
            return Graph(order, edges, sigs)
        return None

    def put_memo(self, run_key: str, fingerprints: Mapping[str, List[Any]], chains: Mapping[str, List[str]],
                 probes: Mapping[str, bool], outcomes: Sequence[Outcome], graph: Optional["Graph"] = None,
                 reuse: Sequence[Optional[str]] = ()) -> None:
        """Record a run: the fingerprint of each file it depends on, the conftest probes, the
        file-tree answers and the outcomes, in parts of :data:`PART_SIZE` stored by content
        digest (``reuse[i]``, when given, is part ``i``'s digest in a record it replaces: those
        outcomes are the same, so they are neither encoded nor written again); beside it, when
        known, the dependency graph over those files (``graph.order`` must be ``fingerprints``'
        order). :meth:`memo` reads them back."""
        parts: List[str] = []
        for i, start in enumerate(range(0, len(outcomes), PART_SIZE)):
            digest = reuse[i] if i < len(reuse) else None
            if digest is None:
                text = encode(encode_outcomes(outcomes[start:start + PART_SIZE]))
                digest = digest_bytes(text.encode("ascii"))
                self._writes.append(("INSERT OR IGNORE INTO parts VALUES (?, ?)", (digest, text)))
            parts.append(digest)
        value = encode([dict(fingerprints), dict(chains), dict(probes), parts])
        self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"run:{run_key}", value)))
        if graph is None:
            self._writes.append(("DELETE FROM meta WHERE key = ?", (f"graph:{run_key}",)))
        else:
            assert graph.order == list(fingerprints), "the graph must number the record's files"
            self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 (f"graph:{run_key}", encode([graph.edges, graph.sigs]))))
        self._in_transaction.append(lambda conn: _keep_recent(conn, run_key, parts))

    def put_latest_graph(self, facts_key: str, run_key: str) -> None:
        """Say that ``run_key``'s record holds the latest dependency graph under ``facts_key``: a
        run over some of its files takes their signatures from there (see ``plan.recorded_signatures``)."""
        self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"graphs:{facts_key}", run_key)))

    def forget_latest_graph(self, facts_key: str, run_key: str) -> None:
        """``run_key``'s record no longer holds signatures a walk would give (a delta kept the old
        ones of files reaching a quiet change)."""
        self._writes.append(("DELETE FROM meta WHERE key = ? AND value = ?", (f"graphs:{facts_key}", run_key)))

    def latest_graph(self, facts_key: str) -> Optional[str]:
        """The run key :meth:`put_latest_graph` last gave for ``facts_key``."""
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"graphs:{facts_key}",)):
            return value if isinstance(value, str) else None
        return None

    def rules(self, key: str) -> Optional[Tuple[RuleInfo, ...]]:
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"rules:{key}",)):
            loaded = self._decode(value, "rules")
            if isinstance(loaded, tuple) and all(isinstance(r, RuleInfo) for r in loaded):
                return loaded
        return None

    def put_rules(self, rules: Tuple[RuleInfo, ...], key: str) -> None:
        self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"rules:{key}", encode(rules))))

    def trend_point(self, key: str) -> Optional[model.TrendPoint]:
        """The score recorded for a commit (``testaudit trend``), by :func:`key_of` its commit,
        paths and configuration: a commit's content never changes, so neither does its score."""
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"trend:{key}",)):
            loaded = self._decode(value, "trend")
            if isinstance(loaded, model.TrendPoint):
                return loaded
        return None

    def put_trend_point(self, key: str, point: model.TrendPoint) -> None:
        self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"trend:{key}", encode(point))))

    def reach(self, run_key: str, inputs: str) -> Optional[Tuple[Dict[str, bool], Tuple[str, ...]]]:
        """The reach decision :meth:`put_reach` stored for this run key, when it was taken from
        the same ``inputs`` (a digest): the file-tree answers it asked, and the support modules
        it left out."""
        for (value,) in self._rows("SELECT value FROM meta WHERE key = ?", (f"reach:{run_key}",)):
            try:
                digest, asked, unreached = json.loads(value)
                if not isinstance(asked, dict) or not isinstance(unreached, list) \
                        or not all(isinstance(v, bool) for v in asked.values()) \
                        or not all(isinstance(u, str) for u in unreached):
                    raise TypeError("not a reach decision")
            except (ValueError, TypeError) as exc:
                self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for reach unreadable, ignored: {exc}"))
                return None
            return (asked, tuple(unreached)) if digest == inputs else None
        return None

    def put_reach(self, run_key: str, inputs: str, asked: Mapping[str, bool], unreached: Sequence[str]) -> None:
        """One decision per run key (dropped with its run record, see :func:`_keep_recent`)."""
        self._writes.append(("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                             (f"reach:{run_key}", json.dumps([inputs, dict(asked), list(unreached)]))))

    # -- plumbing -----------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[object]) -> List[Tuple[Any, ...]]:
        try:
            return list(self.conn.execute(sql, params))
        except UnicodeEncodeError:  # a key that cannot be stored cannot have been (see _storable)
            return []
        except sqlite3.Error as exc:
            self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache unreadable, ignored: {exc}"))
            return []

    def _decode(self, value: str, what: str) -> Any:
        try:
            return decode(json.loads(value))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            self.warnings.append(Warning_(f"{DIR}/{DB}", f"cache entry for {what} unreadable, ignored: {exc}"))
            return None


@dataclasses.dataclass(frozen=True)
class RunRecord:
    """The record of a whole run: each file its outcomes depend on with its fingerprint (for
    :meth:`Cache.changes`), the conftest chains probed per directory, the file-tree answers its
    project phase relied on (runs that read facts on demand), a function that decodes its
    outcomes (only worth calling once the files and probes still hold; None when unreadable),
    one that reads its dependency graph (None for a run that read facts on demand: it has no
    closures), and the digests of the parts its outcomes are stored in."""

    files: Mapping[str, Any]
    chains: Mapping[str, List[str]]
    probes: Mapping[str, bool]
    outcomes: Callable[[], Optional[List[Outcome]]]
    graph: Callable[[], Optional["Graph"]]
    parts: Tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Graph:
    """Files (``order``), the numbers of the files each depends on directly (``edges``, aligned
    with ``order``), and each file's closure signature (``sigs``)."""

    order: List[str]
    edges: List[List[int]]
    sigs: List[Optional[str]]

    @cached_property
    def _reverse(self) -> Tuple[List[List[int]], Dict[str, int]]:
        reverse: List[List[int]] = [[] for _ in self.order]
        for i, succ in enumerate(self.edges):
            for j in succ:
                reverse[j].append(i)
        return reverse, {rel: i for i, rel in enumerate(self.order)}

    def reaching(self, targets: Iterable[str]) -> Set[str]:
        """``targets`` and every file that reaches one of them."""
        targets = list(targets)
        reverse, number = self._reverse
        found = numbers_reached(reverse, [number[rel] for rel in targets if rel in number])
        return {self.order[i] for i in found} | set(targets)


def numbers_reached(edges: Sequence[Sequence[int]], starts: Iterable[int]) -> Set[int]:
    """``starts`` and every number reachable from them along ``edges`` (successor numbers)."""
    found = set(starts)
    todo = list(found)
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


def _keep_recent(conn: sqlite3.Connection, run_key: str, parts: List[str]) -> None:
    """Keep the records of the :data:`RUNS_KEPT` runs written last (every set of files a
    pre-commit hook names is a run of its own) and the parts they use; delete the rest. Run
    inside the closing transaction, so a concurrent run's record is never lost from the list."""
    recent: List[Tuple[str, List[str]]] = []
    for (value,) in conn.execute("SELECT value FROM meta WHERE key = 'runs'"):
        try:
            recent = [(k, list(p)) for k, p in json.loads(value) if isinstance(k, str) and isinstance(p, list)]
        except (ValueError, TypeError):
            recent = []
    recent = [(k, p) for k, p in recent if k != run_key] + [(run_key, parts)]
    for old, _ in recent[:-RUNS_KEPT]:
        conn.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", (f"run:{old}", f"graph:{old}", f"reach:{old}"))
        conn.execute("DELETE FROM meta WHERE key LIKE 'graphs:%' AND value = ?", (old,))
    recent = recent[-RUNS_KEPT:]
    used = {p for _, kept in recent for p in kept}
    unused = [(d,) for (d,) in conn.execute("SELECT digest FROM parts") if d not in used]
    conn.executemany("DELETE FROM parts WHERE digest = ?", unused)
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", ("runs", json.dumps(recent)))


def closure_signatures(starts: Iterable[str], digest: Callable[[str], Optional[str]],
                       successors: Callable[[str], Optional[Sequence[str]]],
                       edges: Optional[Dict[str, Sequence[str]]] = None,
                       known: Mapping[str, Optional[str]] = {}) -> Dict[str, Optional[str]]:
    """For each file reachable from ``starts``: a hash of the digests of every file it can reach.

    Computed once per strongly connected component (iterative Tarjan) from the members' digests
    and the successor components' signatures, so changing any file in a closure changes the
    signature of everything that reaches it. ``None`` when some file in the closure has unknown
    dependencies (never analysed at its current content). ``edges``, when given, receives the
    successors of every file whose dependencies are known. A file in ``known`` has that
    signature: the walk does not go past it (a run record's files that nothing changed reaches).
    """
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    sigs: Dict[str, Optional[str]] = {}
    succ_cache: Dict[str, Optional[Sequence[str]]] = {}

    def succ(node: str) -> Sequence[str]:
        if node not in succ_cache:
            succ_cache[node] = () if node in known else successors(node)
        return succ_cache[node] or ()

    def enter(node: str) -> Tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(succ(node))

    for start in starts:
        if start in index:
            continue
        work = [enter(start)]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    work.append(enter(child))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if node in known:  # alone in its component: it has no successors here
                        sigs[node] = known[node]
                    else:
                        _sign(sorted(members), succ, succ_cache, digest, sigs)
    if edges is not None:
        edges.update((node, found) for node, found in succ_cache.items() if found is not None and node not in known)
    return sigs


def _sign(members: List[str], succ: Callable[[str], Sequence[str]],
          succ_cache: Mapping[str, Optional[Sequence[str]]], digest: Callable[[str], Optional[str]],
          sigs: Dict[str, Optional[str]]) -> None:
    member_set = set(members)
    unknown = any(succ_cache.get(m) is None for m in members)
    outside = sorted({c for m in members for c in succ(m) if c not in member_set})
    if unknown or any(sigs.get(c) is None for c in outside):
        for m in members:
            sigs[m] = None
        return
    text = repr(([(m, digest(m)) for m in members], [sigs[c] for c in outside]))
    value = digest_bytes(text.encode("utf-8"))
    for m in members:
        sigs[m] = value


def _check_schema(conn: sqlite3.Connection) -> Optional[str]:
    """None when the database is ours and current; else why it must be discarded."""
    for sql in _TABLES:
        conn.execute(sql)
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'version')").fetchall())
    if not rows:
        conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("schema", SCHEMA), ("version", __version__)])
        return None
    if rows.get("schema") != SCHEMA or rows.get("version") != __version__:
        return (f"it was written by testaudit {rows.get('version', '?')} (cache schema {rows.get('schema', '?')}),"
                f" this is {__version__} (schema {SCHEMA})")
    return None


def _unlink(path: str) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except OSError:
            pass


# -- JSON codec for the model's frozen dataclasses --------------------------------------------
_TYPES: Dict[str, type] = {name: obj for name, obj in vars(model).items()
                           if isinstance(obj, type) and dataclasses.is_dataclass(obj)}
_FIELDS: Dict[type, Tuple[str, ...]] = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES.values()}


_SEVERITY_FIELDS: Dict[type, Tuple[int, ...]] = {  # where a Severity (a str enum: JSON writes its value) sits
    cls: tuple(i for i, f in enumerate(dataclasses.fields(cls)) if f.type in ("Severity", model.Severity))
    for cls in _TYPES.values()
}


def encode(value: Any) -> str:
    """Dataclasses become ``{"t": name, "v": [fields…]}``, tuples lists, severities their value.

    json's C encoder walks lists, strings and numbers itself and calls back only for each
    dataclass (a Python walk of every value cost the main process seconds per thousand files).
    The text is ASCII (other characters escaped): one emoji in a test name made a corpus run
    record a 4-byte-per-character string, which SQLite took 37 instead of 2.5 ms to hand over
    and ``json.loads`` 33 instead of 24 ms to read."""
    return json.dumps(value, separators=(",", ":"), check_circular=False, default=_as_json)


def _as_json(value: Any) -> Any:
    cls = type(value)
    names = _FIELDS.get(cls)
    if names is None:
        raise TypeError(f"cannot cache a {cls.__name__}")
    fields = value.__dict__
    return {"t": cls.__name__, "v": [fields[name] for name in names]}


def decode(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return tuple([decode(v) if type(v) in _CONTAINERS else v for v in value])
    if kind is dict:
        cls = _TYPES[value["t"]]
        values = [decode(v) if type(v) in _CONTAINERS else v for v in value["v"]]
        for i in _SEVERITY_FIELDS[cls]:
            values[i] = model.Severity(values[i])
        obj: Any = object.__new__(cls)
        obj.__dict__.update(zip(_FIELDS[cls], values))
        return obj
    return value


_CONTAINERS = frozenset({list, dict})


def _storable(key: object) -> bool:
    """Whether a row's key can be stored: SQLite takes UTF-8 only, and a file name whose bytes
    are not UTF-8 keeps them as lone surrogates. Such a file is simply not cached (its values
    are JSON, which escapes them)."""
    if not isinstance(key, str) or key.isascii():
        return True
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- a compact codec for outcomes: the one thing a warm run loads for every checked file -------
# Outcomes are written as ``[values, heads, rows, hashes, fixes]``. Every rule code, name,
# severity, message, category, node id, scope, chain, tag list and score summary is written
# once in ``values`` and referred to by its index (33,000 findings of a corpus run share 8,700
# messages, 12,300 node ids and 20 names). A finding's numbers — those indexes and its
# location — are 14 signed 32-bit integers, and all findings' numbers are one base64 string
# (``rows``): ``json.loads`` reads a string at memory speed, where it built the same numbers one
# by one (a corpus run record, 8.9 MB with node ids written whole, loads in ~25 ms; the old 7.5 MB
# one took ~100 ms, most of it for those numbers and for a UCS-4 copy, see encode()). ``heads`` holds
# each outcome's path, number of findings, summary, suppression count, warnings and imported names;
# ``hashes`` each finding's source hash; ``fixes`` the few fixes, by finding number.
class _Values:
    """The shared-values table an encoding fills: value → index, first come first numbered."""

    def __init__(self) -> None:
        self.index: Dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        index = self.index.get(value)
        if index is None:
            index = self.index[value] = len(self.index)
        return index

    def table(self) -> List[Any]:
        return list(self.index)  # dicts keep insertion order: position == index


_ROW = struct.Struct("<14i")


def encode_outcomes(outcomes: Iterable[Outcome]) -> List[Any]:
    """``[values, heads, rows, hashes, fixes]`` for :func:`encode`; :func:`decode_outcomes`
    reverses it."""
    ref = _Values()
    heads: List[Any] = []
    rows = bytearray()
    hashes: List[str] = []
    fixes: List[Any] = []
    pack = _ROW.pack
    for o in outcomes:
        for f in o.findings:
            loc = f.location
            rows += pack(ref(f.code), ref(f.name), ref(f.severity.value), ref(f.message), loc.line, loc.column,
                         loc.end_line, loc.end_column, ref(f.category), ref(f.node_id), ref(f.chain), f.stmt_line,
                         ref(f.tags), ref(f.scope))
            if f.fix is not None:
                fixes.append([len(hashes), f.fix])  # a Fix: encode() writes it
            hashes.append(f.source_hash)
        module = None if o.module is None else [ref(o.module.category), ref(o.module.applicable),
                                                ref(o.module.failing), ref(o.module.errors), o.module.parsed]
        heads.append([o.path, len(o.findings), module, o.suppressed, [[w.path, w.message] for w in o.warnings],
                      [ref(name) for name in o.imports]])
    return [ref.table(), heads, base64.b64encode(rows).decode("ascii"), hashes, fixes]


_SEVERITIES = {s.value: s for s in model.Severity}
_set = object.__setattr__


def decode_outcomes(value: List[Any]) -> List[Outcome]:
    """The outcomes :func:`encode_outcomes` wrote (after ``json.loads``); a record that does not
    add up raises ValueError, TypeError, KeyError or IndexError."""
    table, heads, rows, hashes, fixes = value
    values = [tuple(v) if type(v) is list else v for v in table]  # chains, tags, rule lists: tuples
    data = base64.b64decode(rows, validate=True)
    if len(data) != _ROW.size * len(hashes) or sum(head[1] for head in heads) != len(hashes):
        raise ValueError("the findings' numbers do not add up")
    fixed = {number: decode(fix) for number, fix in fixes}
    unpacked = _ROW.iter_unpack(data)
    severities = _SEVERITIES
    new, Finding, Location, Summary, set_ = object.__new__, model.Finding, model.Location, model.ModuleSummary, _set
    number = 0
    outcomes: List[Outcome] = []
    for path, count, module, suppressed, warnings, imports in heads:
        findings: List[model.Finding] = []
        append = findings.append
        for (code, name, severity, message, line, column, end_line, end_column, category, node_id, chain, stmt_line,
             tags, scope) in islice(unpacked, count):
            loc = new(Location)  # the frozen dataclasses' own __init__ is a Python call per field
            set_(loc, "__dict__", {"line": line, "column": column, "end_line": end_line, "end_column": end_column})
            f = new(Finding)
            set_(f, "__dict__", {
                "path": path, "code": values[code], "name": values[name], "severity": severities[values[severity]],
                "message": values[message], "location": loc, "category": values[category],
                "node_id": values[node_id], "chain": values[chain], "stmt_line": stmt_line, "tags": values[tags],
                "scope": values[scope], "source_hash": hashes[number], "fix": fixed.get(number) if fixed else None})
            append(f)
            number += 1
        summary = None
        if module is not None:
            category, applicable, failing, errors, parsed = module
            summary = new(Summary)
            set_(summary, "__dict__", {"path": path, "category": values[category], "applicable": values[applicable],
                                       "failing": values[failing], "errors": values[errors], "parsed": parsed is True})
        outcome = new(Outcome)
        set_(outcome, "__dict__", {"path": path, "findings": tuple(findings), "module": summary,
                                   "suppressed": suppressed,
                                   "warnings": tuple([Warning_(p, m) for p, m in warnings]) if warnings else (),
                                   "imports": tuple([values[i] for i in imports])})
        outcomes.append(outcome)
    return outcomes
