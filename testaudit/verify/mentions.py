"""File mentions: every Python file a report names, and where to look for it (SPEC §12).

A mention is `path/to/test_x.py`, a bare `test_x.py`, a name in a tree listing, in a table
cell, in inline code or on a `**File**: …` line. Names quoted in command and log blocks are not
mentions (a traceback names site-packages, a command names what it ran), but an import error
quoted in a log is evidence for an `imports-resolve` claim: `import_errors` reads it.

Each mention carries a `hint`, the directory that should disambiguate a bare basename: the one
the enclosing heading names, else the tree's root, else the nearest preceding line naming one.
`asserts_exists` is False where the report does not say the file exists ("will create
test_x.py", "deleted test_old.py", a Next Steps section): such a mention must not be checked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Set, Tuple

from testaudit.verify.context import PLAN, SectionRoles, is_open_task, section_roles, sentence_of, without
from testaudit.verify.document import Report, Unit
from testaudit.verify.phrases import DEFAULT_PHRASES, Phrases, any_of
from testaudit.verify.trees import TreeEntry

# (not after a glob character: `tests/e2e/staging/test_*_staging.py` names a pattern, no file)
PY_FILE = re.compile(r"(?<![\w./\\*?\]-])((?:\.{1,2}/)?(?:[\w.-]+[/\\])*[\w-][\w.-]*\.py)(?!\w|\.\w)")
DIR_SLASH = re.compile(r"(?<![\w./:\\-])((?:\w[\w.-]*/)+)(?![\w-]|\.\w)")
DIR_PATH = re.compile(r"(?<![\w./:\\-])([a-z0-9_][a-z0-9_.-]*(?:/[a-z0-9_][a-z0-9_.-]*)+)(?![\w/-]|\.\w)")
TEST_DIR_NAMES = frozenset({"tests", "test", "integration", "e2e", "unit", "mission_critical"})
CANNOT_IMPORT = re.compile(
    # `from` on the next line is the error's only when a quoted module follows (not a code line)
    r"cannot import name\s+['\"`]?(?P<name>\w+)['\"`]?(?:[ \t]+from[ \t]+|\s+from\s+(?=['\"`]|partially))"
    r"(?:partially initialized module\s+)?"
    r"['\"`]?(?P<module>[\w.]+)['\"`]?")
VERSION_AFTER = re.compile(r"\s+v?\d+\.\d+")
NO_MODULE = re.compile(r"No module named\s+['\"`]?(?P<module>[\w.]+)['\"`]?")


@dataclass(frozen=True)
class Mention:
    """One naming of a Python file in a report.

    `text` is the name as written; `path` is it normalised (POSIX separators, no leading
    `./`; for a tree entry, joined to its parent directories); `unit` indexes `Report.units`;
    `source` is "tree", "table", "heading" or "text"; `offset` is where the name starts in
    its unit's text (-1 for a tree entry).
    """

    text: str
    path: str
    line: int
    unit: int
    hint: Optional[str]
    source: str
    asserts_exists: bool = True
    offset: int = -1


def normalise_path(text: str) -> str:
    path = text.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    parts = path[:-3].split(".") if path.endswith(".py") and "/" not in path else []
    if len(parts) >= 2 and all(p.isidentifier() for p in parts):  # `test_framework.ssot.helper.py`
        path = "/".join(parts) + ".py"
    return path


def directories_in(text: str) -> List[str]:
    """Directories a line names: `tests/integration/` or a path such as `netra/tests/e2e`."""
    found = [m.group(1).rstrip("/") for m in DIR_SLASH.finditer(text)]
    for match in DIR_PATH.finditer(text):
        path = match.group(1).rstrip(".")
        parts = path.split("/")
        if re.search(r"\.[A-Za-z]{1,5}$", parts[-1]):
            continue  # a file, not a directory
        if len(parts) >= 3 or any("_" in p or p in TEST_DIR_NAMES for p in parts):
            found.append(path)
    return found


def import_errors(unit: Unit) -> Tuple[Tuple[str, Optional[str]], ...]:
    """(module, name) of each import error quoted in `unit` — `cannot import name 'User' from
    'auth_service.auth_core.models'` — and (module, None) for `No module named 'x.y'`."""
    found: List[Tuple[str, Optional[str]]] = []
    for match in CANNOT_IMPORT.finditer(unit.text):
        found.append((match.group("module").rstrip("."), match.group("name")))
    for match in NO_MODULE.finditer(unit.text):
        found.append((match.group("module").rstrip("."), None))
    return tuple(dict.fromkeys(found))


class _Hints:
    """The directory hint for a line, from headings, trees and preceding lines."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.block_lines: Set[int] = set()  # lines of code and tree blocks, fences included
        for unit in report.units:
            if unit.kind in ("code", "tree"):
                self.block_lines.update(range(unit.line - 1, unit.end_line + 2))

    def from_headings(self, section: int) -> Optional[str]:
        for index in self.report.ancestors(section):
            found = directories_in(self.report.sections[index].title)
            if found:
                return found[-1]
        return None

    def from_lines(self, section: int, line: int, before: str) -> Optional[str]:
        found = directories_in(before)
        if found:
            return found[-1]
        stop = self.report.sections[section].line
        for number in range(line - 1, stop, -1):
            if number in self.block_lines:
                continue
            found = directories_in(self.report.lines[number - 1])
            if found:
                return found[-1]
        return None

    def hint(self, unit: Unit, line: int, before: str, entry: Optional[TreeEntry] = None) -> Optional[str]:
        heading = self.from_headings(unit.section)
        if heading is not None:
            return heading
        if entry is not None and entry.root is not None:
            return entry.root
        return self.from_lines(unit.section, line, before)


