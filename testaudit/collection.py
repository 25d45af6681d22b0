"""What pytest collects, read statically from the project's own pytest configuration.

pytest decides which files are test modules (``python_files``), which classes hold tests
(``python_classes``) and which functions are tests (``python_functions``) from its ini options.
A team that sets ``python_classes = ["Test*", "*Tests"]`` expects ``class BillingTests`` to be a
test class everywhere testaudit looks (categories, TA501, TA801, test counts), so these are
testaudit's defaults; testaudit's own ``test-files`` / ``python-classes`` / ``python-functions``
keys win when set.

The file is found as pytest finds it (its "inifile"): in the project root, then each ancestor,
the first of ``pytest.ini``, ``.pytest.ini``, ``pytest.toml``, ``.pytest.toml`` (always, even
empty), ``pyproject.toml`` with a ``[tool.pytest]`` or ``[tool.pytest.ini_options]`` table,
``tox.ini`` with ``[pytest]``, ``setup.cfg`` with ``[tool:pytest]``. Nothing in it is executed;
a file that cannot be read or parsed is reported as a problem and pytest's defaults apply.

:func:`collected_tests` is the count side: the tests pytest would collect from one module, with
their node ids, read from the module's facts (and its project bases for inherited methods).
"""
from __future__ import annotations

import configparser
import fnmatch
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from testaudit.model import ClassFact, FileFacts, FunctionFact

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib

PYTEST_DEFAULTS: Mapping[str, Tuple[str, ...]] = {
    "python_files": ("test_*.py", "*_test.py"),
    "python_classes": ("Test",),
    "python_functions": ("test",),
}
_NAMES = ("python_files", "python_classes", "python_functions", "testpaths", "markers", "norecursedirs")
_ALWAYS = ("pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml")  # pytest's own files count even empty


@dataclass(frozen=True)
class PytestSettings:
    """The collection options pytest reads; ``None`` where the file does not set one (pytest's
    default applies). ``path`` and ``table`` say where they were read, ``problem`` why the file
    was unusable."""

    python_files: Optional[Tuple[str, ...]] = None
    python_classes: Optional[Tuple[str, ...]] = None
    python_functions: Optional[Tuple[str, ...]] = None
    testpaths: Tuple[str, ...] = ()
    norecursedirs: Tuple[str, ...] = ()  # only the file's patterns: testaudit's own excludes cover pytest's defaults
    markers: Tuple[str, ...] = ()  # registered marker names
    path: Optional[str] = None
    table: str = ""
    problem: Optional[str] = None

    def where(self, root: str = "") -> str:
        """``pyproject.toml [tool.pytest.ini_options]``: the file (relative to ``root`` when
        below it) and the table."""
        if self.path is None:
            return "pytest's defaults"
        shown = self.path
        if root and Path(self.path).is_relative_to(root):
            shown = Path(self.path).relative_to(root).as_posix()
        return f"{shown} [{self.table}]" if self.table else shown

    def test_dirs(self, root: str) -> List[str]:
        """``testpaths`` as existing directories inside ``root`` (glob patterns expanded, as pytest
        7 does), relative to the file that sets them; [] when it sets none or none exists."""
        import glob

        base = os.path.dirname(self.path) if self.path else root
        wall = os.path.join(os.path.realpath(root), "")
        out: List[str] = []
        for pattern in self.testpaths:
            for found in sorted(glob.glob(os.path.join(base, pattern))):
                # the audited tree's configuration never leads the run out of its root
                inside = os.path.join(os.path.realpath(found), "").startswith(wall)
                if inside and os.path.isdir(found) and found not in out:
                    out.append(found)
        return out

    def value(self, name: str) -> Tuple[str, ...]:
        """An option's effective value: the file's, else pytest's default."""
        own = getattr(self, name)
        return own if own is not None else PYTEST_DEFAULTS[name]


def find_pytest_settings(root: Path) -> PytestSettings:
    """The settings of the pytest configuration file that governs ``root`` (see module doc)."""
    for directory in (root, *root.parents):
        for reader in _READERS:
            found = reader(directory)
            if found is not None:
                return found
    return PytestSettings()


