"""
## What it does
Reports direct access to the process environment in test and support modules: `os.environ` in
any form (subscript, `.get`, `.setdefault`, `.pop`, `.update`, `.copy`, `in`, `del`,
`dict(os.environ)`, `patch.dict(os.environ, …)`), the string form `"os.environ"` (as in
`patch.dict("os.environ", …)` or `patch("os.getenv")`), `os.environb`, `os.getenv`,
`os.putenv` and `os.unsetenv` — also when reached through `from os import environ` or
`import os as o`. Each use is reported; an import line only when the imported name is never
used.

Not reported: a fixture that saves the environment and puts it back — `saved =
os.environ.copy()` (or `dict(os.environ)`) and `os.environ.update(saved)` in the same
`@pytest.fixture`, or one that sets variables and puts them back in the `finally:` of a
`try: yield` (`prev = os.environ.get(k)` … `finally: os.environ[k] = prev`), the isolation
fixtures many suites have, and a `@contextlib.contextmanager` doing the same (`with
temporary_env(A="1"):`): it is the isolation this rule asks for (a test or `setUp` doing the
same is still reported: the accessor is the policy's way);
`monkeypatch.setitem` / `delitem` on `os.environ` (see `monkeypatch`); `monkeypatch.setattr`
replacing it (`("os.environ", {})`, `(os, "environ", {})`); and monkeypatch's own restore records
(`monkeypatch._setitem.append((os.environ, key, notset))`, a tuple `(os.environ, key,
monkeypatch.notset)`): each is undone after the test like `setenv`.

## Why is this bad?
Tests that read and write the real environment leak state into each other and into the code
under test, pass or fail depending on the developer's shell, and bypass the project's isolated
environment accessor (`shared.isolated_environment.get_env` in the reference policy), which
records and restores every change.

## Options
- `env-accessor`: the accessor named in the message.
- `allow-files`: globs (root-relative paths, or file names) where direct access is allowed.
- `monkeypatch`: also report `monkeypatch.setenv` / `monkeypatch.delenv` (and
  `monkeypatch.setitem` / `delitem` on `os.environ`, the same thing spelt out; without the
  option they are not reported either).

## Fix (unsafe)
Reads in expression context — `os.environ.get(k[, d])`, `os.getenv(k[, d])` and `os.environ[k]`,
also through `from os import environ` / `getenv` — become `get_env().get(k[, d])` (the accessor
named by `env-accessor`), and `from shared.isolated_environment import get_env` is added once,
after the module's leading imports. Unsafe: the accessor reads an isolated environment, not the
process's (that is the point), and `[k]` no longer raises `KeyError`. Writes, deletes,
`patch.dict(os.environ, …)`, other methods and the string forms are left alone and stay reported;
so is the fix when the accessor's name already means something else in the file.

## Known limitations
Only names bound by imports of `os` are followed; `environ` passed around as a value and used
elsewhere is reported only where it is taken from `os`.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from testaudit.model import Edit, Fix
from testaudit.names import dotted, string_value
from testaudit.rule import LINE_BREAK, Rule, below_header, line_break
from testaudit.rules._bvj import string_statement

# a fixture that saves the environment (`saved = os.environ.copy()`, or a _COPIES of it) and puts
# it back (`os.environ.update(saved)`) is an isolation fixture: the mechanism this rule asks for
_SAVES = frozenset({"os.environ.copy"})
_COPIES = frozenset({"dict", "copy.copy", "copy.deepcopy"})
_MONKEYPATCH = frozenset({"monkeypatch", "mp"})  # the fixture, and `mp = pytest.MonkeyPatch()`
_MONKEYPATCH_SETATTR = frozenset(f"{m}.setattr" for m in _MONKEYPATCH)
_BARE = frozenset({"environ", "environb", "getenv", "putenv", "unsetenv", "getenvb"})
ENV_NAMES = ("os.environ", "os.environb", "os.getenv", "os.putenv", "os.unsetenv", "os.getenvb")


# decorators of the functions whose save-and-restore of the environment is isolation
_ISOLATORS = frozenset({"pytest.fixture", "pytest.yield_fixture", "contextlib.contextmanager",
                        "contextlib.asynccontextmanager"})


@dataclass(frozen=True)
class Options:
    env_accessor: str = "shared.isolated_environment.get_env"
    allow_files: Tuple[str, ...] = ()
    monkeypatch: bool = False

    def __post_init__(self) -> None:
        # the message and the fix name it, and the fix imports its module: `module.function`
        if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", self.env_accessor):
            raise ValueError(f"`rules.TA301.env-accessor`: expected a dotted `module.function` name, "
                             f"got {self.env_accessor!r}")


def env_target(name: str) -> str:
    """``os.environ.get`` → ``os.environ``; '' when the name is not environment access."""
    for env in ENV_NAMES:
        if name == env or name.startswith(env + "."):
            return env
    return ""




def _is_import(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(isinstance(s, (cst.Import, cst.ImportFrom))
                                                              for s in stmt.body)


class OsEnvironAccess(Rule):
    CODE = "TA301"
    NAME = "os-environ-access"
    MESSAGE = "direct os.environ access; use the isolated environment accessor"
    FILES = "all"
    Options = Options
    INVALID = (
        "import os\n\ndef test_uses_env():\n    assert os.environ.get('DATABASE_URL')\n",
        "from os import getenv\n\nTIMEOUT = getenv('TIMEOUT', '5')\n",
        "from unittest.mock import patch\n\n@patch.dict('os.environ', {'MODE': 'test'})\ndef test_mode():\n    assert run() == 'test'\n",
    )
    VALID = (
        "from shared.isolated_environment import get_env\n\ndef test_uses_env():\n"
        "    assert get_env().get('DATABASE_URL')\n",
        "import os\n\ndef test_paths():\n    assert os.path.exists(os.getcwd())\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = any(fnmatch.fnmatchcase(self.ctx.rel if "/" in g else self.ctx.rel.rsplit("/", 1)[-1], g)
                           for g in self.options.allow_files)
        src = self.ctx.source
        self.active = not self.allowed and (any(w in src for w in ("environ", "getenv", "putenv", "unsetenv"))
                                            or (self.options.monkeypatch and "monkeypatch" in src))
        self.attr_names: Set[int] = set()
        # (node, dotted name, enclosing statement): the statement's line is looked up only for
        # the few candidates reported, not for every attribute in the file
        self.candidates: List[Tuple[cst.CSTNode, str, Optional[cst.CSTNode]]] = []
        self.import_sites: Dict[str, Tuple[cst.ImportAlias, int, str]] = {}
        self.used_locals: Set[str] = set()
        # reads the unsafe fix can rewrite, by id of the environment node they read through
        self.reads: Dict[int, Tuple[str, cst.BaseExpression]] = {}
        self.stores: Set[int] = set()  # subscripts assigned or deleted: writes, never fixed
        self.import_line = 0  # where the accessor's import goes: after the leading imports
        self.names_seen: Dict[str, bool] = {}
        self.sanctioned: Set[int] = set()  # `os.environ` handed to monkeypatch.setitem / delitem
        # functions that save the environment and put it back (an isolation fixture): by id, what
        # each was seen doing; candidates remember their innermost function
        self.functions: List[int] = []
        self.owners: Dict[int, int] = {}
        self.fixtures: Set[int] = set()
        self.saved: Dict[int, Set[str]] = {}  # per fixture: the names holding a saved environment
        self.restores: Set[int] = set()  # fixtures that put a saved environment back

    def visit_Module(self, node: cst.Module) -> None:
        if not self.active:
            return
        body = list(node.body)
        index = 1 if body and string_statement(body[0]) is not None else 0
        last = body[index - 1] if index else None
        while index < len(body) and _is_import(body[index]):
            last = body[index]
            index += 1
        if last is not None:
            self.import_line = self.ctx.location(last).end_line + 1
        else:  # nothing to follow: the top, below a shebang and an encoding cookie
            self.import_line = below_header(LINE_BREAK.split(self.ctx.source, maxsplit=2)[:2])

    # `os.environ.get(...)` visits `os.environ.get`, `os.environ`, `os` and `environ`: every
    # dotted reference is a candidate; finish() keeps those that resolve exactly to os.environ.
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.active:
            self.attr_names.add(id(node.attr))
            name = dotted(node)
            if name:
                self.candidates.append((node, name, self.ctx.stmt_stack[-1] if self.ctx.stmt_stack else None))
                self.owners[id(node)] = self.functions[-1] if self.functions else 0

    def visit_Name(self, node: cst.Name) -> None:
        if self.active and (node.value in _BARE or node.value in self.import_sites) and id(node) not in self.attr_names:
            self.candidates.append((node, node.value, self.ctx.stmt_stack[-1] if self.ctx.stmt_stack else None))
            self.owners[id(node)] = self.functions[-1] if self.functions else 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(id(node))
        if any(self._is_fixture(d.decorator) for d in node.decorators):
            self.fixtures.add(id(node))

    def _is_fixture(self, decorator: cst.BaseExpression) -> bool:
        """A fixture, or a context manager (`with temporary_env(A="1"):`): what may isolate."""
        target = decorator.func if isinstance(decorator, cst.Call) else decorator
        return (self.ctx.imports.resolve(dotted(target) or "") or "") in _ISOLATORS

    def visit_Assign(self, node: cst.Assign) -> None:
        # `saved = os.environ.copy()` / `dict(os.environ)` in a fixture: the environment is saved
        value = node.value
        if not (self.active and self.functions and self.functions[-1] in self.fixtures and isinstance(value, cst.Call)):
            return
        called = self.ctx.imports.resolve(dotted(value.func) or "") or ""
        args = [self.ctx.imports.resolve(dotted(a.value) or "") for a in value.args]
        if called in _SAVES or (called in _COPIES and args == ["os.environ"]):
            names = {dotted(t.target) for t in node.targets} - {None}
            self.saved.setdefault(self.functions[-1], set()).update(n for n in names if n)

    def visit_Finally(self, node: cst.Finally) -> None:
        # `try: yield / finally: os.environ[k] = prev` (or `.pop(k)`) in a fixture: it puts back what
        # it changed, the isolation this rule asks for
        if self.active and self.functions and self.functions[-1] in self.fixtures:
            where = self.ctx.location(node)
            if any(env in line for line in self.ctx.lines[where.line - 1:where.end_line] for env in ("environ", "putenv")):
                self.restores.add(self.functions[-1])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not self.active or isinstance(node.names, cst.ImportStar) or node.relative:
            return
        if node.module is None or dotted(node.module) != "os":
            return
        for alias in node.names:
            local = alias.asname.name if alias.asname else alias.name
            if isinstance(local, cst.Name) and env_target(f"os.{dotted(alias.name)}"):
                self.import_sites[local.value] = (alias, self.ctx.stmt_line(), f"os.{dotted(alias.name)}")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if id(node) in self.sanctioned:
            return
        if self.active and ("os." in node.value or "\\" in node.value):  # no escape: the value is in the text
            value = string_value(node)
            if value and env_target(value):
                self.report(node, self._message(f'"{value}"'))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        func = node.func  # remember the reads a fix could rewrite (finish() decides)
        if isinstance(func, cst.Attribute):
            if func.attr.value == "get":
                self.reads[id(func.value)] = ("get", node)
            elif func.attr.value == "getenv":
                self.reads[id(func)] = ("getenv", node)
        elif isinstance(func, cst.Name) and (func.value == "getenv" or func.value in self.import_sites):
            self.reads[id(func)] = ("getenv", node)
        name = dotted(func)
        if self.functions and name and (self.ctx.imports.resolve(name) or name) == "os.environ.update":
            if len(node.args) == 1 and dotted(node.args[0].value) in self.saved.get(self.functions[-1], ()):
                self.restores.add(self.functions[-1])  # `os.environ.update(saved)`: put back what was saved
        if name in _MONKEYPATCH_SETATTR and node.args:
            # `monkeypatch.setattr("os.environ", {})`, `(os, "environ", {})`: replaced for the test, restored after
            self.sanctioned.update(id(a.value) for a in node.args[:2])
        if self.active and (name or "").rpartition("._setitem.")[0] in _MONKEYPATCH:
            # `monkeypatch._setitem.append((os.environ, key, notset))`: a restore record of monkeypatch's own
            self.sanctioned.update(id(e.value) for a in node.args if isinstance(a.value, cst.Tuple)
                                   for e in a.value.elements)
        if name in ("monkeypatch.setitem", "monkeypatch.delitem") and node.args:
            # monkeypatch.setenv spelt out: restored after the test like setenv, judged like it
            self.sanctioned.add(id(node.args[0].value))
            if self.options.monkeypatch:
                self.report(node, self._message(name))
        elif self.options.monkeypatch and name in ("monkeypatch.setenv", "monkeypatch.delenv"):
            self.report(node, self._message(name))

    def visit_Tuple(self, node: cst.Tuple) -> None:
        # `(os.environ, "FLASK_APP", monkeypatch.notset)`: the record monkeypatch restores a key from
        if self.active and len(node.elements) == 3 and (dotted(node.elements[2].value) or "").endswith("notset"):
            self.sanctioned.add(id(node.elements[0].value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.active:
            self.reads.setdefault(id(node.value), ("subscript", node))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._stored(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._stored(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._stored(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._stored(node.target)

    def _stored(self, target: cst.BaseExpression) -> None:
        if self.active:
            targets = [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]
            self.stores.update(id(t) for t in targets)

    def finish(self) -> None:
        if not self.active:
            return
        import_nodes = {id(site[0].name) for site in self.import_sites.values()}
        import_nodes |= {id(site[0].asname.name) for site in self.import_sites.values() if site[0].asname}
        isolating = self.restores
        for node, name, statement in self.candidates:
            if id(node) in import_nodes or id(node) in self.sanctioned or self.owners.get(id(node)) in isolating:
                continue
            resolved = self.ctx.imports.resolve(name)
            if not resolved or not env_target(resolved):
                continue
            env = env_target(resolved)
            # `os.environ.get` is visited as `os.environ.get`, `os.environ` and `os`: keep the
            # node whose resolved name is exactly the environment object.
            if resolved != env:
                continue
            self.used_locals.add(name.split(".")[0])
            self.report(node, self._message(name), stmt_line=self.ctx.line_of(statement) if statement is not None else 0,
                        fix=self._read_fix(node, env))
        for local, (alias, stmt, target) in sorted(self.import_sites.items()):
            if local not in self.used_locals:
                self.report(alias, self._message(f"from os import {target[3:]}"), stmt_line=stmt)

    def _read_fix(self, node: cst.CSTNode, env: str) -> Optional[Fix]:
        """``os.environ.get(k[, d])``, ``os.getenv(k[, d])``, ``os.environ[k]`` (read) →
        ``get_env().get(k[, d])``, plus the accessor's import once. Unsafe: the accessor may
        differ from the process environment (that is its point) and ``[k]`` no longer raises."""
        read = self.reads.get(id(node))
        if read is None:
            return None
        kind, expr = read
        module, _, accessor = self.options.env_accessor.rpartition(".")
        getter = cst.Attribute(value=cst.Call(func=cst.Name(accessor)), attr=cst.Name("get"))
        new: Optional[cst.BaseExpression] = None
        if kind == "get" and env == "os.environ" and isinstance(expr, cst.Call):
            new = expr.with_changes(func=getter)
        elif kind == "getenv" and env == "os.getenv" and isinstance(expr, cst.Call):
            new = expr.with_changes(func=getter)
        elif (kind == "subscript" and env == "os.environ" and isinstance(expr, cst.Subscript)
              and id(expr) not in self.stores and len(expr.slice) == 1
              and isinstance(expr.slice[0].slice, cst.Index) and expr.slice[0].slice.star is None):
            new = cst.Call(func=getter, args=[cst.Arg(expr.slice[0].slice.value)])
        if new is None or not module:
            return None
        edits = [self.replace_node(expr, cst.Module([]).code_for_node(new))]
        bound = self.ctx.imports.resolve(accessor)
        if bound != self.options.env_accessor:
            if bound is not None or self._name_taken(accessor):
                return None  # the name means something else here
            text = f"from {module} import {accessor}" + line_break(self.ctx.source)
            edits.insert(0, Edit(self.import_line, 1, self.import_line, 1, text))
        return Fix(False, f"use `{accessor}().get(…)`", tuple(edits))

    def _name_taken(self, name: str) -> bool:
        """Whether ``name`` occurs as a word in the file (looked up once per file and name)."""
        if name not in self.names_seen:
            self.names_seen[name] = re.search(rf"\b{re.escape(name)}\b", self.ctx.source) is not None
        return self.names_seen[name]

    def _message(self, what: str) -> str:
        accessor = self.options.env_accessor.rsplit(".", 1)[-1]
        return f"direct environment access `{what}`; use `{accessor}()` ({self.options.env_accessor})"
