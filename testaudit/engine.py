"""Orchestration: files → per-file results (parallel) → project → filtered findings.

The engine never prints and never raises on a bad file: a file that cannot be read becomes a
warning, one that cannot be parsed a TA001 finding. Per-file work is a top-level function so it
can run in a process pool; results are sorted, so output is the same for every ``--jobs``.
"""
from __future__ import annotations

import ast
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from testaudit.categories import Categorizer
from testaudit.config import Config
from testaudit.discover import SourceFile, discover, is_test_file, module_files, module_name
from testaudit.docs import render_rule
from testaudit.facts import FactsCollector, unparsed_facts
from testaudit.model import (
    Finding, FileFacts, FileResult, Location, ModuleSummary, RuleInfo, RunResult, Severity, Suppression,
    Warning_,
)
from testaudit.names import ImportTable
from testaudit.positions import Positions
from testaudit.project import Project
from testaudit.registry import RuleSet, all_rules, build_ruleset, parse_options, rule_by_key, rule_matches
from testaudit.rule import FileContext, Rule
from testaudit.source import decode, read_lines
from testaudit.suppress import apply_suppressions, parse_suppressions, unused_location

CHECK, FACTS = "check", "facts"
_STATE: Dict[str, object] = {}


def _init_worker(config: Config, ruleset: RuleSet) -> None:
    _STATE["config"] = config
    _STATE["ruleset"] = ruleset


