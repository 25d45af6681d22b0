"""Which project file a report's file mention means (SPEC §12, "File mentions").

A mention resolves, in this order, to: the exact root-relative path; the path under the
directory its context names (the enclosing heading, the tree's root, the nearest preceding line);
the one file whose path ends with the mention (``tests/integration/test_x.py`` inside
``netra_backend/``); the file of that name under the context directory; else the one file of that
name anywhere in the project. Several candidates left make it *ambiguous* (they are listed); none,
*missing*. A mention whose directory exists in the project but does not hold it is *missing*
(the report says where the file is, and it is not there); a mention whose directory the project
does not have falls back to the name. Only files the check would see count: excluded paths are
never candidates.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Set, Tuple

from testaudit.verify.mentions import normalise_path

FOUND, MISSING, AMBIGUOUS = "found", "missing", "ambiguous"


@dataclass(frozen=True)
class Resolution:
    status: str  # FOUND, MISSING or AMBIGUOUS
    path: Optional[str] = None
    candidates: Tuple[str, ...] = ()

    @property
    def paths(self) -> Tuple[str, ...]:
        """The files the mention may mean: its path when found, the candidates when ambiguous."""
        return (self.path,) if self.path is not None else self.candidates


def normalise(path: str) -> str:
    """A mention as a POSIX root-relative path: backslashes, ``./``, quotes and leading slashes dropped."""
    return normalise_path(path.strip().strip("`'\"")).lstrip("/")


class FileIndex:
    """The project's Python files, by path and by file name."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = frozenset(paths)
        self.by_name: Dict[str, List[str]] = defaultdict(list)
        self.by_lower_name: Dict[str, List[str]] = defaultdict(list)  # `Dependencies.py` opening a sentence
        self.dirs: Dict[str, Set[str]] = defaultdict(set)  # a directory's name → the directories of that name
        for path in sorted(self.paths):
            directory, _, name = path.rpartition("/")
            self.by_name[name].append(path)
            self.by_lower_name[name.lower()].append(path)
            while directory and directory not in self.dirs[directory.rpartition("/")[2]]:
                self.dirs[directory.rpartition("/")[2]].add(directory)
                directory = directory.rpartition("/")[0]

    def resolve(self, mention: str, hint: Optional[str] = None) -> Resolution:
        path = normalise(mention)
        directory = normalise(hint).rstrip("/") if hint else ""
        if path in self.paths:
            return Resolution(FOUND, path)
        if directory and f"{directory}/{path}" in self.paths:
            return Resolution(FOUND, f"{directory}/{path}")
        name = path.rsplit("/", 1)[-1]
        candidates = self.by_name.get(name) or self.by_lower_name.get(name.lower(), [])
        if "/" in path and self._has_dir(path.rsplit("/", 1)[0]) and not any(map(self._ending_with(path), candidates)):
            return Resolution(MISSING)
        for narrow in (self._ending_with(path), self._under(directory)):
            kept = [c for c in candidates if narrow(c)]
            if kept:
                candidates = kept
            if len(candidates) == 1:
                return Resolution(FOUND, candidates[0])
        if not candidates:
            return Resolution(MISSING)
        return Resolution(AMBIGUOUS, None, tuple(candidates))

    def _has_dir(self, directory: str) -> bool:
        """Whether the project has a directory whose path is ``directory`` or ends with it."""
        return any(d == directory or d.endswith("/" + directory) for d in self.dirs.get(directory.rpartition("/")[2], ()))

    @staticmethod
    def _ending_with(path: str):
        return (lambda c: c.endswith("/" + path)) if "/" in path else (lambda c: False)

    @staticmethod
    def _under(directory: str):
        if not directory:
            return lambda c: False
        return lambda c: c.startswith(directory + "/") or f"/{directory}/" in f"/{c}"
