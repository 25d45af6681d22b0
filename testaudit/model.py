"""Plain values that cross module and process boundaries.

Leaf module: imports nothing from the rest of the package. Every value here is a frozen
dataclass of primitives and tuples, so it pickles (process pool, cache) and compares by value.

Conventions: lines are 1-based; columns are 1-based (libcst columns + 1); ``end_column`` is
the column just after the last character, as in ruff's JSON output.
"""
from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple

CHECK, FACTS = "check", "facts"
WHOLE_MODULE = "module"  # Finding tag: about the module as a whole (reported at line 1, no construct of its own)  # per-file roles: the full check, or only the facts other files need


class Severity(str, enum.Enum):
    """A finding of severity ``error`` fails its module (SPEC §6); a ``warning`` never does."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column) — 1-based, code points,
    the end excluded — with ``text``; an empty range inserts."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A finding's repair: edits of its own file, applied together or not at all. ``safe`` fixes
    keep behaviour (``--fix``); unsafe ones may change it (``--unsafe-fixes``)."""

    safe: bool
    message: str
    edits: Tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """One reported violation.

    ``category`` and ``node_id`` are filled by the engine from the file's facts (the enclosing
    test, class or module); rules leave them empty. ``tags`` carry rule-internal hints between a
    rule's visit and its own post-processing (``Rule.keep``); they are never serialised.
    ``scope`` (the node id of the enclosing test, else ``path::Class::function``, else the path)
    and ``source_hash`` (of the flagged source with all whitespace removed) are filled by the
    engine too: with the code and path they identify a finding without line numbers (baseline).
    """

    path: str
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    category: Optional[str] = None
    node_id: Optional[str] = None
    chain: Tuple[str, ...] = ()
    stmt_line: int = 0
    tags: Tuple[str, ...] = ()
    scope: str = ""
    source_hash: str = ""
    fix: Optional[Fix] = None

    @property
    def line(self) -> int:
        return self.location.line


def evolve(finding: Finding, **changes: Any) -> Finding:
    """``dataclasses.replace`` for a finding, without running ``__init__`` again (its fields are
    plain values): ``replace`` is a generic Python-level function, ~15 µs a call, and a corpus
    run fills in 33,000 findings."""
    if not changes.keys() <= finding.__dict__.keys():
        raise TypeError(f"Finding has no field {sorted(changes.keys() - finding.__dict__.keys())[0]!r}")
    new: Finding = object.__new__(Finding)
    new.__dict__.update(finding.__dict__, **changes)
    return new


# The order findings are reported in, as a C-level key function (the ``sort_key`` property and a
# lambda it replaced made sorting most of the 28 ms a warm corpus run took to assemble its 33,000
# findings): path, line, column, code, message.
FINDING_ORDER = operator.attrgetter("path", "location.line", "location.column", "code", "message")


@dataclass(frozen=True)
class ImportFact:
    """A name bound by an import: ``local`` refers to the absolute dotted ``target``.

    ``import a.b`` binds ``a`` → ``a`` (and records ``a.b`` as imported module);
    ``import a.b as c`` binds ``c`` → ``a.b``; ``from a.b import X as Y`` binds ``Y`` → ``a.b.X``.
    ``target`` is empty when a relative import cannot be resolved. ``star`` marks
    ``from m import *`` (``local`` is ``*``). ``line`` is the statement's first line;
    ``name_line``, ``column`` and ``end_column`` locate the imported name as written (``a.b`` of
    ``import a.b as c``, ``X`` of ``from m import X as Y``, the ``*``).
    """

    local: str
    target: str
    line: int
    level: int = 0
    star: bool = False
    module: str = ""
    name_line: int = 0
    column: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class CallFact:
    """A call (or decorator call) site inside a function: the callee resolved to a dotted name.
    ``args``: (positional arguments, keyword names) as written, None when unknown (``*a``,
    ``**k``, a decorator); ``bound``: called on an instance (``obj.method()``, ``self.m()``),
    whose ``self`` Python passes too; ``guard``: see :attr:`MockSite.guard`; ``patches``: for a
    callee named like a patch (``….patch``, ``….object``, ``….dict``, ``….multiple``), what its
    first arguments name (``"app.client.get"``, ``pkg.Class.attr``), when a literal does."""

    target: str
    line: int
    args: Optional[Tuple[int, Tuple[str, ...]]] = None
    bound: bool = False
    guard: Optional[str] = None
    patches: Optional[str] = None


