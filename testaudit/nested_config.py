"""Nested configuration: a ``testaudit.toml`` (or ``pyproject.toml`` with ``[tool.testaudit]``) in
a directory below the project root applies to the files under that directory, extending the
root's configuration (and the nested ones above it), like ruff's and pylint's nested configs.

A nested configuration narrows which rules report on its files — ``select`` (within what the
root selects), ``ignore`` and ``per-file-ignores`` (globs relative to its directory) — so a legacy
directory can switch a rule off without a glob in the root file. Keys that shape the whole run
(categories, ``src``, rule options, thresholds…) stay in the root configuration: a nested file
setting one is not applied, with a warning naming the key. The closest file wins: its ``select``
replaces the selection above it, its ``ignore`` adds to it.

Reading them is :mod:`testaudit.config`'s (``find_nested``). A directory holding only such a
narrowing file is not a project root of its own (``config.is_narrowing_only``), so ``testaudit check tests/legacy`` and ``testaudit check .`` judge
``tests/legacy`` alike.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple

from testaudit.errors import ConfigError

NESTED_KEYS = ("select", "ignore", "per-file-ignores")


@dataclass(frozen=True)
class NestedConfig:
    directory: str  # root-relative, "/"-separated; never "" (the root's file is the configuration)
    source: str  # root-relative path of the file
    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()


def check_selectors(nested: Iterable[NestedConfig], root: str, known: Callable[[str], bool]) -> None:
    """Every rule a nested file names exists (``known``), else a ConfigError naming file and key."""
    for n in nested:
        prefix = "tool.testaudit." if n.source.endswith("pyproject.toml") else ""
        lists: List[Tuple[str, Iterable[str]]] = [("select", n.select or ()), ("ignore", n.ignore)]
        lists += [(f"per-file-ignores.{glob}", codes) for glob, codes in n.per_file_ignores]
        for key, selectors in lists:
            for sel in selectors:
                if not known(sel):
                    raise ConfigError(f"unknown rule `{sel}`", os.path.join(root, n.source), prefix + key)


def chain(nested: Iterable[NestedConfig], path: str) -> List[NestedConfig]:
    """The nested configurations that apply to ``path``, outermost first."""
    return [n for n in nested if path.startswith(n.directory + "/")]


def narrowed(nested: Iterable[NestedConfig], path: str, selected: Set[str],
             expand: Callable[[str], Set[str]],
             glob_match: Callable[[str, str], bool]) -> Tuple[Set[str], Set[str]]:
    """For one file: the rules that report on it (``selected`` narrowed by each nested file above
    it) and the codes its nested per-file-ignores suppress."""
    codes = set(selected)
    ignored: Set[str] = set()
    for n in chain(nested, path):
        if n.select is not None:
            codes = set().union(*(expand(s) for s in n.select)) & selected
        codes -= set().union(*(expand(s) for s in n.ignore))
        below = path[len(n.directory) + 1:]
        for glob, names in n.per_file_ignores:
            if glob_match(below, glob):
                ignored |= set().union(*(expand(s) for s in names))
    return codes, ignored


def describe(nested: Iterable[NestedConfig], path: str) -> Mapping[str, str]:
    """For ``testaudit config PATH``: each key a nested file sets for ``path``, and which file."""
    out: Dict[str, str] = {}
    for n in chain(nested, path):
        if n.select is not None:
            out["select"] = n.source
        if n.ignore:
            out["ignore"] = n.source
        if n.per_file_ignores:
            out["per-file-ignores"] = n.source
    return out
