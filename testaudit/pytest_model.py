"""All pytest and mocking-library knowledge in one place.

Test naming (``python_functions`` / ``python_classes``), fixtures (``@pytest.fixture`` in every
form, ``pytest_asyncio.fixture``, ``name=``, ``autouse=``), markers (``@pytest.mark.X``,
``pytestmark``), ``usefixtures`` and ``parametrize`` argument names, and which dotted names are
test doubles from a mocking library.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import libcst as cst

from testaudit.names import ImportTable, callee, string_value

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
    return any(fnmatch.fnmatchcase(name, p if any(c in p for c in "*?[") else p + "*") for p in patterns)


def is_test_class_name(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p if any(c in p for c in "*?[") else p + "*") for p in patterns)


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


def resolve_with_stars(imports: ImportTable, name: Optional[str]) -> Optional[str]:
    """Resolve a dotted name through imports; a bare mock name star-imported from a mock module too."""
    resolved = imports.resolve(name)
    if resolved is None and name:
        for star in imports.star_modules:
            if mock_module(star) and name.split(".")[0] in MOCK_NAMES:
                return f"{star}.{name}"
    return resolved


Resolver = Callable[[Optional[str]], Optional[str]]


@dataclass(frozen=True)
class DecoratorInfo:
    markers: Tuple[str, ...] = ()
    usefixtures: Tuple[str, ...] = ()
    parametrized: Tuple[str, ...] = ()
    is_fixture: bool = False
    fixture_name: Optional[str] = None
    autouse: bool = False


def _qualify(name: Optional[str], resolve: Resolver) -> Optional[str]:
    """Resolve through imports, but keep ``pytest.…`` spelled as written when not imported."""
    if not name:
        return None
    return resolve(name) or name


def marker_name(expr: cst.BaseExpression, resolve: Resolver) -> Optional[str]:
    """``pytest.mark.integration`` (called or not) → ``integration``."""
    q = _qualify(callee(expr), resolve)
    if q and q.startswith(MARK_PREFIX):
        return q[len(MARK_PREFIX):].split(".")[0]
    return None


def _string_args(call: cst.Call) -> List[str]:
    out: List[str] = []
    for arg in call.args:
        if arg.keyword is not None:
            continue
        value = string_value(arg.value)
        if value is not None:
            out.append(value)
    return out


def parametrize_names(call: cst.Call) -> Tuple[str, ...]:
    """Argument names of ``@pytest.mark.parametrize("a, b", …)`` or ``(("a", "b"), …)``."""
    first = None
    for arg in call.args:
        if arg.keyword is None or arg.keyword.value == "argnames":
            first = arg.value
            break
    if first is None:
        return ()
    text = string_value(first)
    if text is not None:
        return tuple(n.strip() for n in text.split(",") if n.strip())
    if isinstance(first, (cst.List, cst.Tuple)):
        return tuple(v for v in (string_value(e.value) for e in first.elements) if v)
    return ()


def analyze_decorators(decorators: Sequence[cst.Decorator], resolve: Resolver) -> DecoratorInfo:
    markers: List[str] = []
    usefixtures: List[str] = []
    parametrized: List[str] = []
    is_fixture = False
    fixture_name: Optional[str] = None
    autouse = False
    for dec in decorators:
        expr = dec.decorator
        q = _qualify(callee(expr), resolve)
        if q in FIXTURE_DECORATORS:
            is_fixture = True
            if isinstance(expr, cst.Call):
                for arg in expr.args:
                    if arg.keyword is None:
                        continue
                    if arg.keyword.value == "name":
                        fixture_name = string_value(arg.value) or fixture_name
                    elif arg.keyword.value == "autouse":
                        autouse = isinstance(arg.value, cst.Name) and arg.value.value == "True"
            continue
        mark = marker_name(expr, resolve)
        if mark is None:
            continue
        if mark == "usefixtures" and isinstance(expr, cst.Call):
            usefixtures.extend(_string_args(expr))
        elif mark == "parametrize" and isinstance(expr, cst.Call):
            parametrized.extend(parametrize_names(expr))
        else:
            markers.append(mark)
    return DecoratorInfo(tuple(markers), tuple(usefixtures), tuple(parametrized), is_fixture,
                         fixture_name, autouse)


def pytestmark_values(value: cst.BaseExpression, resolve: Resolver) -> Tuple[List[str], List[str]]:
    """Markers and usefixtures named by a ``pytestmark = …`` assignment (single mark or list)."""
    elements: List[cst.BaseExpression]
    if isinstance(value, (cst.List, cst.Tuple)):
        elements = [e.value for e in value.elements]
    else:
        elements = [value]
    markers: List[str] = []
    usefixtures: List[str] = []
    for expr in elements:
        mark = marker_name(expr, resolve)
        if mark is None:
            continue
        if mark == "usefixtures" and isinstance(expr, cst.Call):
            usefixtures.extend(_string_args(expr))
        elif mark != "parametrize":
            markers.append(mark)
    return markers, usefixtures


def requested_params(params: cst.Parameters) -> Tuple[str, ...]:
    """Argument names pytest would resolve as fixtures (no ``self``/``cls``, defaults, ``*args``)."""
    out: List[str] = []
    for p in (*params.posonly_params, *params.params, *params.kwonly_params):
        if p.default is not None:
            continue
        name = p.name.value
        if name in ("self", "cls"):
            continue
        out.append(name)
    return tuple(out)
