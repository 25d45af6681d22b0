"""Dotted names and import resolution: the one place that turns ``m.f`` into ``pkg.m.f``."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from testaudit.model import ImportFact

NamePos = Tuple[int, int, int]  # line, column, end column (1-based) of an imported name
NOWHERE: NamePos = (0, 0, 0)


# Exact-type tests in the helpers every rule calls on every node: libcst's node classes are ABCs,
# so an isinstance() that fails goes through ABCMeta.__instancecheck__, a Python-level call
# (385,000 of them on 200 corpus files, from dotted() alone). Node classes are never subclassed.
def dotted(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, else None (calls, subscripts, literals…)."""
    kind = type(node)
    if kind is cst.Name:
        return node.value  # type: ignore[attr-defined]
    parts: List[str] = []
    while kind is cst.Attribute:
        parts.append(node.attr.value)  # type: ignore[attr-defined]
        node = node.value  # type: ignore[attr-defined]
        kind = type(node)
    if kind is cst.Name:
        parts.append(node.value)  # type: ignore[attr-defined]
        return ".".join(reversed(parts))
    return None


def named_params(params: cst.Parameters) -> Tuple[cst.Param, ...]:
    """A function's parameters that have a name of their own (no ``*args``/``**kwargs``), in order."""
    return (*params.posonly_params, *params.params, *params.kwonly_params)


def callee(node: cst.BaseExpression) -> Optional[str]:
    """The dotted name of what a decorator or call invokes (``@pytest.fixture(...)`` → pytest.fixture)."""
    if type(node) is cst.Call:
        node = node.func
    return dotted(node)


def string_value(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain or implicitly concatenated string literal (no f-strings)."""
    if type(node) is cst.SimpleString:
        quick = _plain_value(node.value)
        if quick is not None:
            return quick
    if type(node) is cst.SimpleString or type(node) is cst.ConcatenatedString:
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - malformed escapes; treat as not a literal
            return None
        return value if isinstance(value, str) else None
    return None


def _plain_value(raw: str) -> Optional[str]:
    """The value of a str literal's source text when it is the text between the quotes (no
    escapes, no carriage return, not bytes); else None. ``evaluated_value`` compiles the
    literal, and rules read every string of every file."""
    quote = raw[-1:]
    if quote not in ("'", '"'):
        return None
    start = raw.find(quote)
    prefix = raw[:start].lower()
    if "b" in prefix or "f" in prefix:
        return None
    width = 3 if len(raw) - start >= 6 and raw.startswith(quote * 3, start) else 1
    body = raw[start + width:len(raw) - width]
    if "\\" in body and "r" not in prefix or "\r" in body:
        return None
    return body


def attr_chain(node: cst.BaseExpression) -> str:
    """Source-like text of a module reference in an import (``a.b.c``)."""
    name = dotted(node)
    return name or ""


def resolve_relative(module: str, is_package: bool, level: int, name: str) -> str:
    """Absolute module for ``from <level dots><name> import …`` inside ``module``; '' if impossible."""
    if level == 0:
        return name
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    up = level - 1
    if up > len(parts):
        return ""
    base = parts[: len(parts) - up] if up else parts
    if not base and not name:
        return ""
    return ".".join([*base, name] if name else base)


class ImportTable:
    """Local name → absolute dotted target, filled while a module is visited."""

    def __init__(self) -> None:
        self.names: Dict[str, str] = {}
        self.star_modules: List[str] = []
        self.facts: List[ImportFact] = []
        self.modules: List[Tuple[str, int]] = []  # every module imported (for reachability)

    def add(self, fact: ImportFact) -> None:
        self.facts.append(fact)
        if fact.star:
            if fact.target:
                self.star_modules.append(fact.target)
            return
        if fact.target:
            self.names.setdefault(fact.local, fact.target)

    def resolve(self, name: Optional[str]) -> Optional[str]:
        """Absolute dotted name for a local dotted reference, or None when it is not imported."""
        if not name:
            return None
        head, _, rest = name.partition(".")
        target = self.names.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def collect(self, node: cst.CSTNode, module: str, is_package: bool, line: int,
                locate: Optional[Callable[[cst.CSTNode], NamePos]] = None) -> None:
        """Record a libcst ``Import`` or ``ImportFrom`` statement (``locate``: where a name node is)."""
        where = locate or (lambda _: NOWHERE)
        if isinstance(node, cst.Import):
            for alias in node.names:
                asname = alias.asname.name if alias.asname is not None else None
                self.add_import(attr_chain(alias.name), asname.value if isinstance(asname, cst.Name) else None, line,
                                where(alias.name))
        elif isinstance(node, cst.ImportFrom):
            names: Optional[List[Tuple[str, Optional[str]]]] = None
            positions: List[NamePos] = []
            if not isinstance(node.names, cst.ImportStar):
                names = []
                for alias in node.names:
                    if isinstance(alias.name, cst.Name):
                        asname = alias.asname.name if alias.asname is not None else None
                        names.append((alias.name.value, asname.value if isinstance(asname, cst.Name) else None))
                        positions.append(where(alias.name))
            else:
                positions.append(where(node.names))
            mod_name = attr_chain(node.module) if node.module is not None else ""
            self.add_from(len(node.relative), mod_name, names, module, is_package, line, positions)

    def add_import(self, full: str, asname: Optional[str], line: int, pos: NamePos = NOWHERE) -> None:
        """``import full [as asname]`` (whatever parser read it)."""
        if asname is not None:
            self.add(ImportFact(asname, full, line, module=full, name_line=pos[0], column=pos[1], end_column=pos[2]))
        else:
            head = full.split(".")[0]
            self.add(ImportFact(head, head, line, module=full, name_line=pos[0], column=pos[1], end_column=pos[2]))
        self.modules.append((full, line))

    def add_from(self, level: int, mod_name: str, names: Optional[List[Tuple[str, Optional[str]]]],
                 module: str, is_package: bool, line: int, positions: Sequence[NamePos] = ()) -> None:
        """``from <level dots><mod_name> import name [as asname], …``; ``names`` None for ``*``;
        ``positions``: where each name (or the ``*``) is."""
        base = resolve_relative(module, is_package, level, mod_name)
        if base:
            self.modules.append((base, line))
        if names is None:
            pos = positions[0] if positions else NOWHERE
            self.add(ImportFact("*", base, line, level=level, star=True, module=base,
                                name_line=pos[0], column=pos[1], end_column=pos[2]))
            return
        for i, (name, asname) in enumerate(names):
            target = f"{base}.{name}" if base else ""
            pos = positions[i] if i < len(positions) else NOWHERE
            self.add(ImportFact(asname or name, target, line, level=level, module=base,
                                name_line=pos[0], column=pos[1], end_column=pos[2]))
            if base:
                # `from pkg import sub` may import a submodule: reachable either way
                self.modules.append((target, line))


class _CstSyntax:
    """:class:`testaudit.pytest_model.Syntax` over libcst expressions."""

    dotted = staticmethod(dotted)
    callee = staticmethod(callee)
    string = staticmethod(string_value)

    @staticmethod
    def call_args(expr: cst.BaseExpression) -> Optional[List[Tuple[Optional[str], cst.BaseExpression]]]:
        if not isinstance(expr, cst.Call):
            return None
        return [(a.keyword.value if a.keyword is not None else None, a.value) for a in expr.args]

    @staticmethod
    def elements(expr: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
        if isinstance(expr, (cst.List, cst.Tuple)):
            return [e.value for e in expr.elements]
        return None

    @staticmethod
    def is_true(expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Name) and expr.value == "True"


CST = _CstSyntax()