def _asserted(phrases: Phrases, roles: SectionRoles, unit: Unit, text: str, start: int, end: int) -> bool:
    """False when the report does not say the file exists now (a plan, a deletion, a negation)."""
    if roles.of(unit.section) == PLAN or is_open_task(text):
        return False
    s_start, s_end = sentence_of(text, start, end)
    rest = without(text, s_start, s_end, start, end)
    return not (any_of(phrases.future).search(rest) or any_of(phrases.deletions).search(rest))


def _is_tool_name(phrases: Phrases, text: str, match: "re.Match[str]") -> bool:
    """`coverage.py 7.6`: a tool named like a file (a listed name, or a name with a version)."""
    if any_of(phrases.not_files).fullmatch(match.group(1)):
        return True
    return bool(VERSION_AFTER.match(text, match.end()))


def _tree_mentions(index: int, unit: Unit, hints: _Hints, phrases: Phrases, roles: SectionRoles) -> Iterator[Mention]:
    assert unit.tree is not None
    for entry in unit.tree.entries:
        if entry.elision or entry.is_dir or not entry.name.endswith(".py"):
            continue
        note = entry.annotation
        asserted = roles.of(unit.section) != PLAN and not (
            any_of(phrases.future).search(note) or any_of(phrases.deletions).search(note))
        yield Mention(text=entry.name, path=normalise_path(entry.path), line=entry.line, unit=index,
                      hint=hints.hint(unit, entry.line, "", entry), source="tree", asserts_exists=asserted)


def _text_mentions(index: int, unit: Unit, hints: _Hints, phrases: Phrases, roles: SectionRoles) -> Iterator[Mention]:
    source = {"table_row": "table", "heading": "heading"}.get(unit.kind, "text")
    for match in PY_FILE.finditer(unit.text):
        if _is_tool_name(phrases, unit.text, match):
            continue
        line = unit.line_at(match.start())
        line_start = unit.text.rfind("\n", 0, match.start()) + 1
        before = unit.text[line_start:match.start()]
        yield Mention(text=match.group(1), path=normalise_path(match.group(1)), line=line, unit=index,
                      hint=hints.hint(unit, line, before), source=source, offset=match.start(),
                      asserts_exists=_asserted(phrases, roles, unit, unit.text, match.start(), match.end()))


def file_mentions(report: Report, phrases: Phrases = DEFAULT_PHRASES) -> Tuple[Mention, ...]:
    """Every mention of a Python file in `report`, in report order."""
    hints = _Hints(report)
    roles = section_roles(report, phrases)
    found: List[Mention] = []
    for index, unit in enumerate(report.units):
        if unit.kind == "code":
            continue
        if unit.kind == "tree":
            found.extend(_tree_mentions(index, unit, hints, phrases, roles))
        else:
            found.extend(_text_mentions(index, unit, hints, phrases, roles))
    return tuple(found)


def mentions_by_unit(mentions: Tuple[Mention, ...]) -> Dict[int, Tuple[Mention, ...]]:
    out: Dict[int, List[Mention]] = {}
    for mention in mentions:
        out.setdefault(mention.unit, []).append(mention)
    return {unit: tuple(items) for unit, items in out.items()}