def _ini_file(name: str, section: str, always: bool) -> Callable[[Path], Optional[PytestSettings]]:
    def read(directory: Path) -> Optional[PytestSettings]:
        path = directory / name
        if not path.is_file():
            return None
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read_string(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except (OSError, configparser.Error) as exc:
            return PytestSettings(path=str(path), problem=f"cannot read pytest's configuration: {exc}")
        if not parser.has_section(section):
            return PytestSettings(path=str(path)) if always else None
        return _settings(dict(parser.items(section)), str(path), section)

    return read


def _toml_file(name: str, tables: Sequence[Tuple[str, ...]], always: bool) -> Callable[[Path], Optional[PytestSettings]]:
    def read(directory: Path) -> Optional[PytestSettings]:
        path = directory / name
        if not path.is_file():
            return None
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problem = f"cannot read pytest's configuration: {exc}"
            return PytestSettings(path=str(path), problem=problem) if always or name == "pyproject.toml" else None
        for keys in tables:
            table: Any = data
            for key in keys:
                table = table.get(key) if isinstance(table, dict) else None
            if isinstance(table, dict):
                return _settings(table, str(path), ".".join(keys))
        return PytestSettings(path=str(path)) if always else None

    return read


_READERS = (
    _ini_file("pytest.ini", "pytest", always=True),
    _ini_file(".pytest.ini", "pytest", always=True),
    _toml_file("pytest.toml", [("pytest",), ()], always=True),
    _toml_file(".pytest.toml", [("pytest",), ()], always=True),
    _toml_file("pyproject.toml", [("tool", "pytest", "ini_options"), ("tool", "pytest")], always=False),
    _ini_file("tox.ini", "pytest", always=False),
    _ini_file("setup.cfg", "tool:pytest", always=False),
)


def _settings(table: Mapping[str, Any], path: str, name_of_table: str) -> PytestSettings:
    """The collection options of one pytest table; values are lists (TOML) or whitespace-separated
    strings (ini, split as pytest's ``args`` type does); ``markers`` one per line or list item."""
    values: Dict[str, Any] = {}
    for name in _NAMES:
        raw = table.get(name)
        if raw is None:
            continue
        if name == "markers":
            lines = raw.splitlines() if isinstance(raw, str) else [str(v) for v in raw] if isinstance(raw, list) else []
            values[name] = tuple(m for m in (_marker_name(line) for line in lines) if m)
            continue
        items = _split(raw)
        if items is None:
            return PytestSettings(path=path, table=name_of_table,
                                  problem=f"`{name}` is neither a string nor a list of strings")
        values[name] = tuple(items) if name in ("testpaths", "norecursedirs") or items else None
    return PytestSettings(path=path, table=name_of_table, **values)


def _split(raw: Any) -> Optional[List[str]]:
    if isinstance(raw, str):
        try:
            return shlex.split(raw)
        except ValueError:
            return raw.split()
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return list(raw)
    return None


def _marker_name(line: str) -> str:
    """``slow: marks tests as slow`` / ``env(name): …`` → ``slow`` / ``env``."""
    head = line.strip().split(":", 1)[0]
    return head.split("(", 1)[0].strip()


# -- what one module yields ---------------------------------------------------------------------
def matches(name: str, patterns: Iterable[str]) -> bool:
    """pytest's ``python_classes`` / ``python_functions`` rule: a pattern with a glob character is
    a glob, any other is a prefix."""
    return any(fnmatch.fnmatchcase(name, p if any(c in p for c in "*?[") else p + "*") for p in patterns)


UNITTEST_BASES = frozenset({"unittest.TestCase", "unittest.case.TestCase", "unittest.IsolatedAsyncioTestCase",
                            "unittest.async_case.IsolatedAsyncioTestCase"})


@dataclass(frozen=True)
class CollectedTest:
    """One test pytest would collect: its node id, the function, and its static ``parametrize``
    cases (1 when not parametrized, 0 when they cannot be counted without running code)."""

    node_id: str
    function: FunctionFact
    class_name: Optional[str]
    cases: int = 1


Ancestry = Callable[[ClassFact], Sequence[Tuple[ClassFact, FileFacts]]]


def _constructs(methods: Mapping[str, FunctionFact]) -> bool:
    """pytest does not collect a class with its own constructor ("cannot collect test class …
    because it has a __init__ constructor", or a __new__ one)."""
    return "__init__" in methods or "__new__" in methods


def collected_tests(facts: FileFacts, python_classes: Sequence[str], python_functions: Sequence[str],
                    ancestry: Optional[Ancestry] = None) -> Tuple[CollectedTest, ...]:
    """The tests pytest would collect from a test module, in definition order.

    Module-level functions whose names match ``python_functions``; in each top-level class whose
    name matches ``python_classes`` and that defines no ``__init__`` or ``__new__`` (pytest refuses
    those, as the test rules' scopes do), its
    methods that match, and those it inherits (``ancestry`` gives the class's resolved project
    bases, nearest first); a ``unittest.TestCase`` subclass is collected whatever its name, with
    its ``test*`` methods, as unittest does. A name bound twice counts once (the last binding
    is the one pytest sees). A module that does not parse yields nothing.
    """
    if not facts.parsed:
        return ()
    out: Dict[str, CollectedTest] = {}
    for f in facts.functions:
        if f.class_name is None and f.qualname == f.name and matches(f.name, python_functions):
            out.pop(f.name, None)  # a rebinding moves the name to its last definition
            out[f.name] = CollectedTest(f"{facts.path}::{f.name}", f, None, f.cases)
    methods_of = _methods_by_class(facts)
    for cls in facts.classes:
        if cls.qualname != cls.name or cls.opted_out:  # nested classes: not followed; `__test__ = False`
            continue
        chain = list(ancestry(cls)) if ancestry is not None else []
        unittest = any(base in UNITTEST_BASES for c in (cls, *(a for a, _ in chain)) for base in c.bases)
        if not unittest and not matches(cls.name, python_classes):
            continue
        own = methods_of.get(cls.name, {})
        if _constructs(own) and not unittest:
            continue
        pattern = ("test",) if unittest else tuple(python_functions)
        seen: Dict[str, FunctionFact] = {}
        for name, f in own.items():
            seen[name] = f
        for base, base_facts in chain:
            for name, f in _methods_by_class(base_facts).get(base.qualname, {}).items():
                seen.setdefault(name, f)
        if _constructs(seen) and not unittest:
            continue
        for name, f in seen.items():
            if matches(name, pattern):
                key = f"{cls.name}::{name}"
                out[key] = CollectedTest(f"{facts.path}::{key}", f, cls.name, f.cases)
    return tuple(out.values())


def _methods_by_class(facts: FileFacts) -> Dict[str, Dict[str, FunctionFact]]:
    """Per class qualname, its own methods by name (the last definition of a name wins)."""
    out: Dict[str, Dict[str, FunctionFact]] = {}
    for f in facts.functions:
        if f.class_name is not None and f.qualname == f"{f.class_name}.{f.name}":
            methods = out.setdefault(f.class_name, {})
            methods.pop(f.name, None)
            methods[f.name] = f
    return out
