"""The project as project rules and the engine see it: facts, graph, and test categories."""
from __future__ import annotations

from bisect import bisect_right
from typing import Dict, Generic, Iterable, List, Optional, Sequence, Set, Tuple, TypeVar

from testaudit.categories import UNCATEGORIZED, Categorizer
from testaudit.collection import CollectedTest, collected_tests
from testaudit.graph import Ancestry, ProjectGraph
from testaudit.model import ClassFact, FileFacts, FunctionFact
from testaudit.project_files import ProjectFiles


T = TypeVar("T")


class Innermost(Generic[T]):
    """The innermost of nested line spans containing a line, in O(depth) per question instead of
    a scan of every span (a file of 8,000 tests with a finding each asked 8,000 × 8,000).

    Spans are ``(start, end, item)``; Python's functions and classes nest properly, so the span
    with the greatest start at or before a line is inside every span that contains the line, and
    its chain of parents reaches the innermost one. Among spans with the same start the later in
    ``spans`` wins, as a scan keeping ``start >= best`` would (:func:`innermost_scan`, the plain
    reference this is tested equal to)."""

    def __init__(self, spans: Sequence[Tuple[int, int, T]]) -> None:
        order = sorted(range(len(spans)), key=lambda i: (spans[i][0], i))
        self._starts = [spans[i][0] for i in order]
        self._ends = [spans[i][1] for i in order]
        self._items = [spans[i][2] for i in order]
        self._parents: List[int] = []
        stack: List[int] = []
        for k, start in enumerate(self._starts):
            while stack and self._ends[stack[-1]] < start:
                stack.pop()
            self._parents.append(stack[-1] if stack else -1)
            stack.append(k)

    def at(self, line: int) -> Optional[T]:
        k = bisect_right(self._starts, line) - 1
        while k >= 0 and self._ends[k] < line:
            k = self._parents[k]
        return self._items[k] if k >= 0 else None


def innermost_scan(spans: Sequence[Tuple[int, int, T]], line: int) -> Optional[T]:
    """The reference for :class:`Innermost`: the last span, in order, of the greatest start that contains ``line``."""
    best: Optional[Tuple[int, T]] = None
    for start, end, item in spans:
        if start <= line <= end and (best is None or start >= best[0]):
            best = (start, item)
    return best[1] if best else None


class Project:
    """``files`` gives facts on demand (see :mod:`testaudit.project_files`); ``checked`` are the
    files this run reports on."""

    def __init__(self, files: ProjectFiles, categorizer: Categorizer, checked: Iterable[str],
                 naming: Tuple[Sequence[str], Sequence[str]] = (("Test",), ("test",))) -> None:
        self.files = files
        self.python_classes, self.python_functions = naming  # pytest's, as the configuration gives them
        self._collected: Dict[str, Tuple[CollectedTest, ...]] = {}
        self.src = files.src
        self.graph = ProjectGraph(files)
        self.categorizer = categorizer
        self.checked: Set[str] = set(checked)
        self._classes: Dict[str, Dict[str, ClassFact]] = {}
        self._module_cat: Dict[str, str] = {}
        self._test_cat: Dict[int, str] = {}  # id of a test's FunctionFact (alive as long as its file's facts)
        # per file: innermost test, class, and function-or-class (its qualname) by line
        self._spans: Dict[str, Tuple[Innermost[FunctionFact], Innermost[ClassFact], Innermost[str]]] = {}
        self._class_tests: Dict[Tuple[str, str], List[FunctionFact]] = {}

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

    def base_classes(self, facts: FileFacts, cls: ClassFact) -> List[Tuple[ClassFact, FileFacts]]:
        """The project classes ``cls`` derives from, nearest first, with their modules' facts."""
        out = []
        for qualified in self.ancestry(facts, cls).ancestors:
            hit = self.graph.class_fact(qualified)
            if hit is not None:
                out.append((hit[1], hit[0]))
        return out

    def collected(self, facts: FileFacts) -> Tuple[CollectedTest, ...]:
        """The tests pytest collects from a test module (:func:`testaudit.collection.collected_tests`)."""
        found = self._collected.get(facts.path)
        if found is None:
            found = self._collected[facts.path] = collected_tests(
                facts, self.python_classes, self.python_functions, lambda cls: self.base_classes(facts, cls))
        return found

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
        tests, classes, _ = self._spans_of(facts)
        return tests.at(line), classes.at(line)

    def _spans_of(self, facts: FileFacts) -> Tuple[Innermost[FunctionFact], Innermost[ClassFact], Innermost[str]]:
        found = self._spans.get(facts.path)
        if found is None:
            functions = [(f.start_line, f.end_line, f.qualname) for f in facts.functions]
            classes = [(c.start_line, c.end_line, c.qualname) for c in facts.classes]
            found = self._spans[facts.path] = (
                Innermost([(f.start_line, f.end_line, f) for f in facts.functions if f.kind == "test"]),
                Innermost([(c.start_line, c.end_line, c) for c in facts.classes]),
                Innermost(functions + classes))
        return found

    def node_id(self, facts: FileFacts, fn: FunctionFact) -> str:
        parts = [facts.path]
        if fn.class_name:
            parts.extend(fn.class_name.split("."))
        parts.append(fn.name)
        return "::".join(parts)

    def scope_at(self, facts: FileFacts, line: int) -> str:
        """Where ``line`` is, without line numbers: the innermost test's node id, else the
        innermost function or class (``path::Class::method``), else the module (``path``)."""
        qualname = self._spans_of(facts)[2].at(line)
        if qualname is None:
            return facts.path
        return "::".join((facts.path, *qualname.split(".")))

    def category_at(self, facts: FileFacts, line: int) -> Tuple[str, Optional[str]]:
        """(category, node id) of the code at ``line`` of a file."""
        if not facts.parsed:
            return self.categorizer.from_path(facts.path) or UNCATEGORIZED, None
        test, cls = self.enclosing(facts, line)
        if test is not None:
            return self.test_category(facts, test), self.node_id(facts, test)
        if cls is not None and facts.is_test_module:
            key = (facts.path, cls.qualname)
            if key not in self._class_tests:
                self._class_tests[key] = [t for t in facts.tests() if t.class_name == cls.qualname]
            tests = self._class_tests[key]
            if tests:
                return self.categorizer.majority((self.test_category(facts, t) for t in tests),
                                                 self.class_category(facts, cls)), None
            return self.class_category(facts, cls), None
        return self.module_category(facts), None

    def test_modules(self) -> List[FileFacts]:
        found = (self.files.file(p) for p in sorted(self.checked))
        return [f for f in found if f is not None and f.is_test_module]
