"""
## What it does
Reports direct access to the process environment in test and support modules: `os.environ` in
any form (subscript, `.get`, `.setdefault`, `.pop`, `.update`, `.copy`, `in`, `del`,
`dict(os.environ)`, `patch.dict(os.environ, …)`), the string form `"os.environ"` (as in
`patch.dict("os.environ", …)` or `patch("os.getenv")`), `os.environb`, `os.getenv`,
`os.putenv` and `os.unsetenv` — also when reached through `from os import environ` or
`import os as o`. Each use is reported; an import line only when the imported name is never
used.

## Why is this bad?
Tests that read and write the real environment leak state into each other and into the code
under test, pass or fail depending on the developer's shell, and bypass the project's isolated
environment accessor (`shared.isolated_environment.get_env` in the reference policy), which
records and restores every change.

## Options
- `env-accessor`: the accessor named in the message.
- `allow-files`: globs (root-relative paths, or file names) where direct access is allowed.
- `monkeypatch`: also report `monkeypatch.setenv` / `monkeypatch.delenv`.

## Known limitations
Only names bound by imports of `os` are followed; `environ` passed around as a value and used
elsewhere is reported only where it is taken from `os`.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from testaudit.names import dotted, string_value
from testaudit.rule import Rule

_BARE = frozenset({"environ", "environb", "getenv", "putenv", "unsetenv", "getenvb"})
ENV_NAMES = ("os.environ", "os.environb", "os.getenv", "os.putenv", "os.unsetenv", "os.getenvb")


@dataclass(frozen=True)
class Options:
    env_accessor: str = "shared.isolated_environment.get_env"
    allow_files: Tuple[str, ...] = ()
    monkeypatch: bool = False


def env_target(name: str) -> str:
    """``os.environ.get`` → ``os.environ``; '' when the name is not environment access."""
    for env in ENV_NAMES:
        if name == env or name.startswith(env + "."):
            return env
    return ""


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

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
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

    # `os.environ.get(...)` visits `os.environ.get`, `os.environ`, `os` and `environ`: every
    # dotted reference is a candidate; finish() keeps those that resolve exactly to os.environ.
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if self.active:
            self.attr_names.add(id(node.attr))
            name = dotted(node)
            if name:
                self.candidates.append((node, name, self.ctx.stmt_stack[-1] if self.ctx.stmt_stack else None))

    def visit_Name(self, node: cst.Name) -> None:
        if self.active and (node.value in _BARE or node.value in self.import_sites) and id(node) not in self.attr_names:
            self.candidates.append((node, node.value, self.ctx.stmt_stack[-1] if self.ctx.stmt_stack else None))

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
        if self.active:
            value = string_value(node)
            if value and env_target(value):
                self.report(node, self._message(f'"{value}"'))

    def visit_Call(self, node: cst.Call) -> None:
        if self.active and self.options.monkeypatch:
            name = dotted(node.func)
            if name in ("monkeypatch.setenv", "monkeypatch.delenv"):
                self.report(node, self._message(name))

    def finish(self) -> None:
        if not self.active:
            return
        import_nodes = {id(site[0].name) for site in self.import_sites.values()}
        import_nodes |= {id(site[0].asname.name) for site in self.import_sites.values() if site[0].asname}
        for node, name, statement in self.candidates:
            if id(node) in import_nodes:
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
            self.report(node, self._message(name), stmt_line=self.ctx.line_of(statement) if statement is not None else 0)
        for local, (alias, stmt, target) in sorted(self.import_sites.items()):
            if local not in self.used_locals:
                self.report(alias, self._message(f"from os import {target[3:]}"), stmt_line=stmt)

    def _message(self, what: str) -> str:
        accessor = self.options.env_accessor.rsplit(".", 1)[-1]
        return f"direct environment access `{what}`; use `{accessor}()` ({self.options.env_accessor})"
