"""The project as project rules and the engine see it: facts, graph, and test categories."""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set, Tuple

from testaudit.categories import UNCATEGORIZED, Categorizer
from testaudit.graph import Ancestry, ProjectGraph
from testaudit.model import ClassFact, FileFacts, FunctionFact
from testaudit.project_files import ProjectFiles


class Project:
    """``files`` gives facts on demand (see :mod:`testaudit.project_files`); ``checked`` are the
    files this run reports on."""

    def __init__(self, files: ProjectFiles, categorizer: Categorizer, checked: Iterable[str]) -> None:
        self.files = files
        self.src = files.src
        self.graph = ProjectGraph(files)
        self.categorizer = categorizer
        self.checked: Set[str] = set(checked)
        self._classes: Dict[str, Dict[str, ClassFact]] = {}
        self._module_cat: Dict[str, str] = {}
        self._test_cat: Dict[int, str] = {}  # id of a test's FunctionFact (alive as long as its file's facts)

    def file(self, rel: str) -> Optional[FileFacts]:
        """Facts of a root-relative file (read now if need be); None when there is no such file."""
        return self.files.file(rel)

    # -- the file tree -------------------------------------------------------------------------
    def is_dir(self, rel: str) -> bool:
        """Whether a root-relative directory exists (facts hold files only, so a namespace
        package, a directory without ``__init__.py``, is known only this way)."""
        return self.files.is_dir(rel)

    def is_file(self, rel: str) -> bool:
        """Whether a root-relative file exists (read for facts or not)."""
        return self.files.is_file(rel)

    def module_dirs(self, module: str) -> List[str]:
        """The root-relative directories that would hold package ``module``, one per ``src`` root."""
        return self.files.module_dirs(module)

    # -- classes -----------------------------------------------------------------------------
    def class_of(self, facts: FileFacts, qualname: Optional[str]) -> Optional[ClassFact]:
        if not qualname:
            return None
        table = self._classes.get(facts.path)
        if table is None:
            table = self._classes[facts.path] = {c.qualname: c for c in facts.classes}
        return table.get(qualname)

    def ancestry(self, facts: FileFacts, cls: ClassFact) -> Ancestry:
        return self.graph.ancestry(self.graph.class_qualname(facts, cls))

    # -- categories --------------------------------------------------------------------------
    def test_category(self, facts: FileFacts, fn: FunctionFact) -> str:
        """Decided once per test: every finding in it asks (33,000 findings on the reference corpus)."""
        cached = self._test_cat.get(id(fn))
        if cached is None:
            cls = self.class_of(facts, fn.class_name)
            cached = self._test_cat[id(fn)] = self.categorizer.decide(
                facts.path, fn.markers, cls.markers if cls else (), facts.module_markers,
                self.ancestry(facts, cls).ancestors if cls else (),
            )
        return cached

    def class_category(self, facts: FileFacts, cls: ClassFact, use_bases: bool = True) -> str:
        return self.categorizer.decide(
            facts.path, (), cls.markers, facts.module_markers,
            self.ancestry(facts, cls).ancestors if use_bases else (),
        )

    def module_category(self, facts: FileFacts) -> str:
        cached = self._module_cat.get(facts.path)
        if cached is None:
            fallback = self.categorizer.decide(facts.path, (), (), facts.module_markers)
            cached = self.categorizer.majority((self.test_category(facts, t) for t in facts.tests()), fallback)
            self._module_cat[facts.path] = cached
        return cached

    def test_categories(self, facts: FileFacts) -> Set[str]:
        cats = {self.test_category(facts, t) for t in facts.tests()}
        return cats or {self.module_category(facts)}

    # -- locating findings -------------------------------------------------------------------
    def enclosing(self, facts: FileFacts, line: int) -> Tuple[Optional[FunctionFact], Optional[ClassFact]]:
        """The innermost test containing ``line``, and the innermost class containing it."""
        test = None
        for fn in facts.functions:
            if fn.kind == "test" and fn.start_line <= line <= fn.end_line:
                if test is None or fn.start_line >= test.start_line:
                    test = fn
        cls = None
        for c in facts.classes:
            if c.start_line <= line <= c.end_line and (cls is None or c.start_line >= cls.start_line):
                cls = c
        return test, cls

    def node_id(self, facts: FileFacts, fn: FunctionFact) -> str:
        parts = [facts.path]
        if fn.class_name:
            parts.extend(fn.class_name.split("."))
        parts.append(fn.name)
        return "::".join(parts)

    @staticmethod
    def scope_at(facts: FileFacts, line: int) -> str:
        """Where ``line`` is, without line numbers: the innermost test's node id, else the
        innermost function or class (``path::Class::method``), else the module (``path``)."""
        best: Optional[Tuple[int, str]] = None
        spans = [(f.start_line, f.end_line, f.qualname) for f in facts.functions]
        spans += [(c.start_line, c.end_line, c.qualname) for c in facts.classes]
        for start, end, qualname in spans:
            if start <= line <= end and (best is None or start >= best[0]):
                best = (start, qualname)
        if best is None:
            return facts.path
        return "::".join((facts.path, *best[1].split(".")))

    def category_at(self, facts: FileFacts, line: int) -> Tuple[str, Optional[str]]:
        """(category, node id) of the code at ``line`` of a file."""
        if not facts.parsed:
            return self.categorizer.from_path(facts.path) or UNCATEGORIZED, None
        test, cls = self.enclosing(facts, line)
        if test is not None:
            return self.test_category(facts, test), self.node_id(facts, test)
        if cls is not None and facts.is_test_module:
            tests = [t for t in facts.tests() if t.class_name == cls.qualname]
            if tests:
                return self.categorizer.majority((self.test_category(facts, t) for t in tests),
                                                 self.class_category(facts, cls)), None
            return self.class_category(facts, cls), None
        return self.module_category(facts), None

    def test_modules(self) -> List[FileFacts]:
        found = (self.files.file(p) for p in sorted(self.checked))
        return [f for f in found if f is not None and f.is_test_module]
