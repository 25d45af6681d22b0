"""``--format concise``: one line per finding, ``path:line:col: CODE [severity] message``."""
from __future__ import annotations

from typing import Dict

from testaudit.model import RunResult
from testaudit.report import Reporter
from testaudit.report.escape import visible
from testaudit.report.summary import fix_label


class ConciseReporter(Reporter):
    NAME = "concise"

    def render(self, result: RunResult) -> str:
        seen: Dict[str, str] = {}  # escape each path and message once (33,000 findings, 8,700 messages)
        # ``_value_``, the member's plain attribute: ``.value`` is a descriptor call per finding
        lines = [f"{seen.get(f.path) or seen.setdefault(f.path, visible(f.path))}:{f.location.line}:"
                 f"{f.location.column}: {f.code} [{f.severity._value_}] "
                 f"{seen.get(f.message) or seen.setdefault(f.message, visible(f.message))}"
                 + (f" {fix_label(f)}" if f.fix is not None else "") for f in result.findings]
        for w in result.warnings:
            lines.append(f"{visible(w.path)}: warning: {visible(w.message)}")
        if lines:
            lines.append("")  # the final newline, without copying the whole text once more
        return "\n".join(lines)
