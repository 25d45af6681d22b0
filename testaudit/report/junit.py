"""``--format junit``: JUnit XML for CI test-report views.

One ``<testsuite>`` per test category and one ``<testcase>`` per audited test module (passing
when it has no finding); a ``<failure>`` per finding, typed by its rule code. Support modules
(conftest files, helpers) appear, in suite ``support``, only when they have findings. No
timings, so the file is deterministic.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Dict, List

from testaudit.model import Finding, RunResult
from testaudit.report import Reporter
from testaudit.report.escape import visible_lines
from testaudit.report.summary import summarize

SUPPORT = "support"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Characters XML 1.0 cannot carry (NUL and other controls from broken files) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", visible_lines(text))


def _failure(f: Finding) -> ET.Element:
    el = ET.Element("failure", {"type": f.code, "message": _xml(f"{f.code} {f.name}: {f.message}")})
    where = f"{f.path}:{f.location.line}:{f.location.column}"
    detail = [f"{where}: {f.code} [{f.severity.value}] {f.message}"]
    if f.node_id:
        detail.append(f"test: {f.node_id}")
    if f.category:
        detail.append(f"category: {f.category}")
    if f.fix is not None:
        detail.append(f"fix ({'safe' if f.fix.safe else 'unsafe'}): {f.fix.message}")
    el.text = _xml("\n".join(detail))
    return el


def to_junit(result: RunResult) -> ET.Element:
    by_path: Dict[str, List[Finding]] = defaultdict(list)
    for f in result.findings:
        by_path[f.path].append(f)
    suites: Dict[str, Dict[str, List[Finding]]] = defaultdict(dict)
    for m in result.modules:
        suites[m.category][m.path] = by_path.get(m.path, [])
    test_paths = {m.path for m in result.modules}
    for path, findings in by_path.items():
        if path not in test_paths:
            suites[SUPPORT][path] = findings
    root = ET.Element("testsuites", {"name": "testaudit"})
    total = failed = 0
    for name in sorted(suites):
        cases = suites[name]
        suite = ET.SubElement(root, "testsuite", {"name": f"testaudit.{name}"})
        suite_failed = 0
        for path in sorted(cases):
            case = ET.SubElement(suite, "testcase", {"classname": f"testaudit.{name}", "name": _xml(path),
                                                     "file": _xml(path)})
            for f in cases[path]:
                case.append(_failure(f))
            suite_failed += bool(cases[path])
        suite.attrib.update({"tests": str(len(cases)), "failures": str(suite_failed), "errors": "0",
                             "skipped": "0"})
        total += len(cases)
        failed += suite_failed
    root.attrib.update({"tests": str(total), "failures": str(failed), "errors": "0"})
    props = ET.Element("properties")
    overall = summarize(result).overall
    for name, value in (("compliance_score", overall.text), ("complying_test_modules", str(overall.complying)),
                        ("test_modules", str(overall.modules))):
        ET.SubElement(props, "property", {"name": name, "value": value})
    if len(root):
        root[0].insert(0, props)
    return root


class JunitReporter(Reporter):
    NAME = "junit"

    def render(self, result: RunResult) -> str:
        tree = to_junit(result)
        ET.indent(tree)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
