"""
## What it does
Reports a `# testaudit: ignore[...]` comment that suppresses nothing: no finding of the named
rules (or, without codes, of any rule) is reported on its line or on the statement it starts.

## Why is this bad?
Stale suppressions outlive the code they excused. Left in place they silently excuse the next
violation someone writes on that line, and they make a suite look more debated than it is.

## Options
None. A suppression naming only rules that were not selected for the run is not judged.

## Known limitations
File-level `ignore-file[...]` comments and `per-file-ignores` entries are not checked for use.
"""
from __future__ import annotations

from testaudit.model import Severity
from testaudit.rule import EngineRule


class UnusedSuppression(EngineRule):
    CODE = "TA002"
    NAME = "unused-suppression"
    SEVERITY = Severity.WARNING
    MESSAGE = "suppression comment suppresses nothing"
    FILES = "all"
    INVALID = (
        "import os  # testaudit: ignore[TA301]\n",
    )
    VALID = (
        "import os\n\nHOME = os.environ['HOME']  # testaudit: ignore[TA301]\n",
    )
