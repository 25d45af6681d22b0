"""What the code says about the files a report names: the numbers and findings claims are
checked against (SPEC §12). Everything comes from the check's engine and its cache — one check
run over the named files, the facts it cached, pytest's collection model — and nothing is run.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from testaudit.collection import CollectedTest
from testaudit.config import UNCATEGORIZED, Config
from testaudit.model import FileFacts, Finding, ModuleSummary, RunResult
from testaudit.source import read_lines

MOCK_RULES = ("TA101", "TA102", "TA103")


@dataclass(frozen=True)
class FileMeasure:
    """One named file as the code has it."""

    path: str
    lines: int
    parsed: bool
    is_test_module: bool
    tests: Tuple[CollectedTest, ...] = ()
    classes: Tuple[Tuple[str, Tuple[str, ...], bool], ...] = ()  # (collected test class, ancestors, fully resolved)
    markers: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()  # (node id, markers of the test, its classes, its module)
    text: str = ""  # the file's text when it does not parse (a claim may still be refuted by it)

    @property
    def test_count(self) -> int:
        return len(self.tests)

    @property
    def case_count(self) -> Optional[int]:
        """Tests with static ``parametrize`` cases expanded; None when a case list is computed."""
        if any(t.cases == 0 for t in self.tests):
            return None
        return sum(t.cases for t in self.tests)


@dataclass(frozen=True)
class Measures:
    """The measures of every named file, the check's result over them, and (when asked) the
    TA101–TA103 findings of a run that treats every named file as integration tests."""

    files: Mapping[str, FileMeasure]
    result: RunResult
    as_integration: Tuple[Finding, ...] = ()

    def findings(self, paths: Sequence[str], codes: Sequence[str]) -> List[Finding]:
        wanted, codes_ = set(paths), set(codes)
        return [f for f in self.result.findings if f.path in wanted and f.code in codes_]

    def modules(self) -> Tuple[ModuleSummary, ...]:
        return self.result.modules


def measure(paths: Sequence[str], config: Config, cache: bool = True, mocks: bool = True,
            jobs: Optional[int] = None) -> Measures:
    """Check ``paths`` (root-relative) once and measure each: lines, collected tests, classes."""
    from testaudit import engine

    absolute = [f"{config.root}/{p}" for p in paths]
    result = engine.run(absolute, config, jobs=jobs, cache=cache) if paths else _empty(config)
    files: Dict[str, FileMeasure] = {}
    with engine.project_view(config, cache) as project:
        for path in paths:
            facts = project.file(path)
            files[path] = _measure_file(path, config, facts, project)
    extra: Tuple[Finding, ...] = ()
    if mocks:
        not_integration = [p for p in paths if files[p].is_test_module and
                           _category(result, p) not in ("integration", "e2e")]
        if not_integration:
            extra = tuple(f for f in _as_integration(not_integration, config, cache, jobs).findings
                          if f.code in MOCK_RULES)
    return Measures(files, result, extra)


def _empty(config: Config) -> RunResult:
    return RunResult(root=config.root, findings=(), modules=(), files_checked=0)


def _category(result: RunResult, path: str) -> str:
    return next((m.category for m in result.modules if m.path == path), UNCATEGORIZED)


def _as_integration(paths: Sequence[str], config: Config, cache: bool, jobs: Optional[int]) -> RunResult:
    """A check of ``paths`` with TA101–TA103 applied to every category (SPEC §12: a "no mocks"
    claim is checked as if every subject file held integration tests). Same rule selection as
    the first check, and the categories are options only ``keep`` reads, so every file's cached
    analysis serves it: only the cross-file phase runs again."""
    from testaudit import engine

    everything = [c.name for c in config.categories] + [UNCATEGORIZED]
    options: Dict[str, Any] = {}
    if config.rule_options:  # keyed by code, as the widened tables below are (rule classes: libcst)
        from testaudit.registry import rule_by_key

        for key, table in config.rule_options.items():
            cls = rule_by_key(key)
            options[cls.CODE if cls is not None else key] = dict(table)
    for code in MOCK_RULES:
        options[code] = {**options.get(code, {}), "categories": everything}
    widened = replace(config, rule_options=options)
    return engine.run([f"{config.root}/{p}" for p in paths], widened, jobs=jobs, cache=cache)


def _measure_file(path: str, config: Config, facts: Optional[FileFacts], project: Any) -> FileMeasure:
    lines = read_lines(f"{config.root}/{path}")
    if facts is None or not facts.parsed:
        return FileMeasure(path, len(lines), False, bool(facts and facts.is_test_module), text="\n".join(lines))
    if not facts.is_test_module:
        return FileMeasure(path, len(lines), True, False)

    tests = project.collected(facts)
    classes = {cls.name: cls for cls in facts.classes if cls.qualname == cls.name}
    collected_classes = []
    for name in dict.fromkeys(t.class_name for t in tests if t.class_name):
        found = project.ancestry(facts, classes[name])
        collected_classes.append((name, found.ancestors + found.unresolved, found.complete))
    markers = []
    for t in tests:
        own = list(t.function.markers) + list(facts.module_markers)
        if t.class_name:
            cls = classes[t.class_name]
            own += list(cls.markers)
            own += [m for base, _ in project.base_classes(facts, cls) for m in base.markers]
        markers.append((t.node_id, tuple(dict.fromkeys(own))))
    return FileMeasure(path, len(lines), True, True, tests, tuple(collected_classes), tuple(markers))
