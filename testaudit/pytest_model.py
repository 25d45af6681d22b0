"""All pytest and mocking-library knowledge in one place.

Test naming (``python_functions`` / ``python_classes``), fixtures (``@pytest.fixture`` in every
form, ``pytest_asyncio.fixture``, ``name=``, ``autouse=``), markers (``@pytest.mark.X``,
``pytestmark``), ``usefixtures`` and ``parametrize`` argument names, and which dotted names are
test doubles from a mocking library.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, List, Optional, Protocol, Sequence, Tuple

if TYPE_CHECKING:
    from testaudit.names import ImportTable

FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture", "pytest.yield_fixture"})
MARK_PREFIX = "pytest.mark."

MOCK_MODULES = ("unittest.mock", "mock", "pytest_mock", "asynctest")
MOCK_NAMES = frozenset({
    "Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "PropertyMock",
    "create_autospec", "mock_open", "patch", "patch.object", "patch.dict", "patch.multiple",
    "CoroutineMock",
})
MOCKER_FIXTURES = frozenset({"mocker", "class_mocker", "module_mocker", "session_mocker"})
# Library doubles that TA103 (hand-rolled doubles) must leave to TA101.
LIBRARY_DOUBLES = frozenset(n for n in MOCK_NAMES if "." not in n)


def is_test_function_name(name: str, patterns: Sequence[str]) -> bool:
    """pytest's ``python_functions``/``python_classes`` matching: a plain pattern is a prefix."""
    return any(fnmatch.fnmatchcase(name, p if any(c in p for c in "*?[") else p + "*") for p in patterns)


is_test_class_name = is_test_function_name  # the same rule for ``python_classes``


def mock_module(qualified: str) -> Optional[str]:
    """The mocking module a dotted module name is, or lies inside (``mock.mock`` → ``mock``)."""
    for mod in MOCK_MODULES:
        if qualified == mod or qualified.startswith(mod + "."):
            return mod
    return None


def mock_name(qualified: Optional[str]) -> Optional[str]:
    """``unittest.mock.patch.object`` → ``patch.object``; None when it is not a library double."""
    if not qualified:
        return None
    for mod in MOCK_MODULES:
        if qualified.startswith(mod + "."):
            rest = qualified[len(mod) + 1:]
            if rest.startswith("mock."):  # `mock.mock.patch` (the backport's inner module)
                rest = rest[5:]
            if rest in MOCK_NAMES:
                return rest
    return None


def resolve_with_stars(imports: "ImportTable", name: Optional[str]) -> Optional[str]:
    """Resolve a dotted name through imports; a bare mock name star-imported from a mock module too."""
    resolved = imports.resolve(name)
    if resolved is None and name:
        for star in imports.star_modules:
            if mock_module(star) and name.split(".")[0] in MOCK_NAMES:
                return f"{star}.{name}"
    return resolved


Resolver = Callable[[Optional[str]], Optional[str]]


class Syntax(Protocol):
    """The few questions the pytest model asks of an expression, for libcst and ``ast`` trees alike
    (``names.CST`` and ``ast_facts.AST``), so both fact extractors read decorators the same way."""

    def dotted(self, expr: Any) -> Optional[str]: ...  # ``a.b.c`` for a name chain, else None

    def callee(self, expr: Any) -> Optional[str]: ...  # the dotted name a call invokes (or ``dotted``)

    def call_args(self, expr: Any) -> Optional[List[Tuple[Optional[str], Any]]]: ...  # (keyword, value); None if no call

    def string(self, expr: Any) -> Optional[str]: ...  # a plain str literal's value

    def elements(self, expr: Any) -> Optional[List[Any]]: ...  # a list or tuple display's items

    def is_true(self, expr: Any) -> bool: ...  # the literal ``True``


@dataclass(frozen=True)
class DecoratorInfo:
    markers: Tuple[str, ...] = ()
    usefixtures: Tuple[str, ...] = ()
    parametrized: Tuple[str, ...] = ()
    is_fixture: bool = False
    fixture_name: Optional[str] = None
    autouse: bool = False
    cases: int = 1  # static parametrize cases (product over decorators); 0 when one is not a literal


_UNDECORATED = DecoratorInfo()


def _qualify(name: Optional[str], resolve: Resolver) -> Optional[str]:
    """Resolve through imports, but keep ``pytest.…`` spelled as written when not imported."""
    if not name:
        return None
    return resolve(name) or name


def marker_name(expr: Any, resolve: Resolver, syntax: Syntax) -> Optional[str]:
    """``pytest.mark.integration`` (called or not) → ``integration``."""
    q = _qualify(syntax.callee(expr), resolve)
    if q and q.startswith(MARK_PREFIX):
        return q[len(MARK_PREFIX):].split(".")[0]
    return None


def _string_args(args: List[Tuple[Optional[str], Any]], syntax: Syntax) -> List[str]:
    out: List[str] = []
    for keyword, value in args:
        if keyword is not None:
            continue
        text = syntax.string(value)
        if text is not None:
            out.append(text)
    return out


def parametrize_names(args: List[Tuple[Optional[str], Any]], syntax: Syntax) -> Tuple[str, ...]:
    """Argument names of ``@pytest.mark.parametrize("a, b", …)`` or ``(("a", "b"), …)``."""
    first = None
    for keyword, value in args:
        if keyword is None or keyword == "argnames":
            first = value
            break
    if first is None:
        return ()
    text = syntax.string(first)
    if text is not None:
        return tuple(n.strip() for n in text.split(",") if n.strip())
    items = syntax.elements(first)
    if items is not None:
        return tuple(v for v in (syntax.string(e) for e in items) if v)
    return ()


