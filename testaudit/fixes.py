"""Applying fixes (``check --fix``, ``--unsafe-fixes``, ``--diff``), one file at a time.

A :class:`~testaudit.model.Fix` is a set of text edits a rule computed with libcst positions, so
everything outside the edited ranges — comments, blank lines, odd formatting — stays byte for
byte. Fixes of one file are applied together unless they overlap (the later one waits for the
next pass); the result must still parse with libcst, or the file is left as it was and a
warning says so. Files are written atomically, in their own encoding, BOM and line endings.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from testaudit.model import Finding, Fix, RunResult
from testaudit.source import encoding_of

_LINE_START = re.compile(r"\r\n|\r|\n")


def wanted(f: Finding, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) applies this finding's fix."""
    return f.fix is not None and (f.fix.safe or unsafe)


@dataclass(frozen=True)
class FileFix:
    """What fixing one file gives: its new text (None: unchanged or refused) and why."""

    path: str
    before: str
    after: Optional[str]
    applied: int
    error: str = ""
    source: bytes = b""  # the exact bytes the fix was computed from: written over only if still there


def apply_edits(text: str, fixes: Sequence[Fix]) -> Tuple[str, int]:
    """``text`` with every fix applied whose edits overlap no fix taken before it (in order of
    position); returns the new text and how many fixes were applied."""
    starts = [0] + [m.end() for m in _LINE_START.finditer(text)]

    def offset(line: int, column: int) -> int:
        if line > len(starts):
            return len(text)
        return min(starts[line - 1] + column - 1, len(text))

    spans: List[Tuple[int, int, str]] = []
    applied = 0
    ordered = sorted(fixes, key=lambda fx: min((e.line, e.column) for e in fx.edits) if fx.edits else (0, 0))
    for fix in ordered:
        ranges = [(offset(e.line, e.column), offset(e.end_line, e.end_column), e.text) for e in fix.edits]
        ranges = [r for r in ranges if r not in spans]  # an edit several fixes share (one import) is made once
        if any(_overlap(start, end, a, b) for start, end, _ in ranges for a, b, _ in spans):
            continue
        spans.extend(ranges)
        applied += 1
    for start, end, new in sorted(spans, key=lambda s: (s[0], s[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text, applied


def _overlap(start: int, end: int, a: int, b: int) -> bool:
    """Two edit ranges conflict when they share text, or both insert at the same place."""
    if start == end and a == b:
        return start == a
    return start < b and a < end


def fix_file(path: str, rel: str, fixes: Sequence[Fix], root: Optional[str] = None) -> FileFix:
    """Apply ``fixes`` to the file at ``path`` in memory; the result parses or is refused. A
    symbolic link, or a file whose real path leaves ``root``, is never fixed (a fix would write
    through the link, or outside the project)."""
    import libcst as cst

    refusal = _unwritable(path, root)
    if refusal:
        return FileFix(rel, "", None, 0, f"not fixed: {refusal}")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return FileFix(rel, "", None, 0, f"cannot read: {exc.strerror or exc}")
    encoding, bom = encoding_of(data)
    try:
        text = data[len(bom):].decode(encoding)
    except (UnicodeError, LookupError, ValueError):
        return FileFix(rel, "", None, 0, "not fixed: the file cannot be decoded")
    new, applied = apply_edits(text, fixes)
    if new == text:
        return FileFix(rel, text, None, 0)
    try:
        cst.parse_module(bom + new.encode(encoding))
    except Exception as exc:  # noqa: BLE001 - any parser failure means: keep the original
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return FileFix(rel, text, None, 0, f"not fixed: the fixed file would not parse ({first})")
    return FileFix(rel, text, new, applied, source=data)


def _unwritable(path: str, root: Optional[str]) -> str:
    if os.path.islink(path):
        return "it is a symbolic link"
    if root is not None:
        real, real_root = os.path.realpath(path), os.path.realpath(root)
        if os.path.commonpath([real, real_root]) != real_root:
            return "its real path is outside the project root"
    return ""


def write(path: str, fixed: FileFix) -> str:
    """Write a fixed file atomically, in the encoding (and BOM) it had — only if it still holds
    the bytes the fix was computed from (an edit made meanwhile is never overwritten). Returns
    why it was not written, or ''."""
    from testaudit.atomic import write_bytes_atomic

    with open(path, "rb") as fh:
        data = fh.read()
    if fixed.source and data != fixed.source:
        return "not fixed: the file changed while it was being fixed"
    encoding, bom = encoding_of(data)
    assert fixed.after is not None
    write_bytes_atomic(path, bom + fixed.after.encode(encoding))
    return ""


def diff(fixed: Iterable[FileFix]) -> str:
    """A unified diff of every changed file (``a/path`` → ``b/path``), in path order."""
    out: List[str] = []
    for f in sorted(fixed, key=lambda f: f.path):
        if f.after is None:
            continue
        for line in difflib.unified_diff(f.before.splitlines(keepends=True), f.after.splitlines(keepends=True),
                                         f"a/{f.path}", f"b/{f.path}"):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def preview(result: RunResult, unsafe: bool, only: Optional[Set[str]] = None) -> List[FileFix]:
    """Every file's fixes applied in memory (``only``: these paths), in path order."""
    return [fix_file(os.path.join(result.root, path), path, found, result.root)
            for path, found in sorted(by_file(result.findings, unsafe).items()) if only is None or path in only]


def fix_until_stable(result: RunResult, audit: Callable[[], RunResult], unsafe: bool,
                     only: Optional[Set[str]] = None, passes: int = 4) -> Tuple[RunResult, Dict[str, str]]:
    """``--fix``: write every file's fixes, re-check (``audit``, through the cache), and repeat
    while something changes (a fix can uncover another, overlapping ones wait a pass). Returns
    the last check, with the number of fixes applied, and the files refused (path → why)."""
    applied = 0
    refused: Dict[str, str] = {}
    for _ in range(passes):
        wrote = False
        for done in preview(result, unsafe, only):
            if done.path in refused:
                continue
            if done.error:
                refused[done.path] = done.error
            if done.after is not None:
                why = write(os.path.join(result.root, done.path), done)
                if why:
                    refused[done.path] = why
                    continue
                applied += done.applied
                wrote = True
        if not wrote:
            break
        result = audit()
    return replace(result, fixed=applied), refused


def by_file(findings: Iterable[Finding], unsafe: bool) -> Dict[str, List[Fix]]:
    out: Dict[str, List[Fix]] = {}
    for f in findings:
        if wanted(f, unsafe):
            assert f.fix is not None
            out.setdefault(f.path, []).append(f.fix)
    return out


__all__ = ["FileFix", "apply_edits", "by_file", "diff", "fix_file", "fix_until_stable", "preview", "wanted", "write"]
