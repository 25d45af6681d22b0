"""Project-wide graphs built from :class:`FileFacts` only (never by re-parsing).

The class graph is a networkx ``DiGraph`` whose nodes are qualified class names
(``pkg.mod.Class``) and whose edges point from a class to each of its bases, resolved through the
defining module's imports and re-exports (``from pkg import Base`` where ``pkg/__init__.py``
imports it from ``pkg.base``). Names are resolved by import path, never by bare name.

Rules never touch networkx: they call :meth:`ProjectGraph.ancestry` and friends.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Set, Tuple

import networkx as nx

from testaudit.model import ClassFact, FileFacts

UNRESOLVED = "?"


@dataclass(frozen=True)
class Ancestry:
    """Every ancestor of a class (qualified names) and whether any link could not be resolved."""

    ancestors: Tuple[str, ...]
    complete: bool
    unresolved: Tuple[str, ...] = ()


class ProjectGraph:
    def __init__(self, facts: Iterable[FileFacts]) -> None:
        self.by_path: Dict[str, FileFacts] = {}
        self.by_module: Dict[str, FileFacts] = {}
        for f in facts:
            self.by_path[f.path] = f
            if f.module and (f.module not in self.by_module or f.path.endswith("__init__.py")):
                self.by_module[f.module] = f
        self._imports: Dict[str, Dict[str, str]] = {
            m: {i.local: i.target for i in f.imports if i.target and not i.star}
            for m, f in self.by_module.items()
        }
        self._top_level: Set[str] = {m.split(".")[0] for m in self.by_module}
        self._classes: Dict[str, Tuple[FileFacts, ClassFact]] = {}
        for f in self.by_module.values():
            for c in f.classes:
                self._classes[f"{f.module}.{c.qualname}" if f.module else c.qualname] = (f, c)
        self.classes = nx.DiGraph()
        for qual, (f, c) in self._classes.items():
            self.classes.add_node(qual)
            for base in c.bases:
                target = self.resolve(base) if not base.startswith(UNRESOLVED) else None
                self.classes.add_edge(qual, target or f"{UNRESOLVED}{base.lstrip(UNRESOLVED)}")
        self._ancestry_cache: Dict[str, Ancestry] = {}
        self._def_cache: Dict[str, Set[str]] = {}

    # -- names -------------------------------------------------------------------------------
    def is_project_module(self, module: str) -> bool:
        return module in self.by_module

    def _split(self, dotted: str) -> Tuple[Optional[str], str]:
        """Longest known project module prefix of ``dotted`` and the rest."""
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            mod = ".".join(parts[:i])
            if mod in self.by_module:
                return mod, ".".join(parts[i:])
        return None, dotted

    def resolve(self, dotted: str, _depth: int = 0) -> Optional[str]:
        """Canonical qualified name of a class reference, following re-exports.

        Returns the name unchanged for references outside the project (``unittest.TestCase``),
        and None when a project module does not define or import the name.
        """
        if dotted in self._classes:
            return dotted
        if _depth > 20:
            return None
        module, rest = self._split(dotted)
        if module is None:
            if dotted.split(".")[0] in self._top_level:
                return None  # inside a project package, but no such module: unresolvable
            return dotted  # outside the project: a leaf known by its name only
        if not rest:
            return dotted
        head, _, tail = rest.partition(".")
        target = self._imports.get(module, {}).get(head)
        if target is None:
            return None
        return self.resolve(f"{target}.{tail}" if tail else target, _depth + 1)

    def resolve_function(self, dotted: str, _depth: int = 0) -> Optional[Tuple[FileFacts, str]]:
        """(defining module's facts, qualname) of a project function or class, following re-exports."""
        if _depth > 20:
            return None
        module, rest = self._split(dotted)
        if module is None or not rest:
            return None
        facts = self.by_module[module]
        if rest in self._defs(facts):
            return facts, rest
        head, _, tail = rest.partition(".")
        target = self._imports.get(module, {}).get(head)
        if target is None:
            return None
        return self.resolve_function(f"{target}.{tail}" if tail else target, _depth + 1)

    def _defs(self, facts: FileFacts) -> Set[str]:
        cached = self._def_cache.get(facts.path)
        if cached is None:
            cached = {fn.qualname for fn in facts.functions} | {c.qualname for c in facts.classes}
            self._def_cache[facts.path] = cached
        return cached

    def is_external(self, qualified: str) -> bool:
        return qualified not in self._classes and self._split(qualified)[0] is None

    # -- classes -----------------------------------------------------------------------------
    def class_fact(self, qualified: str) -> Optional[Tuple[FileFacts, ClassFact]]:
        return self._classes.get(qualified)

    def ancestry(self, qualified: str) -> Ancestry:
        """All ancestors of a class defined in the project (cycle-safe)."""
        cached = self._ancestry_cache.get(qualified)
        if cached is not None:
            return cached
        seen: Set[str] = set()
        order: List[str] = []
        unresolved: List[str] = []
        stack = [qualified]
        while stack:
            node = stack.pop()
            if node not in self.classes:
                continue
            for base in self.classes.successors(node):
                if base in seen:
                    continue
                seen.add(base)
                if base.startswith(UNRESOLVED):
                    unresolved.append(base[1:])
                    continue
                order.append(base)
                if base in self._classes:
                    stack.append(base)
        result = Ancestry(tuple(order), not unresolved, tuple(unresolved))
        self._ancestry_cache[qualified] = result
        return result

    def class_qualname(self, facts: FileFacts, cls: ClassFact) -> str:
        return f"{facts.module}.{cls.qualname}" if facts.module else cls.qualname
