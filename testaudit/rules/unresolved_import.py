"""
## What it does
Reports an absolute import of a project module that does not exist, or of a name that the
project module neither defines nor can provide — pytest's collection errors
`ModuleNotFoundError: No module named 'app.servcies'` and
`ImportError: cannot import name 'User' from 'app.models'`, found without running anything.
Imports are checked in every checked file (test and support modules), at module level and
inside functions; a missing module is reported once per statement, on its first name, and a
missing name on the name itself.

Only project modules are judged: the import's top-level name must be a regular package or
module of the project (`name/__init__.py` or `name.py` under a `src` root). Third-party and
standard-library imports never are, nor are top-level directories without `__init__.py`
(namespace packages, which an installed package of the same name would shadow or extend)
unless listed in `namespace-packages`.

A module exists when its file (`m.py`, `m/__init__.py`) or its directory (a namespace package)
does. A name exists in a module when the module binds it at module level — a `def`, a `class`,
an assignment (tuple unpacking, augmented and annotated ones included), an import (a
re-export; `import a.b` binds `a`), a `for`/`with`/`except … as` target, a `global`
declaration in a function — in any branch (`try`/`except ImportError` alternatives,
`if TYPE_CHECKING:`, conditional definitions); when it is a submodule (`from pkg import mod`
with `pkg/mod.py` or `pkg/mod/`); or when a star import in the module brings it (star imports of
project modules are followed transitively).

Not reported, because the module may provide the name in ways no statement shows: a module
with a module-level `__getattr__`, one that uses `globals()` or `sys.modules[__name__]` (or
registers any module in `sys.modules`: `sys.modules["py.path"] = path` — then its submodules are
not judged either), a star
import of a module that is not a project module (or cannot be found), and a module that does
not parse. Nor are the attributes every module has (`__name__`, `__file__`, `__doc__`,
`__spec__`, …) and a package's `__path__`. Relative imports are TA201's. Imports inside a `try:` whose handler catches
`ImportError` (or `ModuleNotFoundError`, `Exception`, a bare `except:`) and inside
`if TYPE_CHECKING:` are not reported: a failure there does not fail collection; nor are
imports inside `with pytest.raises(ImportError):` (or `ModuleNotFoundError`, `Exception`,
`self.assertRaises(…)`), where the failure is what the test asserts. An import
that a module in the same directory would satisfy (a test directory without `__init__.py`,
which pytest puts first on `sys.path`) is not judged either.

## Why is this bad?
A test module that cannot be imported is not a failing test: it is an error at collection
time, its tests never run, and suites that generate or move files accumulate them quietly
("cannot import name 'User'"). In a large suite a single such module stops a `pytest` run
before any test starts, unless it is excluded, and then nobody notices the coverage that
disappeared. Finding the import statically points at the exact line before CI does.

Severity is **error**: the import fails whenever the statement runs.

## Options
- `namespace-packages`: top-level names of namespace directories (no `__init__.py`) that are
  project code and should be judged (default: none).
- `ignore-modules`: modules (and their submodules) never judged, e.g. generated code that
  exists only after a build step (default: none).

## Known limitations
Names are read statically: a name a package adds to itself at run time (`setattr`, a plugin
registering attributes, `__path__` extended with `pkgutil.extend_path`) is not seen, so the
rule is silent on modules that assign `__path__`. `__all__` is not read: a star import is taken
to bring every name the star-imported module binds. Imports that rely on `sys.path` changes
(`sys.path.insert(0, "services/api")` then `import app`) are judged only when their top-level
name is a project package at a `src` root. A file created after a run that reported its absence
is seen once the importing file, or any file it reaches, changes (the cache keys findings on the
files that exist).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Set, Tuple

from testaudit.model import FileFacts, Finding, ImportFact, Location
from testaudit.rule import ProjectRule

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | frozenset(sys.builtin_module_names) | {"__future__"}

# attributes every module object has, whatever its source defines (`from pkg import __path__`
# holds for a package only: checked where it is asked)
MODULE_ATTRIBUTES = frozenset({"__name__", "__doc__", "__file__", "__loader__", "__spec__", "__package__",
                               "__builtins__", "__dict__", "__cached__"})


@dataclass(frozen=True)
class Options:
    namespace_packages: Tuple[str, ...] = ()
    ignore_modules: Tuple[str, ...] = ()


class UnresolvedImport(ProjectRule):
    CODE = "TA202"
    NAME = "unresolved-import"
    MESSAGE = "import of a project module or name that does not exist"
    FILES = "all"
    Options = Options
    INVALID = (
        "# file: app/__init__.py\n"
        "# file: app/models.py\n"
        "class Account:\n    pass\n"
        "# file: tests/test_models.py\n"
        "from app.models import User\n\n\ndef test_user():\n    assert User(name='a').name == 'a'\n",
        "# file: app/__init__.py\n"
        "# file: tests/test_orders.py\n"
        "import app.orders\n\n\ndef test_orders():\n    assert app.orders.place()\n",
    )
    VALID = (
        "# file: app/__init__.py\n"
        "from app.models import Account as User\n"
        "# file: app/models.py\n"
        "class Account:\n    pass\n"
        "# file: tests/test_models.py\n"
        "import requests\n"
        "from app import User, models\n\n\ndef test_user():\n    assert User() and models.Account()\n",
        "# file: app/__init__.py\n"
        "# file: tests/test_optional.py\n"
        "try:\n    from app.fast import speedups\nexcept ImportError:\n    speedups = None\n\n\n"
        "def test_optional():\n    assert speedups is None\n",
    )

    def check(self, project) -> Iterable[Finding]:
        resolver = _Resolver(project, self.options)
        for path in sorted(project.checked):
            facts: Optional[FileFacts] = project.file(path)
            if facts is None or not facts.parsed:
                continue
            missing_reported: Set[Tuple[int, str]] = set()  # a missing module: once per statement
            for imp in facts.imports:
                if imp.level or not imp.module or _guarded(facts, imp) or (imp.line, imp.module) in missing_reported:
                    continue
                message = resolver.judge(facts, imp)
                if message:
                    if message.startswith("cannot import `"):
                        missing_reported.add((imp.line, imp.module))
                    line = imp.name_line or imp.line
                    yield Finding(
                        path=facts.path, code=self.CODE, name=self.NAME, severity=self.severity, message=message,
                        location=Location(line, imp.column or 1, line, imp.end_column or 1), stmt_line=imp.line,
                    )


def _guarded(facts: FileFacts, imp: ImportFact) -> bool:
    return any(first <= imp.line <= last for first, last in facts.import_guards)


class _Resolver:
    """Which modules exist and which names they provide, from the facts and the file tree (a
    module's facts are read only when a name it should provide is looked up)."""

    def __init__(self, project, options: Options) -> None:
        self.project = project
        self.graph = project.graph
        self.options = options
        self._exists: Dict[str, bool] = {}
        self._provides: Dict[Tuple[str, str], Optional[bool]] = {}
        self._judged: Dict[str, bool] = {}
        self._missing: Dict[str, Optional[str]] = {}

    # -- modules -----------------------------------------------------------------------------
    def judged(self, module: str) -> bool:
        """Whether imports of ``module`` are the rule's to judge (memoised: the same modules are
        imported by thousands of files)."""
        known = self._judged.get(module)
        if known is None:
            known = self._judged[module] = self._judge_module(module)
        return known

    def _judge_module(self, module: str) -> bool:
        top = module.split(".")[0]
        if top in _STDLIB and top not in self.options.namespace_packages:
            return False
        if any(module == m or module.startswith(m + ".") for m in self.options.ignore_modules):
            return False
        return self.graph.is_project_module(top) or (top in self.options.namespace_packages and self.exists(top))

    def exists(self, module: str) -> bool:
        known = self._exists.get(module)
        if known is None:
            known = self.graph.is_project_module(module) or any(self.project.is_dir(d) for d in self.project.module_dirs(module))
            self._exists[module] = known
        return known

    def missing_module(self, module: str) -> Optional[str]:
        """The first prefix of ``module`` that does not exist (None: all do, or cannot tell)."""
        if module not in self._missing:
            self._missing[module] = self._first_missing(module)
        return self._missing[module]

    def _first_missing(self, module: str) -> Optional[str]:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if self.exists(name):
                continue
            parent = self.graph.module_facts(".".join(parts[:i - 1])) if i > 1 else None
            if parent is not None and (not parent.parsed or "__path__" in parent.defined_names
                                       or parent.dynamic_names):
                return None  # the package extends its own search path, or registers modules: cannot tell
            return name
        return None

    # -- names -------------------------------------------------------------------------------
    def provides(self, module: str, name: str, seen: Optional[Set[str]] = None) -> Optional[bool]:
        """Whether ``from module import name`` finds the name (None: cannot tell)."""
        key = (module, name)
        if key in self._provides:
            return self._provides[key]
        seen = set() if seen is None else seen
        if module in seen:
            return False  # a star-import cycle: nothing new down this path
        seen.add(module)
        answer = self._provides_uncached(module, name, seen)
        if len(seen) == 1:  # only answers independent of the cycle guard are remembered
            self._provides[key] = answer
        return answer

    def _provides_uncached(self, module: str, name: str, seen: Set[str]) -> Optional[bool]:
        if self.exists(f"{module}.{name}"):
            return True  # a submodule (or subpackage)
        facts = self.graph.module_facts(module)
        if facts is None:
            return False if self.exists(module) else None  # a namespace package holds only submodules
        if not facts.parsed or facts.has_getattr or facts.dynamic_names or "__path__" in facts.defined_names:
            return None
        if name in facts.defined_names or name in MODULE_ATTRIBUTES or (
                name == "__path__" and facts.path.endswith("__init__.py")):
            return True
        unknown = False
        for imp in facts.imports:
            if not imp.star:
                continue
            target = imp.target
            if not target or not self.judged(target) or self.missing_module(target) is not None:
                unknown = True  # a star import of a module we cannot read
                continue
            found = self.provides(target, name, seen)
            if found:
                return True
            if found is None:
                unknown = True
        return None if unknown else False

    # -- one import ----------------------------------------------------------------------------
    def judge(self, facts: FileFacts, imp: ImportFact) -> Optional[str]:
        module = imp.module
        if not self.judged(module) or self._sibling(facts, module):
            return None
        missing = self.missing_module(module)
        if missing is not None:
            where = " or ".join(f"`{d}.py`" for d in self.project.module_dirs(missing)[:1])
            what = f"`{module}`" + ("" if missing == module else f" (no module `{missing}`)")
            return f"cannot import {what}: no {where} or `{missing.replace('.', '/')}/` in the project"
        if imp.star or imp.target == module or not imp.target.startswith(module + "."):
            return None  # `import a.b.c`, `import a.b as c`, `from a import *`: the module is enough
        name = imp.target[len(module) + 1:]
        if self.provides(module, name) is False:
            owner = self.graph.module_facts(module)
            if owner is None:
                return (f"cannot import name `{name}` from namespace package `{module}`: "
                        f"it has no submodule `{name}`")
            sub = f", and there is no submodule `{module}.{name}`" if owner.path.endswith("__init__.py") else ""
            return (f"cannot import name `{name}` from `{module}`: `{owner.path}` neither defines, re-exports "
                    f"nor star-imports it{sub}")
        return None

    def _sibling(self, facts: FileFacts, module: str) -> bool:
        """Whether the importing file's own directory holds the import's top-level name (a
        non-package test directory comes first on ``sys.path``; the import may mean that one)."""
        directory = facts.path.rsplit("/", 1)[0] if "/" in facts.path else ""
        if not directory:
            return False
        parent = facts.module.rsplit(".", 1)[0] if "." in facts.module else ""
        if parent and self.graph.is_project_module(parent):
            return False  # a regular package: pytest puts its root, not this directory, on sys.path
        top = module.split(".")[0]
        sibling = f"{directory}/{top}"
        return self.project.is_file(f"{sibling}.py") or self.project.is_dir(sibling)


def import_resolves(project, options: Options, module: str, name: Optional[str]) -> Optional[bool]:
    """Whether ``import module`` (``from module import name``) resolves in the project, by this
    rule's resolution; None when the module is not the project's to judge or it cannot tell.
    ``testaudit verify`` checks "cannot import name 'X' from 'y' … fixed" claims with it."""
    resolver = _Resolver(project, options)
    if not resolver.judged(module) and not resolver.exists(module):
        return None  # third-party, or not this project's
    if resolver.missing_module(module) is not None:
        return False
    if not name:
        return True
    return resolver.provides(module, name)