@dataclass(frozen=True)
class Signature:
    """The parameters a call must fill (recorded for undecorated functions only)."""

    positional: Tuple[str, ...]  # positional-only, then positional-or-keyword, in order
    posonly: int  # how many of them are positional-only
    required: int  # the first ``required`` positional ones have no default
    kwonly: Tuple[str, ...]
    kwonly_required: Tuple[str, ...]
    varargs: bool
    varkw: bool

    def accepts(self, positional: int, keywords: Sequence[str]) -> bool:
        """Whether a call passing ``positional`` arguments and ``keywords`` binds without a TypeError."""
        if positional > len(self.positional) and not self.varargs:
            return False
        filled = set(self.positional[:positional])
        for name in keywords:
            if name in self.positional[self.posonly:] or name in self.kwonly:
                if name in filled:  # "got multiple values"
                    return False
                filled.add(name)
            elif not self.varkw:  # a positional-only name, or no such parameter: only **kwargs takes it
                return False
        return (all(p in filled for p in self.positional[:self.required])
                and all(k in filled for k in self.kwonly_required))


@dataclass(frozen=True)
class MockSite:
    """A place that creates a test double (``MagicMock()``, ``patch(...)``, a ``mocker`` param)."""

    what: str
    line: int
    # modules a `try:` imports whose `except ImportError:` holds this site: when the project has
    # them all, the fallback never runs (a double only for a missing driver is not a double in use)
    unless: Tuple[str, ...] = ()
    # a parameter of the function, defaulting to False or None, whose truth the site is under
    # (`def connect(self, mock_mode=False): if mock_mode: ...`): a call not passing it never gets here
    guard: Optional[str] = None


@dataclass(frozen=True)
class ClassFact:
    """A class. ``start_line`` includes decorators; ``line``/``column`` locate its name."""

    name: str
    qualname: str
    line: int
    end_line: int
    bases: Tuple[str, ...]
    markers: Tuple[str, ...] = ()
    usefixtures: Tuple[str, ...] = ()
    is_test_class: bool = False
    start_line: int = 0
    column: int = 1
    end_column: int = 1
    opted_out: bool = False  # `__test__ = False` in its body: pytest does not collect it


@dataclass(frozen=True)
class FunctionFact:
    """A function or method. ``kind`` is ``test``, ``fixture`` or ``function``.

    ``start_line`` includes decorators; ``line`` is the ``def`` line. ``fixture_name`` is the
    name pytest registers (``name=`` wins). ``params`` are the requested argument names.
    """

    name: str
    qualname: str
    class_name: Optional[str]
    line: int
    start_line: int
    end_line: int
    kind: str
    params: Tuple[str, ...] = ()
    markers: Tuple[str, ...] = ()
    usefixtures: Tuple[str, ...] = ()
    parametrized: Tuple[str, ...] = ()
    fixture_name: Optional[str] = None
    autouse: bool = False
    mock_sites: Tuple[MockSite, ...] = ()
    calls: Tuple[CallFact, ...] = ()
    column: int = 1
    end_column: int = 1
    cases: int = 1  # static ``parametrize`` cases; 0 when they cannot be counted statically
    signature: Optional[Signature] = None  # None when decorated (a decorator may change it)


@dataclass(frozen=True)
class FileFacts:
    """What one module tells the rest of the project (SPEC §10: small, picklable, cacheable)."""

    path: str
    module: str
    is_test_module: bool
    is_conftest: bool
    parsed: bool
    imports: Tuple[ImportFact, ...] = ()
    classes: Tuple[ClassFact, ...] = ()
    functions: Tuple[FunctionFact, ...] = ()
    module_markers: Tuple[str, ...] = ()
    module_usefixtures: Tuple[str, ...] = ()
    defined_names: Tuple[str, ...] = ()
    has_getattr: bool = False
    # the module may bind names no statement shows (``globals()``, ``sys.modules[__name__]``)
    dynamic_names: bool = False
    # (first, last) lines of code whose failing imports do not fail the module: ``try:`` bodies
    # with a handler catching ImportError, ``if TYPE_CHECKING:`` bodies
    import_guards: Tuple[Tuple[int, int], ...] = ()

    def tests(self) -> Tuple[FunctionFact, ...]:
        return tuple(f for f in self.functions if f.kind == "test")


@dataclass(frozen=True)
class Suppression:
    """An inline ``# testaudit: ignore[...]`` comment; empty ``codes`` means all."""

    line: int
    codes: Tuple[str, ...]
    column: int = 1
    file_level: bool = False


@dataclass(frozen=True)
class FileResult:
    """Everything the per-file stage learns about one file."""

    path: str
    findings: Tuple[Finding, ...]
    facts: FileFacts
    suppressions: Tuple[Suppression, ...] = ()
    error: Optional[str] = None
    digest: str = ""  # of the exact bytes analysed: the cache keys the result by what was read
    transient: bool = False  # over a per-file budget: never cached, the next run tries again


