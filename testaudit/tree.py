"""The project's files as a run sees them (the disk under an optional overlay of other
contents), and what each file reaches in it: its conftest chain and the project modules its
facts name. The project phase reads nothing else."""
from __future__ import annotations

import os
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set

from testaudit.cache import ABSENT
from testaudit.config import Config, relpath
from testaudit.discover import SourceFile, may_have_submodules, module_paths
from testaudit.model import FileFacts


class FileTree:
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


def as_overlaid(files: Sequence[SourceFile], paths: Sequence[str], config: Config, tree: FileTree) -> List[SourceFile]:
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


class Reach:
    """What a file reaches: its conftest chain, and the project files of every module its facts
    name — imported modules and names, and the classes and functions it uses as bases or calls
    (``import a`` then ``class T(a.b.C)`` reaches ``a/b.py``) — each with its parent packages.
    The project phase reads nothing else, so a closure signature covers every file a checked
    file's findings depend on."""

    def __init__(self, config: Config, tree: FileTree) -> None:
        self.src, self.tree = config.src, tree
        self.modules: Dict[str, List[str]] = {}
        self.names: Dict[str, Set[str]] = {}  # a dotted name → the files of it and its parents
        self.dirs: Dict[str, bool] = {}  # a module → is there a directory for its submodules
        self.chains: Dict[str, List[str]] = {}
        self.missing: Dict[str, List[str]] = {}  # a dotted name → its would-be files, when none exists
        self.tops: Dict[str, bool] = {}  # a top-level name → is it one of the project's

    def chain(self, rel: str) -> List[str]:
        return conftest_chain(rel, self.tree.isfile, self.chains)

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


def conftest_chain(rel: str, isfile: Callable[[str], bool], memo: Dict[str, List[str]]) -> List[str]:
    """The conftest.py files pytest loads for ``rel``: its directory's and every parent's."""
    directory = rel.rsplit("/", 1)[0] if "/" in rel else ""
    if directory not in memo:
        here = f"{directory}/conftest.py" if directory else "conftest.py"
        own = [here] if isfile(here) else []
        parent = conftest_chain(directory, isfile, memo) if directory else []
        memo[directory] = own + parent
    return memo[directory]
