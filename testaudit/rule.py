"""The rule base classes and the per-file context rules see.

A per-file :class:`Rule` is a libcst ``BatchableCSTVisitor``: the engine runs every selected
rule and the facts collector in one batched pass over the parsed module. Rules report nodes;
the engine fills in the test category and pytest node id afterwards (from the file's facts),
then asks :meth:`Rule.keep` whether the finding stands for that category.

A :class:`ProjectRule` runs once per run on the project graph (cross-file rules such as TA501).
An :class:`EngineRule` is reported by the engine itself (TA001, TA002); it exists for its docs.

Class attributes every rule declares: ``CODE``, ``NAME``, ``SEVERITY``, ``MESSAGE`` (a one-line
summary), ``FILES`` (``"test"``: test modules; ``"all"``: test and support modules),
``APPLIES`` (which test modules count for the score: ``"all"``, ``"categories"`` — those with a
test of a category in ``options.categories`` — or ``"classes"``), ``Options`` (a frozen
dataclass), ``VALID`` / ``INVALID`` (example modules; a first line ``# file: path`` sets the
path they are checked at).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, Dict, FrozenSet, Hashable, Iterable, List, Optional, Protocol, Sequence, Tuple

import libcst as cst

from testaudit.model import Edit, Finding, Fix, Location, Severity
from testaudit.source import split_lines

if TYPE_CHECKING:  # pragma: no cover
    from testaudit.config import Config
    from testaudit.names import ImportTable


@lru_cache(maxsize=4096)
def compiled(pattern: str, flags: int = 0) -> "re.Pattern[str]":
    """A compiled regex, cached across files (options hold pattern strings)."""
    return re.compile(pattern, flags)


@dataclass(frozen=True)
class NoOptions:
    """A rule without options."""


class PositionLookup(Protocol):
    """node → ``CodeRange`` (``testaudit.positions.Positions``, or libcst's PositionProvider)."""

    def __getitem__(self, node: cst.CSTNode) -> Any: ...


LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python (and libcst) count as a line end
_COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")  # PEP 263


def line_break(source: str) -> str:
    """The line end a file uses (its first one), for text a fix inserts."""
    found = LINE_BREAK.search(source)
    return found.group(0) if found else "\n"


def below_header(lines: Sequence[str]) -> int:
    """The first line below a shebang and an encoding cookie (which must stay lines 1–2)."""
    top = 2 if lines and lines[0].startswith("#!") else 1
    while top <= min(2, len(lines)) and _COOKIE.match(lines[top - 1]):
        top += 1
    return top


class FileContext:
    """What the per-file stage knows about the file being visited."""

    def __init__(self, *, path: str, rel: str, module: str, is_package: bool, is_test_module: bool,
                 is_conftest: bool, config: "Config", source: str, imports: "ImportTable",
                 positions: Optional[PositionLookup] = None) -> None:
        self.path = path
        self.rel = rel
        self.module = module
        self.is_package = is_package
        self.is_test_module = is_test_module
        self.is_conftest = is_conftest
        self.config = config
        self.source = source
        self.imports = imports
        self.positions = positions
        self.stmt_stack: List[cst.CSTNode] = []
        # id(node) → the innermost statement it was visited in (filled by the visit), so a node
        # located later (a rule's finish) is placed by generating that statement alone
        self.visited_in: Dict[int, cst.CSTNode] = {}
        # line -> column of the `#` starting a real comment that mentions testaudit (filled by
        # the facts collector), so a suppression inside a string literal is not one
        self.comment_columns: Dict[int, int] = {}
        # what several rules derive from the file alike, computed by the first that asks
        # (TA601 and TA602 scan the same comments): key → value
        self.shared: Dict[Hashable, Any] = {}

    @cached_property
    def lines(self) -> List[str]:
        """The source's lines (computed on first use: a facts-only read never needs them)."""
        return split_lines(self.source)

    def location(self, node: cst.CSTNode) -> Location:
        if self.positions is None:
            return Location(1, 1, 1, 1)
        rng = self.positions[node]
        return Location(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)

    def line_of(self, node: cst.CSTNode, *, visiting: bool = False) -> int:
        """``visiting``: ``node`` is the node being visited, so it lies in the innermost statement
        being visited; when that statement is on one line, that is its line (a check asks the
        line of every call: most are found this way, without generating any code)."""
        positions = self.positions
        if positions is None:
            return 1
        if visiting and self.stmt_stack:
            one_line = getattr(positions, "one_line", None)
            line = one_line(self.stmt_stack[-1]) if one_line is not None else 0
            if line:
                return line
        return self._line(positions, node)

    def stmt_line(self) -> int:
        """First line of the innermost statement being visited (for suppressions)."""
        if not self.stmt_stack or self.positions is None:
            return 0
        return self._line(self.positions, self.stmt_stack[-1])

    @staticmethod
    def _line(positions: PositionLookup, node: cst.CSTNode) -> int:
        """A node's first line: ``testaudit.positions`` answers without building a range where it can."""
        line = getattr(positions, "line", None)
        return line(node) if line is not None else positions[node].start.line


class RuleBase:
    CODE: ClassVar[str] = ""
    NAME: ClassVar[str] = ""
    SEVERITY: ClassVar[Severity] = Severity.ERROR
    MESSAGE: ClassVar[str] = ""
    FILES: ClassVar[str] = "test"
    APPLIES: ClassVar[str] = "all"
    Options: ClassVar[type] = NoOptions
    # options only ``keep`` reads (after the per-file visit): a file's analysis does not depend
    # on them, so changing them re-uses cached analyses (``testaudit verify`` widens categories)
    KEEP_OPTIONS: ClassVar[Tuple[str, ...]] = ()
    VALID: ClassVar[Sequence[str]] = ()
    INVALID: ClassVar[Sequence[str]] = ()

    @classmethod
    def documentation(cls) -> str:
        """The rule's doc sections: its class docstring, or else its module's docstring."""
        import inspect
        import sys

        doc = cls.__dict__.get("__doc__") or getattr(sys.modules.get(cls.__module__), "__doc__", "") or ""
        return inspect.cleandoc(doc).strip()

    @classmethod
    def applies(cls, options: Any, categories: FrozenSet[str], has_classes: bool) -> bool:
        """Whether a test module with tests of ``categories`` counts for this rule's score."""
        if cls.APPLIES == "categories":
            return bool(categories & frozenset(getattr(options, "categories", ())))
        if cls.APPLIES == "classes":
            return has_classes
        return True

    @classmethod
    def keep(cls, finding: Finding, category: str, options: Any) -> bool:
        """Whether a finding stands once its test category is known."""
        return True

    @classmethod
    def project_findings(cls, project: Any, options: Any, severity: Severity) -> Iterable[Finding]:
        """The findings this rule makes across files, in the project phase (a per-file rule may
        add some: TA103's doubles that a fixture or helper hands a test); none by default."""
        return ()


class Rule(RuleBase, cst.BatchableCSTVisitor):
    """A per-file rule: visit nodes, call :meth:`report`."""

    TEXT: ClassVar[bool] = False  # check_text() also runs on files that do not parse

    def __init__(self, ctx: FileContext, options: Any, severity: Optional[Severity] = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.options = options
        self.severity = severity or self.SEVERITY
        self.findings: List[Finding] = []

    def report(self, node: cst.CSTNode, message: Optional[str] = None, *, tags: Tuple[str, ...] = (),
               severity: Optional[Severity] = None, stmt_line: Optional[int] = None,
               fix: Optional[Fix] = None) -> None:
        self.report_at(self.ctx.location(node), message, tags=tags, severity=severity,
                       stmt_line=self.ctx.stmt_line() if stmt_line is None else stmt_line, fix=fix)

    def report_at(self, location: Location, message: Optional[str] = None, *, tags: Tuple[str, ...] = (),
                  severity: Optional[Severity] = None, stmt_line: int = 0, fix: Optional[Fix] = None) -> None:
        self.findings.append(Finding(
            path=self.ctx.rel, code=self.CODE, name=self.NAME, severity=severity or self.severity,
            message=message or self.MESSAGE, location=location, stmt_line=stmt_line, tags=tags, fix=fix,
        ))

    def replace_node(self, node: cst.CSTNode, text: str) -> Edit:
        """An edit replacing ``node``'s source range with ``text``."""
        loc = self.ctx.location(node)
        return Edit(loc.line, loc.column, loc.end_line, loc.end_column, text)

    def finish(self) -> None:
        """Called after the visit of a parsed file (deferred resolution goes here)."""

    def check_text(self) -> None:
        """Text-level check; runs on every file when ``TEXT`` is set, parsed or not."""


class ProjectRule(RuleBase):
    """A rule that runs once on the whole project (see :mod:`testaudit.graph`)."""

    def __init__(self, options: Any, severity: Optional[Severity] = None) -> None:
        self.options = options
        self.severity = severity or self.SEVERITY

    def check(self, project: Any) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def project_findings(cls, project: Any, options: Any, severity: Severity) -> Iterable[Finding]:
        return cls(options, severity).check(project)


class EngineRule(RuleBase):
    """A rule the engine reports itself (parse failures, unused suppressions)."""
