"""Dotted names and import resolution: the one place that turns ``m.f`` into ``pkg.m.f``."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from testaudit.model import ImportFact


def dotted(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, else None (calls, subscripts, literals…)."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def callee(node: cst.BaseExpression) -> Optional[str]:
    """The dotted name of what a decorator or call invokes (``@pytest.fixture(...)`` → pytest.fixture)."""
    if isinstance(node, cst.Call):
        node = node.func
    return dotted(node)


def string_value(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain or implicitly concatenated string literal (no f-strings)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - malformed escapes; treat as not a literal
            return None
        return value if isinstance(value, str) else None
    return None


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

    def collect(self, node: cst.CSTNode, module: str, is_package: bool, line: int) -> None:
        """Record an ``Import`` or ``ImportFrom`` statement."""
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = attr_chain(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.add(ImportFact(alias.asname.name.value, full, line, module=full))
                else:
                    head = full.split(".")[0]
                    self.add(ImportFact(head, head, line, module=full))
                self.modules.append((full, line))
        elif isinstance(node, cst.ImportFrom):
            level = len(node.relative)
            mod_name = attr_chain(node.module) if node.module is not None else ""
            base = resolve_relative(module, is_package, level, mod_name)
            if base:
                self.modules.append((base, line))
            if isinstance(node.names, cst.ImportStar):
                self.add(ImportFact("*", base, line, level=level, star=True, module=base))
                return
            for alias in node.names:
                if not isinstance(alias.name, cst.Name):
                    continue
                local = alias.name.value
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                target = f"{base}.{alias.name.value}" if base else ""
                self.add(ImportFact(local, target, line, level=level, module=base))
                if base:
                    # `from pkg import sub` may import a submodule: reachable either way
                    self.modules.append((target, line))
