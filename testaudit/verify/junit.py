"""Test outcomes from a real run's JUnit XML (``pytest --junitxml``), for pass-rate claims.

pytest names each ``<testcase>`` by ``classname`` (the module's dotted path, then the class)
and ``name``; with ``junit_family=xunit1`` it also writes ``file``. A test case belongs to a
file when its ``file`` is that path, or its ``classname`` is the file's module or lies inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple
from xml.etree import ElementTree

from testaudit.errors import ConfigError


@dataclass(frozen=True)
class Case:
    classname: str
    name: str
    file: Optional[str]
    outcome: str  # passed, failed, error, skipped


@dataclass(frozen=True)
class Tally:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.errors


@dataclass(frozen=True)
class Outcomes:
    cases: Tuple[Case, ...]

    def total(self) -> Tally:
        return _tally(self.cases)

    def over(self, paths: Sequence[str]) -> Tally:
        modules = [(p, p[:-3].replace("/", ".") if p.endswith(".py") else p) for p in paths]
        return _tally([c for c in self.cases if any(_belongs(c, path, module) for path, module in modules)])


def _belongs(case: Case, path: str, module: str) -> bool:
    if case.file:
        return case.file.replace("\\", "/").lstrip("./") == path
    return case.classname == module or case.classname.startswith(module + ".")


def _tally(cases: Sequence[Case]) -> Tally:
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for c in cases:
        counts[c.outcome] += 1
    return Tally(counts["passed"], counts["failed"], counts["error"], counts["skipped"])


def read_junit(path: str) -> Outcomes:
    """The test cases of a JUnit XML file; a file that cannot be read is a usage error (exit 2)."""
    try:
        tree = ElementTree.parse(path)
    except OSError as exc:
        raise ConfigError(f"cannot read the JUnit file: {exc.strerror or exc}", path, "--junit") from None
    except ElementTree.ParseError as exc:
        raise ConfigError(f"not valid JUnit XML: {exc}", path, "--junit") from None
    cases: List[Case] = []
    for case in tree.iter("testcase"):
        tags = {child.tag for child in case}
        outcome = ("failed" if "failure" in tags else "error" if "error" in tags
                   else "skipped" if "skipped" in tags else "passed")
        cases.append(Case(case.get("classname", ""), case.get("name", ""), case.get("file"), outcome))
    return Outcomes(tuple(cases))