def analyze_file(src: SourceFile, role: str = CHECK) -> FileResult:
    """Parse once and run the collector plus the applicable rules in one batched visit."""
    config: Config = _STATE["config"]  # type: ignore[assignment]
    ruleset: RuleSet = _STATE["ruleset"]  # type: ignore[assignment]
    name = src.rel.rsplit("/", 1)[-1]
    is_test = is_test_file(src.rel, config)
    module = module_name(src.rel, config.src)
    try:
        with open(src.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        unread = FileFacts(src.rel, module, is_test, name == "conftest.py", parsed=False)
        return FileResult(src.rel, (), unread, error=f"cannot read file: {exc.strerror or exc}")
    text = decode(data)
    ctx = FileContext(path=src.path, rel=src.rel, module=module, is_package=name == "__init__.py",
                      is_test_module=is_test, is_conftest=name == "conftest.py", config=config,
                      source=text, imports=ImportTable())
    active = [r for r in ruleset.file_rules() if role == CHECK and (r.cls.FILES == "all" or is_test)]
    rules: List[Rule] = [r.cls(ctx, r.options, r.severity) for r in active]  # type: ignore[call-arg,misc]
    findings: List[Finding] = []
    facts: FileFacts
    try:
        parsed = cst.parse_module(data)
    except Exception as exc:  # noqa: BLE001 - libcst raises ParserSyntaxError, RecursionError, …
        facts = unparsed_facts(ctx)
        if role == CHECK and "TA001" in ruleset.codes():
            findings.append(_syntax_finding(src.rel, data, exc, ctx.lines, ruleset))
        for rule in rules:
            if rule.TEXT:
                _safely(rule.check_text, rule, findings, src.rel)
    else:
        try:
            facts = _visit(parsed, ctx, rules)
        except Exception as exc:  # noqa: BLE001 - never let one file crash the run
            facts = unparsed_facts(ctx)
            findings.append(_internal_finding(src.rel, exc))
            rules = []
        for rule in rules:
            _safely(rule.finish, rule, findings, src.rel)
            if rule.TEXT:
                _safely(rule.check_text, rule, findings, src.rel)
    for rule in rules:
        findings.extend(rule.findings)
    suppressions: Tuple[Suppression, ...] = ()
    if role == CHECK and "testaudit" in text:
        suppressions = parse_suppressions(ctx.lines)
        if facts.parsed:  # only real comments suppress; text in a string literal does not
            suppressions = tuple(s for s in suppressions
                                 if s.line in ctx.comment_columns and s.column >= ctx.comment_columns[s.line])
    return FileResult(src.rel, tuple(sorted(findings, key=lambda f: f.sort_key)), facts, suppressions)


def _visit(parsed: cst.Module, ctx: FileContext, rules: Sequence[Rule]) -> FileFacts:
    ctx.positions = Positions(parsed)
    collector = FactsCollector(ctx)
    stack = ctx.stmt_stack

    def before_visit(node: cst.CSTNode) -> None:
        if type(node) in _STATEMENTS:  # an exact-type test: ABC isinstance costs ~5% per file
            stack.append(node)

    def after_leave(node: cst.CSTNode) -> None:
        if stack and stack[-1] is node:
            stack.pop()

    parsed.visit(_Batched([collector, *rules], before_visit, after_leave))
    assert collector.facts is not None
    return collector.facts


_STATEMENTS = frozenset({
    cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While, cst.With, cst.Try,
    cst.TryStar, cst.Match,
})


@lru_cache(maxsize=None)
def _handler_names(cls: type) -> Tuple[str, ...]:
    """The visit_*/leave_* methods a visitor class really defines (libcst's no-op stubs excluded).

    ``libcst.visit_batched`` finds these with ``inspect.getmembers`` on every instance, scanning
    ~1,600 members per visitor per file (about 50 ms per file with our rules); once per class
    is enough.
    """
    return tuple(n for n in dir(cls) if n.startswith(("visit_", "leave_"))
                 and callable(getattr(cls, n)) and not getattr(getattr(cls, n), "_is_no_op", False))


class _Batched(cst.CSTVisitor):
    """One traversal dispatching to several batchable visitors, with hooks around each node."""

    def __init__(self, visitors: Sequence[cst.BatchableCSTVisitor], before: Callable[[cst.CSTNode], None],
                 after: Callable[[cst.CSTNode], None]) -> None:
        super().__init__()
        self.methods: Dict[str, List[Callable[[cst.CSTNode], None]]] = {}
        for visitor in visitors:
            for name in _handler_names(type(visitor)):
                self.methods.setdefault(name, []).append(getattr(visitor, name))
        self.before = before
        self.after = after
        self.attribute_handlers = any(name.count("_") >= 2 for name in self.methods)

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.before(node)
        for fn in self.methods.get("visit_" + type(node).__name__, ()):
            fn(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for fn in self.methods.get("leave_" + type(original_node).__name__, ()):
            fn(original_node)
        self.after(original_node)

    # visit_<Node>_<attribute> handlers: none of our rules use them, so keep these calls cheap
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if self.attribute_handlers:
            for fn in self.methods.get(f"visit_{type(node).__name__}_{attribute}", ()):
                fn(node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if self.attribute_handlers:
            for fn in self.methods.get(f"leave_{type(original_node).__name__}_{attribute}", ()):
                fn(original_node)


def _safely(fn, rule: Rule, findings: List[Finding], rel: str) -> None:  # type: ignore[no-untyped-def]
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        findings.append(_internal_finding(rel, exc, rule.CODE))


def _syntax_finding(rel: str, data: bytes, exc: Exception, lines: Sequence[str], ruleset: RuleSet) -> Finding:
    """TA001 with the most precise position and message available.

    libcst's native parser reports token positions that can be a line off; CPython's own parser
    (``ast.parse`` only builds a tree, it never runs the code) pinpoints the error, so its line
    and message are preferred when it agrees the file is broken.
    """
    active = ruleset.by_code()["TA001"]
    line = int(getattr(exc, "raw_line", 0) or 1)
    column = int(getattr(exc, "raw_column", 0) or 0) + 1
    message = str(getattr(exc, "message", "") or type(exc).__name__)
    message = re.sub(r"^parser error: error at \d+:\d+: ", "", message)
    if isinstance(exc, RecursionError):
        message = "expressions nested too deeply for the parser"
    else:
        try:
            ast.parse(data, filename=rel)
        except SyntaxError as err:  # includes IndentationError / TabError
            line = err.lineno or line
            column = err.offset or column
            message = err.msg or message
        except (ValueError, RecursionError, MemoryError) as err:  # NUL bytes, deep nesting
            message = f"{type(err).__name__}: {err}" if not isinstance(err, RecursionError) else \
                "expressions nested too deeply for the parser"
        except Exception:  # noqa: BLE001 - keep libcst's account
            pass
    line = max(1, min(line, max(1, len(lines))))
    end = len(lines[line - 1]) + 1 if lines else 1
    column = max(1, min(column, end))
    return Finding(rel, "TA001", active.cls.NAME, active.severity, f"cannot parse: {message}",
                   Location(line, column, line, max(end, column)))


def _internal_finding(rel: str, exc: Exception, code: str = "") -> Finding:
    what = f" in {code}" if code else ""
    return Finding(rel, "TA001", "syntax-error", Severity.ERROR,
                   f"internal error{what} while checking this file: {type(exc).__name__}: {exc}",
                   Location(1, 1, 1, 1))


# --------------------------------------------------------------------------------------------
def run(paths: Sequence[str], config: Config, select: Optional[Sequence[str]] = None,
        ignore: Sequence[str] = (), jobs: Optional[int] = None, progress: Optional[Progress] = None) -> RunResult:
    ruleset = build_ruleset(config, select, ignore)
    found = discover(paths, config)
    warnings: List[Warning_] = list(found.warnings)
    _init_worker(config, ruleset)
    results = _map_files(found.files, CHECK, config, ruleset, jobs, progress)
    checked = {r.path for r in results}
    facts_only = _reach(results, config, ruleset, jobs, progress)
    all_facts = {r.path: r.facts for r in (*results, *facts_only)}
    project = Project(all_facts, categorizer_for(config), checked)
    by_code = ruleset.by_code()
    findings: List[Finding] = []
    per_file: Dict[str, List[Finding]] = {r.path: [] for r in results}
    for res in results:
        if res.error:
            warnings.append(Warning_(res.path, res.error))
        for f in res.findings:
            cat, node = project.category_at(res.facts, f.location.line)
            active = by_code.get(f.code)
            if active is not None and not active.cls.keep(f, cat, active.options):
                continue
            per_file[res.path].append(replace(f, category=cat, node_id=node))
    for active in ruleset.project_rules():
        rule = active.cls(active.options, active.severity)  # type: ignore[call-arg]
        for f in rule.check(project):  # type: ignore[attr-defined]
            if f.path in per_file:
                cat, node = project.category_at(project.facts[f.path], f.location.line)
                per_file[f.path].append(replace(f, category=f.category or cat, node_id=f.node_id or node))
    suppressed = 0
    selected = set(ruleset.codes())
    expand = _expander()
    results_by_path = {r.path: r for r in results}
    for path, file_findings in per_file.items():
        res = results_by_path[path]
        outcome = apply_suppressions(file_findings, res.suppressions, path, config.per_file_ignores,
                                     expand, selected)
        suppressed += len(outcome.suppressed)
        findings.extend(outcome.kept)
        if "TA002" in by_code:
            lines = None
            for sup in outcome.unused:
                if lines is None:
                    lines = read_lines(os.path.join(config.root, path))
                codes = ", ".join(sup.codes)
                what = f"`# testaudit: ignore[{codes}]`" if codes else "`# testaudit: ignore`"
                cat, node = project.category_at(res.facts, sup.line)
                findings.append(Finding(path, "TA002", by_code["TA002"].cls.NAME, by_code["TA002"].severity,
                                        f"unused suppression {what}: nothing is reported here",
                                        unused_location(sup, lines), category=cat, node_id=node))
    findings.sort(key=lambda f: f.sort_key)
    modules = _module_summaries(project, ruleset, findings)
    return RunResult(
        root=config.root, findings=tuple(findings), modules=modules, files_checked=len(results),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.path, w.message))),
        weights=tuple((r.code, r.weight) for r in ruleset.rules),
        rule_names=tuple((r.code, r.cls.NAME) for r in ruleset.rules), suppressed=suppressed,
        rules=tuple(RuleInfo(r.code, r.cls.NAME, r.severity, r.weight, r.cls.MESSAGE, render_rule(r.cls))
                    for r in ruleset.rules),
    )


