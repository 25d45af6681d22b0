"""Shared Business Value Justification (BVJ) logic for TA401, TA402 and TA403.

Not a rule module: it defines no class with a ``CODE``, so the registry ignores it.

- :func:`module_docstring` finds the module docstring node (the first statement, when it is a
  plain string expression);
- :func:`analysis` does the per-file docstring work once and caches it on the file context,
  so the three rules share it;
- :func:`missing_fields` parses field labels (``- **Segment**:``, ``1. Goal:`` …);
- :class:`BvjScan` is the visitor base of TA401/TA402: when the module docstring lacks a header
  but the header pattern occurs somewhere in the source, it collects the places where a BVJ
  was written instead (displaced module strings, comments, class/function docstrings) — where
  the header is used as a label (:func:`labelled_header`), not just mentioned in prose.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import libcst as cst

from testaudit.names import string_value
from testaudit.rule import FileContext, Rule, compiled

DEFAULT_HEADER = r"(?i)\b(business\s+(value\s+)?justification|bvj)\b"

DEFAULT_FIELDS: Dict[str, Tuple[str, ...]] = {
    "Segment": ("Segment", "Segments", "Target Segment", "Customer Segment"),
    "Goal": ("Business Goal", "Goal"),
    "Value Impact": ("Value Impact",),
    "Impact": ("Strategic Impact", "Revenue Impact", "Strategic/Revenue Impact"),
}

_String = Union[cst.SimpleString, cst.ConcatenatedString]


def default_fields() -> Dict[str, Tuple[str, ...]]:
    return {name: labels for name, labels in DEFAULT_FIELDS.items()}


def string_statement(stmt: cst.CSTNode) -> Optional[Tuple[_String, str]]:
    """``(node, value)`` when ``stmt`` is a statement line holding only a plain string expression."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        expr = stmt.body[0]
        if isinstance(expr, cst.Expr) and isinstance(expr.value, (cst.SimpleString, cst.ConcatenatedString)):
            value = string_value(expr.value)
            if value is not None:
                return expr.value, value
    return None


def module_docstring(module: cst.Module) -> Optional[Tuple[_String, str]]:
    """The module docstring node and value. Comments and blank lines before it are fine (libcst
    keeps them in the module header); any statement before it, even ``from __future__``, means
    the module has none."""
    return string_statement(module.body[0]) if module.body else None


