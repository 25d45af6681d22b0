"""The structure of a report as the verifier sees it: sections and the units inside them.

Plain frozen values, so later stages (mentions, claims, checks, reporters) can share and cache
them. Line numbers are 1-based lines of the report as given (mojibake repair never moves them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from testaudit.verify.trees import Tree

UNIT_KINDS = ("heading", "paragraph", "list_item", "table_row", "tree", "code")


@dataclass(frozen=True)
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level.

    Section 0 is the text before the first heading (title "", level 0); `parent` is the index of
    the nearest enclosing heading's section, None for a top-level heading and for section 0.
    """

    title: str
    level: int
    line: int
    parent: Optional[int]


@dataclass(frozen=True)
class Unit:
    """One piece of a report that can carry a claim.

    `kind` is one of UNIT_KINDS. `text` is plain text (inline code keeps its content; emphasis,
    links and HTML comments are dropped) in which line k (0-based) is report line `line + k`.
    A table row's `cells` are (header, cell) pairs for its non-empty cells, each read under the
    header of its own column; a `tree` unit carries its parsed `tree`; `info` is a fenced
    block's info string. `section` indexes `Report.sections`; `parent` indexes the list item a
    nested list item sits in.
    """

    kind: str
    text: str
    line: int
    end_line: int
    section: int
    cells: Tuple[Tuple[str, str], ...] = ()
    tree: Optional[Tree] = None
    info: str = ""
    parent: Optional[int] = None

    def line_at(self, offset: int) -> int:
        """The report line of character `offset` of `text`."""
        return self.line + self.text.count("\n", 0, max(0, offset))

    def cell(self, header: str) -> Optional[str]:
        """The cell under `header` (exact header text), or None when the row has none there."""
        for name, value in self.cells:
            if name == header:
                return value
        return None


@dataclass(frozen=True)
class Report:
    """A parsed report: its (repaired) lines, its section tree and its units in order."""

    lines: Tuple[str, ...]
    sections: Tuple[Section, ...]
    units: Tuple[Unit, ...]

    def ancestors(self, section: int) -> Tuple[int, ...]:
        """`section` and its enclosing sections, innermost first."""
        chain = []
        current: Optional[int] = section
        while current is not None:
            chain.append(current)
            current = self.sections[current].parent
        return tuple(chain)

    def subtree(self, section: int) -> Tuple[int, ...]:
        """`section` and every section nested under it, in order (they follow it directly)."""
        found = [section]
        for index in range(section + 1, len(self.sections)):
            if section not in self.ancestors(index):
                break
            found.append(index)
        return tuple(found)

    def units_in(self, sections: Tuple[int, ...]) -> Tuple[int, ...]:
        """Indexes of the units that belong to any of `sections`."""
        wanted = set(sections)
        return tuple(i for i, unit in enumerate(self.units) if unit.section in wanted)