def collect_facts(paths: Sequence[str], config: Config) -> Dict[str, FileFacts]:
    """Facts of the files under ``paths`` only (no rules run)."""
    ruleset = build_ruleset(config, select=["TA001"])
    _init_worker(config, ruleset)
    found = discover(paths, config)
    return {r.path: r.facts for r in _map_files(found.files, FACTS, config, ruleset, None)}


def categorizer_for(config: Config) -> Categorizer:
    """Categories with TA501's ``required`` bases as the default category bases."""
    ta501 = rule_by_key("TA501")
    bases: Dict[str, Tuple[str, ...]] = {}
    if ta501 is not None:
        options, _, _ = parse_options(ta501, config.rule_options.get("TA501", config.rule_options.get(ta501.NAME, {})),
                                      config.source, "rules.TA501")
        bases = {k: tuple(v) for k, v in getattr(options, "required", {}).items()}
    return Categorizer(config.categories, bases)


def _expander() -> Callable[[str], Set[str]]:
    """Rule selector (code, name, prefix or ALL) → the codes it names."""
    cache: Dict[str, Set[str]] = {}

    def expand(key: str) -> Set[str]:
        if key not in cache:
            cache[key] = {c.CODE for c in all_rules() if rule_matches(c, key)}
        return cache[key]

    return expand


