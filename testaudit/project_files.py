"""The project's files as the project phase sees them: facts by path or by module name, read the
first time something asks, and which files, modules and directories exist.

Existence comes from the file tree, never from which facts happen to be loaded, so "is ``a.b`` a
project module" has one answer whether a run read the whole import closure up front (many
checked files) or reads facts on demand (a pre-commit run of a few files): both kinds of run give
the same findings. Every answer the tree gives and every file whose facts were read is recorded
(:attr:`ProjectFiles.probes`, :attr:`ProjectFiles.read`): a run that read facts on demand has no
closure signature, and that record is what its cached result is checked against instead.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Mapping, Optional, Sequence

from testaudit.discover import may_have_submodules, module_paths
from testaudit.model import FileFacts

FILE, DIR = "f:", "d:"  # probe kinds: a file exists, a directory exists


class ProjectFiles:
    """``load(rel)`` gives the facts of an existing root-relative file; ``known`` are facts the run
    already holds (the checked files, or the whole closure of a full run)."""

    def __init__(self, src: Sequence[str], is_file: Callable[[str], bool], is_dir: Callable[[str], bool],
                 load: Callable[[str], FileFacts], known: Mapping[str, FileFacts] = {}) -> None:
        self.src = tuple(src)
        self._is_file, self._is_dir, self._load = is_file, is_dir, load
        self._facts: Dict[str, FileFacts] = dict(known)
        self._modules: Dict[str, Optional[str]] = {}
        self._parents: Dict[str, bool] = {}  # module → may_have_submodules
        self.read: Dict[str, None] = {}  # files whose facts were asked for (an ordered set)
        self.probes: Dict[str, bool] = {}  # FILE/DIR + root-relative path → the tree's answer

    # -- the file tree -------------------------------------------------------------------------
    def is_file(self, rel: str) -> bool:
        return self._probe(FILE + rel, self._is_file, rel)

    def is_dir(self, rel: str) -> bool:
        return self._probe(DIR + rel, self._is_dir, rel)

    def _probe(self, key: str, ask: Callable[[str], bool], rel: str) -> bool:
        answer = self.probes.get(key)
        if answer is None:
            answer = self.probes[key] = ask(rel)
        return answer

    # -- facts ---------------------------------------------------------------------------------
    def file(self, rel: str) -> Optional[FileFacts]:
        """Facts of a root-relative file, None when there is no such file."""
        facts = self._facts.get(rel)
        if facts is None:
            if not self.is_file(rel):
                return None
            facts = self._facts[rel] = self._load(rel)
        self.read[rel] = None
        return facts

    # -- modules -------------------------------------------------------------------------------
    def module_path(self, module: str) -> Optional[str]:
        """The file that defines ``module``: a package's ``__init__.py`` before a same-named
        ``m.py``, then the first ``src`` root."""
        if module not in self._modules:
            found = module_paths(module, self.src, self.is_file)
            packages = [p for p in found if p.endswith("/__init__.py") or p == "__init__.py"]
            first = packages or found
            self._modules[module] = first[0] if first else None
        return self._modules[module]

    def has_module(self, module: str) -> bool:
        return self.module_path(module) is not None

    def module(self, module: str) -> Optional[FileFacts]:
        path = self.module_path(module)
        return None if path is None else self.file(path)

    def module_dirs(self, module: str) -> List[str]:
        """The root-relative directories that would hold package ``module``, one per ``src`` root."""
        path = module.replace(".", "/")
        out = []
        for src in self.src:
            base = src.replace("\\", "/").strip("/")
            out.append(path if base in ("", ".") else f"{base}/{path}")
        return out

    def may_have_submodules(self, module: str) -> bool:
        """Whether some ``module.x`` could be a project module (see :func:`may_have_submodules`)."""
        found = self._parents.get(module)
        if found is None:
            found = self._parents[module] = may_have_submodules(module, self.src, self.is_dir)
        return found

    def is_project_top(self, name: str) -> bool:
        """Whether a top-level name belongs to the project: a module of its own, or a directory
        under a ``src`` root (a namespace package)."""
        return self.has_module(name) or any(self.is_dir(d) for d in self.module_dirs(name))