def body_docstring(node: Union[cst.ClassDef, cst.FunctionDef]) -> Optional[Tuple[_String, str]]:
    """The docstring of a class or function (also a one-line ``def f(): "doc"``)."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        if body.body and isinstance(body.body[0], cst.Expr) and isinstance(
                body.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            value = string_value(body.body[0].value)
            return (body.body[0].value, value) if value is not None else None
        return None
    return string_statement(body.body[0]) if body.body else None


@dataclass
class ModuleBvj:
    """The per-file facts all three rules start from."""

    docstring: Optional[_String]
    text: str           # the docstring's value ('' without one)
    has_header: bool    # the header pattern occurs in the module docstring
    in_source: bool     # the header pattern occurs anywhere in the raw source (pre-filter)


def analysis(ctx: FileContext, module: cst.Module, header: str) -> ModuleBvj:
    """The module-docstring facts, computed once per file and header pattern."""
    cache: Dict[Tuple[int, str], ModuleBvj] = ctx.__dict__.setdefault("_bvj_analysis", {})
    key = (id(module), header)
    found = cache.get(key)
    if found is None:
        doc = module_docstring(module)
        pattern = compiled(header)
        text = doc[1] if doc else ""
        has_header = bool(doc and pattern.search(text))
        in_source = has_header or bool(pattern.search(ctx.source))
        found = cache[key] = ModuleBvj(doc[0] if doc else None, text, has_header, in_source)
    return found


# What may follow a header for it to be a BVJ rather than a mention in prose: optional bold
# closing and an optional parenthetical such as `(BVJ)`, then a colon — or the end of the line
# when the header is all the line holds (a heading such as `# Business Value Justification`).
# Each optional part takes the blanks after it, so no two `[ \t]*` meet: linear (adjacent ones
# made `# BVJ` + 400 spaces cost 20 s).
_AFTER = r"[ \t]*(?:(?:\*\*|__)[ \t]*)?(?:\([^)\n]*\)[ \t]*)?(?:(?:\*\*|__)[ \t]*)?"
_COLON = re.compile(_AFTER + ":")
_EOL = re.compile(_AFTER + "$", re.MULTILINE)
_HEADING_PREFIX = re.compile(r"[\s#*_>\-\u2022\"']*")


def labelled_header(text: str, header: str) -> bool:
    """Whether ``text`` holds a header used as a label (``BVJ: …``, ``Business Value
    Justification (BVJ):``, a line holding only ``**Business Value Justification**``), not
    merely the words in a sentence (``# check the business justification of each factory``)."""
    for m in compiled(header).finditer(text):
        if _COLON.match(text, m.end()):
            return True
        if _EOL.match(text, m.end()):
            line_start = text.rfind("\n", 0, m.start()) + 1
            if _HEADING_PREFIX.fullmatch(text, line_start, m.start()):
                return True
    return False


@lru_cache(maxsize=256)
def _label_pattern(labels: Tuple[str, ...]) -> str:
    alternatives = sorted((lab.strip() for lab in labels if lab.strip()), key=len, reverse=True)
    words = ["".join(r"\s*/\s*" if ch == "/" else re.escape(ch) for ch in lab) for lab in alternatives]
    words = [re.sub(r"(\\ )+", r"\\s+", w) for w in words]
    # line start, optional bullet (`-`, `*`, `•`, `+`, `1.`, `1)`), optional `**bold**` / `__bold__`
    # opening, the label, an optional closing, then the colon (inside or outside the bold)
    return (r"^[ \t]*(?:(?:[-*\u2022+]|\d+[.)])[ \t]*)?(?:(?:\*\*|__)[ \t]*)?(?:" + "|".join(words)
            + r")[ \t]*(?:(?:\*\*|__)[ \t]*)?:")


def missing_fields(text: str, fields: Mapping[str, Sequence[str]]) -> List[str]:
    """Names of the required fields none of whose labels starts a line of ``text``."""
    missing = []
    for name, labels in fields.items():
        if not any(lab.strip() for lab in labels):
            continue
        if not compiled(_label_pattern(tuple(labels)), re.IGNORECASE | re.MULTILINE).search(text):
            missing.append(name)
    return missing


@dataclass
class Displaced:
    """A BVJ written somewhere other than the module docstring."""

    node: cst.CSTNode
    where: str
    kind: str      # "string" (a displaced module-level string), "comment", "docstring"
    order: int     # visit order, for "first in the file"


class BvjScan(Rule):
    """Visitor base of TA401 and TA402 (no ``CODE``: not a rule itself).

    ``visit_Module`` decides whether the file needs a scan: only when its module docstring
    lacks a header and the header pattern occurs somewhere in the raw source. Then the module
    body, comments and class/function docstrings are searched for a displaced BVJ.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.module: Optional[ModuleBvj] = None
        self.scanning = False
        self.displaced: List[Displaced] = []
        self.scopes: List[Tuple[str, str]] = []  # (kind, name) of the enclosing classes/functions

    def visit_Module(self, node: cst.Module) -> None:
        self.module = analysis(self.ctx, node, self.options.bvj_header)
        self.scanning = not self.module.has_header and self.module.in_source
        if not self.scanning:
            return
        header = self.options.bvj_header
        last_code = 0
        for index, stmt in enumerate(node.body):
            found = string_statement(stmt)
            if found is None:
                if self.ctx.positions is not None:
                    last_code = self.ctx.positions[stmt].end.line
                continue
            if index == 0 or not labelled_header(found[1], header):
                continue
            where = f"in a string after line {last_code}'s code" if last_code else "in a string after the module docstring"
            self._add(found[0], where, "string")

    def visit_Comment(self, node: cst.Comment) -> None:
        if self.scanning and labelled_header(node.value, self.options.bvj_header):
            self._add(node, "in a comment", "comment")

    # scopes are tracked only while scanning (decided in visit_Module, before any def is seen)
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.scanning:
            self._docstring(node, "class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if self.scanning:
            self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.scanning:
            self._docstring(node, "method" if self.scopes and self.scopes[-1][0] == "class" else "function")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self.scanning:
            self.scopes.pop()

    def _docstring(self, node: Union[cst.ClassDef, cst.FunctionDef], kind: str) -> None:
        self.scopes.append((kind, node.name.value))
        qual = ".".join(name for _, name in self.scopes)
        found = body_docstring(node)
        if found is not None and labelled_header(found[1], self.options.bvj_header):
            self._add(found[0], f"in the docstring of {kind} {qual}", "docstring")

    def _add(self, node: cst.CSTNode, where: str, kind: str) -> None:
        self.displaced.append(Displaced(node, where, kind, len(self.displaced)))

    def first_displaced(self) -> Optional[Displaced]:
        """The BVJ to point at: a displaced module-level string (it can be moved), else the
        first comment or class/function docstring in the file."""
        if not self.displaced:
            return None
        strings = [d for d in self.displaced if d.kind == "string"]
        if strings:
            return strings[0]
        if self.ctx.positions is None:
            return self.displaced[0]
        positions = self.ctx.positions
        return min(self.displaced, key=lambda d: (positions[d.node].start.line, positions[d.node].start.column))
