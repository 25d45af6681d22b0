"""
## What it does
Reports a test or support module that libcst cannot parse, with the parser's line and message.
Files that cannot be decoded, contain NUL bytes, or nest expressions too deeply for the parser
are reported here too.

## Why is this bad?
pytest cannot collect a module that does not parse: every test in it is silently gone from the
run, while dashboards built from file counts still list it. A broken file also hides every
other violation in it from tools that need a syntax tree.

The file still counts in the score, failing every rule that applies to it, and the text-level
checks of TA601 (commented-out tests) and TA201 (relative imports) still run on it line by
line, so a broken file cannot hide those violations.

## Options
None.

## Known limitations
Only the first syntax error of a file is reported (libcst stops there).
"""
from __future__ import annotations

from testaudit.rule import EngineRule


class SyntaxErrorRule(EngineRule):
    CODE = "TA001"
    NAME = "syntax-error"
    MESSAGE = "module cannot be parsed"
    FILES = "all"
    INVALID = (
        "def test_login(:\n    assert True\n",
    )
    VALID = (
        "def test_login():\n    assert login('user') is not None\n",
    )
