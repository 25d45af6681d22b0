"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message``. Data is escaped as the
runner expects (``%`` ``\\r`` ``\\n``), property values also escape ``:`` and ``,``. Paths are
relative to the repository root. When ``GITHUB_STEP_SUMMARY`` is set the CLI also appends the
Markdown summary to that file.
"""
from __future__ import annotations

from typing import List

from testaudit.model import Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.escape import visible_lines
from testaudit.report.summary import fix_label, repository_path, summarize


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding, path: str) -> str:
    loc = f.location
    props = [("file", path), ("line", str(loc.line)), ("col", str(loc.column)),
             ("endLine", str(loc.end_line)), ("endColumn", str(loc.end_column)),
             ("title", f"{f.code} {f.name}")]
    message = f.message + (f" [{f.category}]" if f.category else "") + (f" {fix_label(f)}" if f.fix else "")
    command = "error" if f.severity.value == "error" else "warning"
    return f"::{command} " + ",".join(f"{k}={escape_property(v)}" for k, v in props) + "::" + escape_data(message)


class GithubReporter(Reporter):
    NAME = "github"

    def render(self, result: RunResult) -> str:
        lines: List[str] = [annotation(f, repository_path(result.root, f.path)) for f in result.findings]
        for w in result.warnings:
            lines.append(f"::warning file={escape_property(repository_path(result.root, w.path))},"
                         f"title=testaudit::{escape_data(w.message)}")
        s = summarize(result)
        lines.append(f"testaudit: {len(result.findings)} findings in {result.files_checked} files; "
                     f"compliance {s.overall.sentence}")
        return visible_lines("\n".join(lines) + "\n")  # after the runner's escapes: %0A stays one line