def parametrize_cases(args: List[Tuple[Optional[str], Any]], syntax: Syntax) -> int:
    """How many cases ``@pytest.mark.parametrize(names, argvalues)`` makes: the length of a
    literal list or tuple of argvalues, 0 when they are computed (unknown without running code)."""
    positional = [value for keyword, value in args if keyword is None]
    values = next((value for keyword, value in args if keyword == "argvalues"),
                  positional[1] if len(positional) > 1 else None)
    items = syntax.elements(values) if values is not None else None
    return len(items) if items is not None else 0


# decorators that say nothing about what a test is (not recorded as labels)
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "property", "abc.abstractmethod",
                               "functools.wraps", "functools.lru_cache", "functools.cache"})
# a decorator reached through these (re-exported by a project module) is the library's, not the project's
_LIBRARY_SEGMENTS = frozenset({"mock", "unittest"})


def decorator_label(expr: Any, resolve: Resolver, syntax: Syntax) -> Optional[str]:
    """A decorator that is not pytest's nor a mocking library's, as a label of what it decorates:
    ``@requires_aws`` or ``@live(region="x")`` → ``@<its dotted name, resolved through imports>``.
    Categories may map such decorators (their ``decorators`` key); they are kept beside the
    marker names, told apart by the ``@`` no marker name has."""
    q = _qualify(syntax.callee(expr), resolve)
    if not q or q.startswith(("pytest.", "pytest_asyncio.")) or q in _PLAIN_DECORATORS or mock_name(q):
        return None
    if _LIBRARY_SEGMENTS.intersection(q.split(".")):  # `awscli.testutils.mock.patch`, `…unittest.skipIf`
        return None
    return "@" + q


def analyze_decorators(decorators: Sequence[Any], resolve: Resolver, syntax: Syntax) -> DecoratorInfo:
    """What a function's or class's decorator expressions (without the ``@``) tell pytest.
    ``markers`` holds marker names and, as ``@name``, other decorators (:func:`decorator_label`)."""
    if not decorators:  # most functions
        return _UNDECORATED
    markers: List[str] = []
    usefixtures: List[str] = []
    parametrized: List[str] = []
    is_fixture = False
    fixture_name: Optional[str] = None
    autouse = False
    cases = 1
    for expr in decorators:
        q = _qualify(syntax.callee(expr), resolve)
        args = syntax.call_args(expr)
        if q in FIXTURE_DECORATORS:
            is_fixture = True
            for keyword, value in args or ():
                if keyword == "name":
                    fixture_name = syntax.string(value) or fixture_name
                elif keyword == "autouse":
                    autouse = syntax.is_true(value)
            continue
        mark = marker_name(expr, resolve, syntax)
        if mark is None:
            label = decorator_label(expr, resolve, syntax)
            if label:
                markers.append(label)
            continue
        if mark == "usefixtures" and args is not None:
            usefixtures.extend(_string_args(args, syntax))
        elif mark == "parametrize" and args is not None:
            parametrized.extend(parametrize_names(args, syntax))
            cases *= parametrize_cases(args, syntax)
        else:
            markers.append(mark)
    return DecoratorInfo(tuple(markers), tuple(usefixtures), tuple(parametrized), is_fixture,
                         fixture_name, autouse, cases)


def pytestmark_values(value: Any, resolve: Resolver, syntax: Syntax) -> Tuple[List[str], List[str]]:
    """Markers and usefixtures named by a ``pytestmark = …`` assignment (single mark or list)."""
    elements = syntax.elements(value)
    if elements is None:
        elements = [value]
    markers: List[str] = []
    usefixtures: List[str] = []
    for expr in elements:
        mark = marker_name(expr, resolve, syntax)
        if mark is None:
            label = decorator_label(expr, resolve, syntax)  # `pytestmark = [requires_aws]`
            if label:
                markers.append(label)
            continue
        args = syntax.call_args(expr)
        if mark == "usefixtures" and args is not None:
            usefixtures.extend(_string_args(args, syntax))
        elif mark != "parametrize":
            markers.append(mark)
    return markers, usefixtures


def requested_params(params: Iterable[Tuple[str, bool]]) -> Tuple[str, ...]:
    """Argument names pytest would resolve as fixtures, from (name, has a default) in order:
    no ``self``/``cls``, nothing with a default (``*args``/``**kwargs`` are never passed in)."""
    return tuple(name for name, has_default in params if not has_default and name not in ("self", "cls"))


PATCH_TAILS = frozenset({"patch", "object", "dict", "multiple"})  # callees whose target is recorded
PatchArgs = Optional[Tuple[Optional[str], Optional[str], Optional[str]]]  # (string, dotted, second string)


def patch_args(call: Any, syntax: "Syntax") -> PatchArgs:
    """What a patch-like call's first two arguments (as written) are, for :func:`patch_target`:
    the first as a string or else a dotted name, the second as a string; either front end."""
    args = syntax.call_args(call)
    if not args:
        return None
    first = syntax.string(args[0][1])
    return first, syntax.dotted(args[0][1]) if first is None else None, \
        syntax.string(args[1][1]) if len(args) > 1 else None


def patch_target(callee: str, found: PatchArgs, resolve: Callable[[str], Optional[str]]) -> Optional[str]:
    """The dotted name a patch call (``callee``: ``…patch``, ``…patch.object``) replaces; TA101's
    ``external-targets`` are searched in it: its string argument, or the object it names
    (resolved through imports), with the attribute ``patch.object`` gets as its second argument."""
    if found is None:
        return None
    text, obj, attr = found
    if text is not None:
        return text
    if obj is None:
        return None
    resolved = resolve(obj) or obj
    return f"{resolved}.{attr}" if callee.endswith(".object") and attr else resolved
