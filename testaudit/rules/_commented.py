"""Text-level search for commented-out tests, shared by TA601 and TA602 (no rule here).

Everything works on the file's lines alone, so it runs on files that do not parse. A comment
line is a line whose first non-blank character is ``#``; its *remainder* is what follows the
leading ``#`` characters (``# #`` too), the spaces after them, and at most one disable-marker
prefix (``# REMOVED_SYNTAX_ERROR: def test_x(self):`` → ``def test_x(self):``).

A remainder *starts a definition* when it reads ``def name(`` / ``async def name(`` or
``class Name(`` / ``class Name:``; prose that mentions a test (``# see def test_x``,
``# test_login covers …``, ``# TODO: def test_foo is flaky``) does not, because the
definition must start the remainder and be followed by ``(`` (or ``:`` for a class).

Commented-out classes own the commented methods that follow them (see :func:`find_commented_tests`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Set, Tuple

from testaudit.pytest_model import is_test_class_name, is_test_function_name

DEFAULT_DISABLE_MARKERS: Tuple[str, ...] = (
    "REMOVED_SYNTAX_ERROR:",
    "Removed problematic line:",
    "COMMENTED OUT: Mock-dependent test -",
)

_COMMENT = re.compile(r"^([ \t]*)((?:#+[ \t]*)+)")
_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")
_CLASS = re.compile(r"^class\s+([A-Za-z_]\w*)\s*[(:]")
_DECORATOR = re.compile(r"^@\s*[A-Za-z_][\w.]*")
_METHOD = re.compile(r"\(\s*(?:,\s*)?(?:self|cls)\b")  # (no two `\s*` side by side: linear)
_FIXTURE = re.compile(r"^@\s*(?:\w+\.)*(?:yield_)?fixture\b")
_TEST_BASE = re.compile(r"TestCase|Test\b|TestBase|BaseTest")
_LIVE_DEF = re.compile(r"^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class TextLine:
    """One line as the text-level rules see it."""

    blank: bool
    comment: bool
    rest: str = ""          # a comment's remainder (leading whitespace removed)
    indent: int = 0         # indentation before `#` + after it (+ after the marker)
    marker: str = ""        # the disable marker the comment carries, if any


@dataclass(frozen=True)
class Definition:
    index: int              # 0-based line index of the `def` / `class` line
    kind: str               # "def" or "class"
    name: str
    indent: int
    is_method: bool         # first parameter is `self` / `cls`
    bases: str = ""         # a class's base list as written


@dataclass(frozen=True)
class CommentedTest:
    """A commented-out test function or test class; lines are 1-based and inclusive."""

    name: str
    kind: str               # "function" or "class"
    start: int              # first commented decorator line, or the def/class line
    end: int                # last comment line of its block
    methods: Tuple[str, ...] = ()   # for a class: the commented-out test methods it holds


_BLANK = TextLine(blank=True, comment=False)
_CODE = TextLine(blank=False, comment=False)


def classify(line: str, markers: Sequence[str]) -> TextLine:
    stripped = line.lstrip()
    if not stripped:
        return _BLANK
    if stripped[0] != "#":
        return _CODE
    match = _COMMENT.match(line)
    assert match is not None
    hashes = match.group(2)
    # indentation: before the `#`, plus what follows the `#` (and the marker) beyond the one
    # conventional space, which is where commenting tools keep the code's own indentation
    indent = len(match.group(1).expandtabs(4)) + max(0, len(hashes) - len(hashes.rstrip(" \t")) - 1)
    rest = line[match.end():]
    marker = ""
    for candidate in markers:
        if candidate and rest.startswith(candidate):
            marker = candidate
            rest = rest[len(candidate):]
            indent += max(0, len(rest) - len(rest.lstrip(" \t")) - 1)
            rest = rest.lstrip(" \t")
            break
    return TextLine(blank=False, comment=True, rest=rest, indent=indent, marker=marker)


def classify_lines(lines: Sequence[str], markers: Sequence[str]) -> List[TextLine]:
    return [classify(line, markers) for line in lines]


def definition_at(index: int, line: TextLine) -> Optional[Definition]:
    """The definition a comment line's remainder starts, if any."""
    if not line.comment:
        return None
    match = _DEF.match(line.rest)
    if match:
        return Definition(index, "def", match.group(1), line.indent, bool(_METHOD.match(line.rest[match.end() - 1:])))
    match = _CLASS.match(line.rest)
    if match:
        after = line.rest[match.end() - 1:]
        bases = after[1:].split(")", 1)[0] if after.startswith("(") else ""
        return Definition(index, "class", match.group(1), line.indent, False, bases)
    return None


def _paren_delta(text: str) -> int:
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def decorator_start(lines: Sequence[TextLine], index: int, limit: int = 40) -> int:
    """Index of the first commented decorator directly above the definition at ``index``.

    Walks up through contiguous comment lines; a candidate start is a line whose remainder is a
    decorator, accepted when every line from it down to the definition is either a decorator
    (at bracket depth 0) or the continuation of one (depth > 0), ending at depth 0.
    """
    best = index
    top = index - 1
    while top >= 0 and index - top <= limit and lines[top].comment:
        top -= 1
    for start in range(index - 1, top, -1):
        if not _DECORATOR.match(lines[start].rest):
            continue
        depth = 0
        ok = True
        for k in range(start, index):
            rest = lines[k].rest
            if depth == 0 and not _DECORATOR.match(rest):
                ok = False
                break
            depth += _paren_delta(rest.split("#", 1)[0])
            if depth < 0:
                ok = False
                break
        if ok and depth == 0:
            best = start
    return best


