"""Project-wide graphs built from :class:`FileFacts` only (never by re-parsing).

The class graph is a networkx ``DiGraph`` whose nodes are qualified class names
(``pkg.mod.Class``) and whose edges point from a class to each of its bases, resolved through the
defining module's imports and re-exports (``from pkg import Base`` where ``pkg/__init__.py``
imports it from ``pkg.base``). Names are resolved by import path, never by bare name.

Nothing is built up front: facts are read through :class:`ProjectFiles` when a name needs them,
so a run over a few files reads only the modules its rules actually consult. Whether a name is a
project module is the file tree's answer, not "was it read".

Rules never touch networkx: they call :meth:`ProjectGraph.ancestry` and friends.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import networkx as nx

from testaudit.model import ClassFact, FileFacts
from testaudit.project_files import ProjectFiles

UNRESOLVED = "?"


@dataclass(frozen=True)
class Ancestry:
    """Every ancestor of a class (qualified names) and whether any link could not be resolved."""

    ancestors: Tuple[str, ...]
    complete: bool
    unresolved: Tuple[str, ...] = ()


class ProjectGraph:
    """Built as it is asked: a module's facts are read the first time a name needs them, and a
    class joins the graph (with edges to its resolved bases) the first time its ancestry is."""

    def __init__(self, files: ProjectFiles) -> None:
        self.files = files
        self.classes: "nx.DiGraph[str]" = nx.DiGraph()
        self._expanded: Set[str] = set()
        self._imports: Dict[str, Dict[str, str]] = {}
        self._module_classes: Dict[str, Dict[str, ClassFact]] = {}
        self._class_cache: Dict[str, Optional[Tuple[FileFacts, ClassFact]]] = {}
        self._ancestry_cache: Dict[str, Ancestry] = {}
        self._def_cache: Dict[str, Set[str]] = {}
        self._function_cache: Dict[str, Optional[Tuple[FileFacts, str]]] = {}

    # -- names -------------------------------------------------------------------------------
    def is_project_module(self, module: str) -> bool:
        return self.files.has_module(module)

    def module_facts(self, module: str) -> Optional[FileFacts]:
        """Facts of the file defining a project module (None: not a project module)."""
        return self.files.module(module)

    def _imports_of(self, module: str) -> Dict[str, str]:
        table = self._imports.get(module)
        if table is None:
            facts = self.files.module(module)
            table = {i.local: i.target for i in facts.imports if i.target and not i.star} if facts else {}
            self._imports[module] = table
        return table

    def project_module(self, dotted: str) -> Optional[str]:
        """The longest project module ``dotted`` lies in (None: a name outside the project)."""
        return self._split(dotted)[0]

    def _split(self, dotted: str) -> Tuple[Optional[str], str]:
        """Longest project module prefix of ``dotted`` and the rest."""
        parts = dotted.split(".")
        longest = 0
        for i in range(1, len(parts) + 1):  # shortest first: most names (``self.client.get``) stop at once
            mod = ".".join(parts[:i])
            if self.files.has_module(mod):
                longest = i
            if i < len(parts) and not self.files.may_have_submodules(mod):
                break
        if not longest:
            return None, dotted
        return ".".join(parts[:longest]), ".".join(parts[longest:])

    def resolve(self, dotted: str, _depth: int = 0) -> Optional[str]:
        """Canonical qualified name of a class reference, following re-exports.

        Returns the name unchanged for references outside the project (``unittest.TestCase``),
        and None when a project module does not define or import the name.
        """
        if self.class_fact(dotted) is not None:
            return dotted
        if _depth > 20:
            return None
        module, rest = self._split(dotted)
        if module is None:
            if self.files.is_project_top(dotted.split(".")[0]):
                return None  # inside a project package, but no such module: unresolvable
            return dotted  # outside the project: a leaf known by its name only
        if not rest:
            return dotted
        head, _, tail = rest.partition(".")
        target = self._imports_of(module).get(head)
        if target is None:
            return None
        return self.resolve(f"{target}.{tail}" if tail else target, _depth + 1)

    def resolve_function(self, dotted: str) -> Optional[Tuple[FileFacts, str]]:
        """(defining module's facts, qualname) of a project function or class, following re-exports
        (memoised: TA102 asks for every call of every test, the same helpers again and again)."""
        if dotted not in self._function_cache:
            self._function_cache[dotted] = self._resolve_function(dotted, 0)
        return self._function_cache[dotted]

    def _resolve_function(self, dotted: str, _depth: int) -> Optional[Tuple[FileFacts, str]]:
        if _depth > 20:
            return None
        module, rest = self._split(dotted)
        if module is None or not rest:
            return None
        facts = self.files.module(module)
        if facts is None:
            return None
        if rest in self._defs(facts):
            return facts, rest
        head, _, tail = rest.partition(".")
        target = self._imports_of(module).get(head)
        if target is None:
            return None
        return self._resolve_function(f"{target}.{tail}" if tail else target, _depth + 1)

    def _defs(self, facts: FileFacts) -> Set[str]:
        cached = self._def_cache.get(facts.path)
        if cached is None:
            cached = {fn.qualname for fn in facts.functions} | {c.qualname for c in facts.classes}
            self._def_cache[facts.path] = cached
        return cached

    def is_external(self, qualified: str) -> bool:
        return self._split(qualified)[0] is None  # no module prefix: no project class either

    # -- classes -----------------------------------------------------------------------------
    def class_fact(self, qualified: str) -> Optional[Tuple[FileFacts, ClassFact]]:
        """The project class ``pkg.mod.Class`` (``pkg.mod.Outer.Inner``), looked for in the
        longest module prefix first."""
        if qualified in self._class_cache:
            return self._class_cache[qualified]
        found: Optional[Tuple[FileFacts, ClassFact]] = None
        parts = qualified.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if not self.files.has_module(module):
                continue
            cls = self._classes_of(module).get(".".join(parts[i:]))
            if cls is not None:
                facts = self.files.module(module)
                assert facts is not None
                found = (facts, cls)
                break
        self._class_cache[qualified] = found
        return found

    def _classes_of(self, module: str) -> Dict[str, ClassFact]:
        table = self._module_classes.get(module)
        if table is None:
            facts = self.files.module(module)
            table = self._module_classes[module] = {c.qualname: c for c in facts.classes} if facts else {}
        return table

    def _expand(self, qualified: str) -> None:
        """Add a project class and the edges to its bases (resolved, or ``?name``) to the graph."""
        if qualified in self._expanded:
            return
        self._expanded.add(qualified)
        hit = self.class_fact(qualified)
        if hit is None:
            return
        self.classes.add_node(qualified)
        for base in hit[1].bases:
            target = self.resolve(base) if not base.startswith(UNRESOLVED) else None
            self.classes.add_edge(qualified, target or f"{UNRESOLVED}{base.lstrip(UNRESOLVED)}")

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
            self._expand(node)
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
                if self.class_fact(base) is not None:
                    stack.append(base)
        result = Ancestry(tuple(order), not unresolved, tuple(unresolved))
        self._ancestry_cache[qualified] = result
        return result

    def class_qualname(self, facts: FileFacts, cls: ClassFact) -> str:
        return f"{facts.module}.{cls.qualname}" if facts.module else cls.qualname