Progress = Callable[[str, int, int], None]


def default_jobs() -> int:
    """The usable CPUs (affinity-aware where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _map_files(files: Sequence[SourceFile], role: str, config: Config, ruleset: RuleSet,
               jobs: Optional[int], progress: Optional[Progress] = None) -> List[FileResult]:
    workers = jobs or config.jobs or default_jobs()
    out: List[FileResult] = []
    if workers <= 1 or len(files) < 16:
        results: Iterable[FileResult] = (analyze_file(f, role) for f in files)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config, ruleset))
        chunk = max(1, min(32, len(files) // (workers * 8) or 1))
        results = pool.map(analyze_file, files, [role] * len(files), chunksize=chunk)
    try:
        for res in results:
            out.append(res)
            if progress is not None:
                progress(role, len(out), len(files))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return out


def _reach(results: Sequence[FileResult], config: Config, ruleset: RuleSet, jobs: Optional[int],
           progress: Optional[Progress] = None) -> List[FileResult]:
    """Facts of project modules the checked files can reach: conftest chains and imports."""
    root = config.root
    known: Set[str] = {r.path for r in results}
    module_cache: Dict[str, List[str]] = {}
    out: List[FileResult] = []
    frontier: List[FileResult] = list(results)
    while frontier:
        wanted: Set[str] = set()
        for res in frontier:
            for rel in _conftest_chain(res.path, root):
                wanted.add(rel)
            for imp in res.facts.imports:
                for mod in _module_and_parents(imp.module, imp.target):
                    if mod not in module_cache:
                        module_cache[mod] = module_files(mod, root, config.src)
                    wanted.update(module_cache[mod])
        new = sorted(wanted - known)
        known.update(new)
        files = [SourceFile(os.path.join(root, rel), rel) for rel in new]
        frontier = _map_files(files, FACTS, config, ruleset, jobs, progress)
        out.extend(frontier)
    return out


def _module_and_parents(module: str, target: str) -> Iterable[str]:
    names = {module, target} - {""}
    out: Set[str] = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            out.add(".".join(parts[:i]))
    return sorted(out)


def _conftest_chain(rel: str, root: str) -> List[str]:
    parts = rel.split("/")[:-1]
    out = []
    for i in range(len(parts), -1, -1):
        cand = "/".join([*parts[:i], "conftest.py"])
        if os.path.isfile(os.path.join(root, cand)):
            out.append(cand)
    return out


def _module_summaries(project: Project, ruleset: RuleSet, findings: Sequence[Finding]) -> Tuple[ModuleSummary, ...]:
    failing: Dict[str, Set[str]] = {}
    for f in findings:
        failing.setdefault(f.path, set()).add(f.code)
    out: List[ModuleSummary] = []
    for facts in project.test_modules():
        if facts.parsed:
            cats = frozenset(project.test_categories(facts))
            has_classes = any(c.is_test_class for c in facts.classes)
        else:
            cats = frozenset({project.module_category(facts)})
            has_classes = False
        applicable = tuple(r.code for r in ruleset.rules if r.cls.applies(r.options, cats, has_classes))
        if not facts.parsed:
            fails = applicable
        else:
            fails = tuple(c for c in applicable if c in failing.get(facts.path, ()))
        out.append(ModuleSummary(facts.path, project.module_category(facts), applicable, fails))
    return tuple(out)