@dataclass(frozen=True)
class Warning_:
    """A problem that is not a finding (unreadable file, discarded cache…)."""

    path: str
    message: str


@dataclass(frozen=True)
class ModuleSummary:
    """Per test module, what the score needs (SPEC §6): its category; the rules that apply to it
    and those it fails (any finding, for per-rule compliance); the rules with an unsuppressed
    finding of severity ``error`` in it, and whether it parsed (it complies when it parsed and
    ``errors`` is empty)."""

    path: str
    category: str
    applicable: Tuple[str, ...]
    failing: Tuple[str, ...]
    errors: Tuple[str, ...] = ()
    parsed: bool = True


@dataclass(frozen=True)
class Outcome:
    """All a run reports about one checked file once cross-file rules and suppressions ran.

    It depends only on the file, the files it can reach (conftest chain, imports) and the
    configuration, so the cache can reuse it while none of those changed.
    """

    path: str
    findings: Tuple[Finding, ...]
    module: Optional[ModuleSummary] = None
    suppressed: int = 0
    warnings: Tuple[Warning_, ...] = ()
    # the dotted names the file imports or subclasses: which support modules the tests reach
    # (:func:`testaudit.discover.reached_support`) is decided from these at every run
    imports: Tuple[str, ...] = ()


@dataclass(frozen=True)
class BaselineEntry:
    """One recorded finding of a baseline file: no line or column, so it survives moves."""

    path: str
    code: str
    scope: str
    source_hash: str
    occurrence: int  # among findings of this file with the same code, scope and hash
    message: str = ""  # for people reading the file; not matched

    @property
    def key(self) -> Tuple[str, str, str, str, int]:
        return (self.path, self.code, self.scope, self.source_hash, self.occurrence)


@dataclass(frozen=True)
class BaselineStatus:
    """How a run's findings met the baseline: ``baselined`` findings were recorded (they do not
    fail the run), ``fixed`` entries matched nothing in the files checked."""

    path: str
    baselined: Tuple[Finding, ...]
    fixed: Tuple[BaselineEntry, ...]
    score: Optional[float]  # the score recorded with the baseline (the ratchet)
    shown: bool = False  # baselined findings are also listed among the findings


@dataclass(frozen=True)
class ScoreDelta:
    """``--since REV``: the whole project's score at REV (from git's objects) and now."""

    rev: str
    before: float
    after: float
    changed: Tuple[str, ...]  # the Python files changed since REV (reported on)
    complying_before: int = 0
    modules_before: int = 0
    complying_after: int = 0
    modules_after: int = 0


@dataclass(frozen=True)
class TrendPoint:
    """The project's score at one commit (``testaudit trend``, ``check --trend N``).

    ``rules`` holds (code, compliance in percent rounded to one decimal) for every selected rule
    with something applicable at that commit; ``modules`` is the number of test modules then.
    """

    commit: str
    date: str  # committer date, ISO 8601
    subject: str
    score: float
    modules: int
    findings: int
    rules: Tuple[Tuple[str, float], ...] = ()
    complying: int = 0  # test modules that comply (SPEC §6): score = 100 × complying / modules


@dataclass(frozen=True)
class RuleInfo:
    """What reporters need to describe a selected rule (SARIF's ``tool.driver.rules``)."""

    code: str
    name: str
    severity: Severity
    summary: str
    help: str


@dataclass(frozen=True)
class RunResult:
    root: str
    findings: Tuple[Finding, ...]
    modules: Tuple[ModuleSummary, ...]
    files_checked: int
    warnings: Tuple[Warning_, ...] = ()
    suppressed: int = 0
    rules: Tuple[RuleInfo, ...] = ()
    paths: Tuple[str, ...] = ()  # every checked file, root-relative
    baseline: Optional[BaselineStatus] = None
    delta: Optional[ScoreDelta] = None
    fixed: int = 0  # fixes applied by --fix before the findings were collected
    trend: Tuple[TrendPoint, ...] = ()  # ``check --trend N``: the score at earlier commits, oldest first
    unreached: Tuple[str, ...] = ()  # support modules under the paths that no test reaches: not reported

    @property
    def codes(self) -> Tuple[str, ...]:
        """The codes of every selected rule."""
        return tuple(r.code for r in self.rules)

    @property
    def rule_names(self) -> Tuple[Tuple[str, str], ...]:
        return tuple((r.code, r.name) for r in self.rules)