def _last_comment(lines: Sequence[TextLine], start: int, stop: int) -> int:
    """The last comment line in [start, stop), scanning back from ``stop``."""
    k = stop - 1
    while k > start and not lines[k].comment:
        k -= 1
    return k


_PLACEHOLDER = frozenset({"..."})  # the body of a planned test: no code was disabled


def find_commented_tests(lines: Sequence[TextLine], function_patterns: Sequence[str],
                         class_patterns: Sequence[str] = ("Test*",)) -> List[CommentedTest]:
    """Every commented-out test in a file, in line order.

    - A commented-out test function is a commented ``def``/``async def`` whose name matches
      ``python_functions``. Its block runs from its first commented decorator to the last
      contiguous comment line before a blank line, a live line, or the next commented
      definition at the same or a shallower indentation (or any commented test or class).
    - A commented-out *test class* — its name matches ``python_classes``, or its base list
      names a test base (``…TestCase``, ``…Test``) — owns the commented lines after it, across
      blank lines, up to the first live line or the next commented definition that is not one
      of its members: another test class, or a non-method ``def``, at the same or a shallower
      indentation. Tools that comment code out often drop the indentation, so a commented
      ``def`` is a member when it is indented deeper than the class, takes ``self``/``cls``,
      or is followed by such a method before any test class or live line (a helper nested in
      a test method); commented helper classes (``class MockLLM:``) do not end the region
      either, since pytest collects no tests from them. A test class is reported once, when
      it owns at least one commented test method; its members are not reported on their own.
      A ``Test*`` class without test methods (a helper such as ``TestWebSocketConnection``)
      is not reported.
    """
    defs = [d for d in (definition_at(i, line) for i, line in enumerate(lines)) if d is not None]
    test_classes = {d.index for d in defs if d.kind == "class" and (
        is_test_class_name(d.name, class_patterns) or _TEST_BASE.search(d.bases))}
    starts = {d.index: decorator_start(lines, d.index) for d in defs}

    def is_test(d: Definition) -> bool:  # a `def test_…` that is not a fixture
        return (d.kind == "def" and is_test_function_name(d.name, function_patterns)
                and not any(_FIXTURE.match(lines[k].rest) for k in range(starts[d.index], d.index)))

    n = len(lines)
    next_live = [n] * (n + 1)  # index of the first live (non-blank, non-comment) line at or after k
    for k in range(n - 1, -1, -1):
        next_live[k] = k if not (lines[k].comment or lines[k].blank) else next_live[k + 1]
    # a non-method `def` followed by a method before any class or live line is nested in that
    # class (a helper inside a test method whose indentation the commenting tool dropped)
    nested: Set[int] = set()
    method_ahead: Optional[int] = None
    for d in reversed(defs):
        if d.index in test_classes:
            method_ahead = None
        elif d.is_method:
            method_ahead = d.index
        elif method_ahead is not None and next_live[d.index] > method_ahead:
            nested.add(d.index)
    found: List[CommentedTest] = []
    covered_until = -1
    for pos, d in enumerate(defs):
        if d.index <= covered_until:
            continue
        if d.kind == "class":
            if d.index not in test_classes:
                continue  # a helper class: its lines belong to whatever test region holds them
            stop = n
            members: List[Definition] = []
            for other in defs[pos + 1:]:
                if other.index in test_classes and other.indent <= d.indent:
                    stop = starts[other.index]
                    break
                if (other.kind == "def" and other.indent <= d.indent and not other.is_method
                        and other.index not in nested):
                    stop = starts[other.index]
                    break
                members.append(other)
            for k in range(d.index + 1, stop):
                if not lines[k].comment and not lines[k].blank:
                    stop = k
                    break
            members = [m for m in members if m.index < stop]
            tests = tuple(m.name for m in members
                          if (m.is_method or m.indent > d.indent) and is_test(m))
            if tests:
                end = _last_comment(lines, d.index, stop)
                found.append(CommentedTest(d.name, "class", starts[d.index] + 1, end + 1, tests))
                covered_until = end
            continue
        if not is_test(d):
            continue
        # the block ends before the next sibling (or shallower) definition, class or test
        limit = next((starts[o.index] for o in defs[pos + 1:]
                      if o.indent <= d.indent or o.kind == "class" or is_test_function_name(o.name, function_patterns)),
                     n)
        end = d.index
        for k in range(d.index + 1, limit):
            if not lines[k].comment:
                break
            end = k
        body = range(d.index + 1, end + 1)
        if body and not lines[d.index].marker and all(lines[k].rest.strip() in _PLACEHOLDER and not lines[k].marker
                                                      for k in body):
            continue  # `# def test_planned(self):` / `#     ...`: a test still to write, nothing disabled
        found.append(CommentedTest(d.name, "function", starts[d.index] + 1, end + 1))
    return found


def has_live_tests(raw_lines: Sequence[str], lines: Sequence[TextLine], function_patterns: Sequence[str]) -> bool:
    """Whether any uncommented line defines a test function or method (text-level)."""
    for raw, line in zip(raw_lines, lines):
        if line.comment or line.blank:
            continue
        match = _LIVE_DEF.match(raw)
        if match and is_test_function_name(match.group(1), function_patterns):
            return True
    return False
