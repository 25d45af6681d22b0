"""Reading a report: Markdown (or plain text) into sections and units (SPEC §12).

The text is parsed with markdown-it-py (CommonMark plus GFM tables), never with regexes over
raw lines, so emphasis, code spans, links, nested lists and tables are read the way a renderer
reads them. Each line is first cleaned of mojibake (`mojibake.repair_mojibake`), which never
adds or removes a line, so the `.map` line numbers markdown-it gives are the lines of the
original report. Plain text parses as paragraphs, which is what it is.
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from markdown_it import MarkdownIt

from testaudit.verify.document import Report, Section, Unit
from testaudit.verify.mojibake import normalise_report_text
from testaudit.verify.trees import is_tree_block, parse_tree

Token = Any  # markdown_it.token.Token; kept loose so the library's typing does not leak here
_PLAIN_CHILDREN = ("text", "code_inline", "image")


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def inline_text(token: Token) -> str:
    """Plain text of an inline token: code spans keep their content, markup is dropped.

    Soft and hard breaks become newlines, and an HTML comment spanning lines leaves its
    newlines behind, so line k of the result is line k of the source.
    """
    parts: List[str] = []
    opened: List[int] = []  # where each open `_`/`__` emphasis stands in `parts`
    children = list(token.children or ())
    for i, child in enumerate(children):
        if child.type in _PLAIN_CHILDREN:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append("\n" * child.content.count("\n"))
        elif child.type in ("em_open", "strong_open") and "_" in child.markup:
            opened.append(len(parts))
            parts.append("")
        elif child.type in ("em_close", "strong_close") and "_" in child.markup and opened:
            # `__init__.py`, `pkg/__init__.py` outside backticks: a file name, not emphasis
            at = opened.pop()
            following = children[i + 1].content if i + 1 < len(children) and children[i + 1].type == "text" else ""
            if _PATH_BEFORE.search("".join(parts[:at])) or _PATH_AFTER.match(following):
                parts[at] = child.markup
                parts.append(child.markup)
    return "".join(parts)


_PATH_BEFORE = re.compile(r"[\w/.]$")
_PATH_AFTER = re.compile(r"\.\w|/")


def _start(token: Token) -> int:
    """1-based first line of a block token."""
    return int(token.map[0]) + 1 if token.map else 0


@dataclass
class _Item:
    """A list item being read: its own paragraphs, as (first line, text)."""

    seq: int
    section: int
    parent: Optional[int] = None  # seq of the enclosing list item
    pieces: List[Tuple[int, str]] = field(default_factory=list)


@dataclass
class _Table:
    headers: List[str] = field(default_factory=list)
    in_head: bool = False
    row: List[str] = field(default_factory=list)
    row_line: int = 0


class _Builder:
    """Walks the token stream once, keeping the open section, list items and table."""

    def __init__(self) -> None:
        self.sections: List[Section] = [Section(title="", level=0, line=1, parent=None)]
        self.heading_stack: List[Tuple[int, int]] = []  # (level, section index)
        self.units: List[Tuple[int, int, Unit]] = []  # (line, seq, unit) for a stable sort
        self.parents: Dict[int, int] = {}  # list item seq -> enclosing list item seq
        self.items: List[_Item] = []
        self.table: Optional[_Table] = None
        self.seq = 0

    @property
    def section(self) -> int:
        return self.heading_stack[-1][1] if self.heading_stack else 0

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add(self, unit: Unit, seq: Optional[int] = None) -> None:
        self.units.append((unit.line, self._next_seq() if seq is None else seq, unit))

    def heading(self, open_token: Token, inline: Token) -> None:
        level = int(open_token.tag[1:]) if open_token.tag[1:].isdigit() else 1
        while self.heading_stack and self.heading_stack[-1][0] >= level:
            self.heading_stack.pop()
        parent = self.heading_stack[-1][1] if self.heading_stack else None
        text = inline_text(inline)
        line = _start(open_token)
        self.sections.append(Section(title=" ".join(text.split()), level=level, line=line, parent=parent))
        self.heading_stack.append((level, len(self.sections) - 1))
        self.add(Unit(kind="heading", text=text, line=line, end_line=line, section=self.section))

    def paragraph(self, open_token: Token, inline: Token) -> None:
        text = inline_text(inline)
        line = _start(open_token)
        if self.items:
            self.items[-1].pieces.append((line, text))
        elif text.strip():
            self.add(Unit(kind="paragraph", text=text, line=line, end_line=line + text.count("\n"),
                          section=self.section))

    def open_item(self) -> None:
        parent = self.items[-1].seq if self.items else None
        self.items.append(_Item(seq=self._next_seq(), section=self.section, parent=parent))

    def close_item(self) -> None:
        item = self.items.pop()
        if not item.pieces or not any(text.strip() for _, text in item.pieces):
            return
        first = item.pieces[0][0]
        chunks: List[str] = []
        current = first
        for line, text in item.pieces:
            chunks.append("\n" * max(0, line - current) if chunks else "")
            chunks.append(text)
            current = line + text.count("\n")
        text = "".join(chunks)
        self.add(Unit(kind="list_item", text=text, line=first, end_line=first + text.count("\n"),
                      section=item.section), seq=item.seq)
        if item.parent is not None:
            self.parents[item.seq] = item.parent

    def block(self, token: Token) -> None:
        """A fenced or indented code block: a file tree, or a command / log."""
        content = token.content
        first = _start(token) + (1 if token.type == "fence" and content else 0)  # content starts under the fence
        end = first + max(0, len(content.rstrip("\n").split("\n")) - 1)
        info = token.info.strip() if token.type == "fence" else ""
        if is_tree_block(content, info):
            self.add(Unit(kind="tree", text=content, line=first, end_line=end, section=self.section,
                          tree=parse_tree(content, first), info=info))
        else:
            self.add(Unit(kind="code", text=content, line=first, end_line=end, section=self.section,
                          info=info))

    def table_cell(self, inline: Token) -> None:
        assert self.table is not None
        text = " ".join(inline_text(inline).split())
        if self.table.in_head:
            self.table.headers.append(text)
        else:
            self.table.row.append(text)

    def close_row(self) -> None:
        """Emit a body row, each cell under the header of its own column; empty cells (and
        the cells a short row lacks) are left out rather than shifted."""
        table = self.table
        if table is None or table.in_head:
            return
        cells = tuple((header, value) for header, value in zip(table.headers, table.row) if value)
        if cells:
            text = " | ".join(value for _, value in cells)
            self.add(Unit(kind="table_row", text=text, line=table.row_line, end_line=table.row_line,
                          section=self.section, cells=cells))
        table.row = []

    def report(self, lines: Sequence[str]) -> Report:
        ordered = sorted(self.units, key=lambda t: (t[0], t[1]))
        index_of = {seq: index for index, (_, seq, _) in enumerate(ordered)}
        units = []
        for _, seq, unit in ordered:
            parent = index_of.get(self.parents.get(seq, -1))
            units.append(replace(unit, parent=parent) if parent is not None else unit)
        return Report(lines=tuple(lines), sections=tuple(self.sections), units=tuple(units))


def _walk(tokens: Sequence[Token], builder: _Builder) -> None:
    previous: Optional[Token] = None
    for token in tokens:
        kind = token.type
        if kind == "inline" and previous is not None:
            if previous.type == "heading_open":
                builder.heading(previous, token)
            elif previous.type == "paragraph_open":
                builder.paragraph(previous, token)
            elif previous.type in ("th_open", "td_open"):
                builder.table_cell(token)
        elif kind == "list_item_open":
            builder.open_item()
        elif kind == "list_item_close":
            builder.close_item()
        elif kind in ("fence", "code_block"):
            builder.block(token)
        elif kind == "table_open":
            builder.table = _Table()
        elif kind == "table_close":
            builder.table = None
        elif kind == "thead_open" and builder.table is not None:
            builder.table.in_head = True
        elif kind == "thead_close" and builder.table is not None:
            builder.table.in_head = False
        elif kind == "tr_open" and builder.table is not None:
            builder.table.row = []
            builder.table.row_line = _start(token)
        elif kind == "tr_close":
            builder.close_row()
        previous = token


def read_report(text: str) -> Report:
    """Parse a report (Markdown or plain text) into sections and units.

    A BOM is dropped, CRLF and CR are line ends, and each line's mojibake is repaired before
    parsing; line numbers in the result are those of `text`.
    """
    lines = normalise_report_text(text)
    builder = _Builder()
    _walk(_parser().parse("\n".join(lines)), builder)
    return builder.report(lines)
