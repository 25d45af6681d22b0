"""File trees quoted in reports: telling them from commands and logs, and reading their paths.

Reports list what they created as a tree, drawn with box characters or plain indentation:

    netra_backend/tests/integration/
    ├── agents/
    │   ├── test_agent_registry.py (580 lines)
    │   └── test_tool_dispatch.py (16 tests)
    └── ... (30 total files)

Each name's parent is the nearest shallower directory above it (depth is the column where the
name starts), a top-level directory line is the root of the names under it, the text after a
name is its annotation (`(580 lines)`), and a line like `... (30 total files)` or `…` marks the
listing as partial — a total over a partial listing cannot be checked from the names alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

# ├── └── and the ASCII forms |-- `-- +--
CONNECTOR = re.compile(r"[├└┣┗]\s*[─━]|(?:^|\s)[|`+]--")
# what may precede a name on a tree line: drawing characters, ASCII connectors, indentation
PREFIX = re.compile(r"^[\s│├└┬┼┃┣┗━─|`+\-*]*")
NAME = re.compile(r"[\w.@+\-]+(?:/[\w.@+\-]+)*/?")
ELISION = re.compile(r"^(?:\.{3}|…|⋮)|^\(?(?:and\s+)?\d+\s+more\b", re.I)
PATH_LINE = re.compile(
    r"^\s*(?:[-*]\s+)?(?P<name>[\w.@+\-]+(?:/[\w.@+\-]+)*/?)(?:\s*$|\s+(?P<ann>[^\w\s/].*|\s.*)$)")
LOOKS_LIKE_FILE = re.compile(r"\.[A-Za-z0-9]{1,8}$")
CODE_LANGUAGES = frozenset({
    "bash", "sh", "shell", "zsh", "console", "shell-session", "powershell", "ps", "cmd", "bat",
    "python", "py", "python3", "pycon", "pytb", "json", "yaml", "yml", "toml", "ini", "cfg",
    "diff", "patch", "sql", "js", "javascript", "ts", "typescript", "html", "xml", "log",
})


@dataclass(frozen=True)
class TreeEntry:
    """One name of a tree listing.

    `path` joins the name to its parent directories (`root/agents/test_x.py`); `root` is the
    top-level directory it sits under (None when the listing has none); `annotation` is what
    follows the name (`(580 lines)`); an `elision` entry stands for names left out.
    """

    name: str
    path: str
    line: int
    column: int
    is_dir: bool
    annotation: str = ""
    elision: bool = False
    root: Optional[str] = None


@dataclass(frozen=True)
class Tree:
    """A parsed tree listing: its entries in order and whether any names were left out."""

    entries: Tuple[TreeEntry, ...]
    root: Optional[str] = None
    elided: bool = False


def _has_connectors(lines: Sequence[str]) -> bool:
    return any(CONNECTOR.search(line) for line in lines)


def _is_path_listing(lines: Sequence[str]) -> bool:
    """Every non-blank line a bare path (or an elision), at least one a `.py` or a directory,
    and more than one line — a single path is more often a command's argument than a tree."""
    named = [line for line in lines if line.strip()]
    if len(named) < 2:
        return False
    saw_python = False
    for line in named:
        stripped = line.strip()
        if ELISION.match(stripped):
            continue
        match = PATH_LINE.match(line)
        if match is None:
            return False
        name = match.group("name")
        if not (name.endswith("/") or LOOKS_LIKE_FILE.search(name)):
            return False
        saw_python = saw_python or name.endswith(".py")
    return saw_python


def is_tree_block(content: str, info: str = "") -> bool:
    """Whether a fenced or indented block's content is a file tree (not a command or a log)."""
    lines = content.split("\n")
    if _has_connectors(lines):
        return True
    language = info.strip().split(" ")[0].lower() if info.strip() else ""
    if language in CODE_LANGUAGES:
        return False
    return _is_path_listing(lines)


def _split_line(line: str) -> Optional[Tuple[int, str, str, bool]]:
    """(column, name, annotation, elision) of a tree line, or None for a line naming nothing."""
    prefix = PREFIX.match(line)
    column = prefix.end() if prefix else 0
    rest = line[column:].strip().strip("`*")
    if not rest:
        return None
    elision = ELISION.match(rest)
    if elision:
        marker = elision.group(0)
        if marker.lower().endswith("more"):
            return column, marker, rest, True
        return column, marker, rest[elision.end():].strip(), True
    match = NAME.match(rest)
    if match is None or not re.search(r"[A-Za-z]", match.group(0)):
        return None
    name = match.group(0)
    annotation = rest[match.end():].strip().lstrip("`*").strip()
    if not CONNECTOR.search(line) and PATH_LINE.match(line) is None:
        return None  # prose such as "3 directories, 12 files", not a name
    return column, name, annotation, False


def _is_dir(name: str) -> bool:
    return name.endswith("/") or not LOOKS_LIKE_FILE.search(name)


def parse_tree(content: str, first_line: int) -> Tree:
    """The entries of a tree block whose first content line is report line `first_line`."""
    stack: List[Tuple[int, str]] = []  # (column, directory path) of the open directories
    entries: List[TreeEntry] = []
    roots: List[str] = []
    for offset, line in enumerate(content.split("\n")):
        split = _split_line(line)
        if split is None:
            continue
        column, name, annotation, elision = split
        while stack and stack[-1][0] >= column:
            stack.pop()
        parent = stack[-1][1] if stack else None
        root = stack[0][1] if stack else None
        bare = name.rstrip("/")
        path = parent if elision else (f"{parent}/{bare}" if parent else bare)
        is_dir = not elision and _is_dir(name)
        entries.append(TreeEntry(name=name, path=path or "", line=first_line + offset, column=column,
                                 is_dir=is_dir, annotation=annotation, elision=elision, root=root))
        if is_dir:
            stack.append((column, path or bare))
            if root is None:
                roots.append(path or bare)
    root_path = roots[0] if len(roots) == 1 else None
    return Tree(entries=tuple(entries), root=root_path, elided=any(e.elision for e in entries))
