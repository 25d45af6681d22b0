"""Inline and per-file suppressions (SPEC §5) and unused-suppression detection (TA002).

``# testaudit: ignore[TA101, mock-in-integration]`` on the reported line or on the first line
of the reported statement; ``# testaudit: ignore`` suppresses every rule on that line;
``# testaudit: ignore-file[TA401]`` in the first 10 lines applies to the whole file;
``per-file-ignores`` globs in config. Codes may be given as rule names or code prefixes.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from testaudit.model import Finding, Location, Suppression

_INLINE = re.compile(r"#\s*testaudit:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")
FILE_LEVEL_LINES = 10


def parse_suppressions(lines: Sequence[str]) -> Tuple[Suppression, ...]:
    out: List[Suppression] = []
    for index, line in enumerate(lines, start=1):
        if "testaudit" not in line:
            continue
        for match in _INLINE.finditer(line):
            codes = tuple(c.strip() for c in (match.group(2) or "").split(",") if c.strip())
            file_level = match.group(1) == "ignore-file"
            if file_level and index > FILE_LEVEL_LINES:
                continue
            out.append(Suppression(index, codes, match.start() + 1, file_level))
    return tuple(out)


@dataclass
class Outcome:
    kept: List[Finding] = field(default_factory=list)
    suppressed: List[Finding] = field(default_factory=list)
    unused: List[Suppression] = field(default_factory=list)


def apply_suppressions(findings: Iterable[Finding], suppressions: Sequence[Suppression], path: str,
                       per_file_ignores: Sequence[Tuple[str, Tuple[str, ...]]],
                       expand: Callable[[str], Set[str]], selected: Set[str],
                       ignored: AbstractSet[str] = frozenset()) -> Outcome:
    """Split one file's findings into kept and suppressed; list the inline comments left unused.
    ``ignored``: codes suppressed in this file besides ``per_file_ignores`` (a nested configuration's)."""
    by_line: Dict[int, List[Suppression]] = {}
    file_level: List[Tuple[Suppression, Optional[Set[str]]]] = []  # (comment, codes it names; None: all)
    for sup in suppressions:
        if sup.file_level:
            file_level.append((sup, set().union(*(expand(c) for c in sup.codes)) if sup.codes else None))
        else:
            by_line.setdefault(sup.line, []).append(sup)
    file_codes: Set[str] = set().union(*(codes for _, codes in file_level if codes is not None))
    file_all = any(codes is None for _, codes in file_level)
    config_codes: Set[str] = set(ignored)
    for glob, codes in per_file_ignores:
        if glob_match(path, glob):
            for x in codes:
                config_codes |= expand(x)
    used: Set[Tuple[int, int]] = set()
    out = Outcome()
    for finding in findings:
        if finding.code in config_codes:
            out.suppressed.append(finding)
            continue
        if file_all or finding.code in file_codes:
            for sup, wide in file_level:
                if wide is None or finding.code in wide:
                    used.add((sup.line, sup.column))
            out.suppressed.append(finding)
            continue
        hit = None
        for line in {finding.location.line, finding.stmt_line}:
            for sup in by_line.get(line, ()):
                if not sup.codes or any(finding.code in expand(c) for c in sup.codes):
                    hit = sup
                    break
            if hit:
                break
        if hit is None:
            out.kept.append(finding)
        else:
            used.add((hit.line, hit.column))
            out.suppressed.append(finding)
    for sups in [*by_line.values(), [sup for sup, _ in file_level]]:
        for sup in sups:
            if (sup.line, sup.column) in used:
                continue
            named: Set[str] = set().union(*(expand(c) for c in sup.codes)) if sup.codes else set()
            if sup.codes and not (named & selected):
                continue  # a suppression for a rule that did not run cannot be judged
            if sup.file_level and not sup.codes and not expand("ALL") <= selected:
                continue  # nor can a file-wide one for every rule when some did not run
            out.unused.append(sup)
    return out


def glob_match(path: str, glob: str) -> bool:
    if "/" not in glob:
        return fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], glob)
    glob = glob.lstrip("/")
    return fnmatch.fnmatchcase(path, glob) or fnmatch.fnmatchcase(path, glob.rstrip("/") + "/*")


def unused_location(sup: Suppression, lines: Sequence[str]) -> Location:
    text = lines[sup.line - 1] if 0 < sup.line <= len(lines) else ""
    return Location(sup.line, sup.column, sup.line, len(text) + 1)
