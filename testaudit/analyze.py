"""Per-file work: read, parse once with libcst, one batched visit of the facts collector and every
applicable rule. Runs in worker processes (a top-level function, state set by the initializer);
never raises on a bad file — an unreadable file becomes an error, an unparsable one TA001.
"""
from __future__ import annotations

import ast
import gc
import inspect
import os
import re
import signal
import sys
import warnings
from contextlib import nullcontext
from functools import lru_cache
from typing import Any, Callable, ContextManager, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from testaudit.ast_facts import ast_facts
from testaudit.baseline import finding_hash
from testaudit.budget import OverBudget, file_budget, no_core_dumps
from testaudit.config import Config
from testaudit.cst_parse import parse_module, plain_nodes
from testaudit.discover import SourceFile, is_test_file, module_name
from testaudit.facts import FactsCollector, unparsed_facts
from testaudit.model import (
    CHECK, FACTS, FINDING_ORDER, Finding, FileFacts, FileResult, Location, Severity, Suppression, evolve,
)
from testaudit.names import ImportTable
from testaudit.positions import StatementPositions
from testaudit.registry import RuleSet
from testaudit.rule import FileContext, Rule
from testaudit.cache import digest_bytes
from testaudit.source import decode, encoding_of, read_regular
from testaudit.suppress import parse_suppressions

_STATE: Dict[str, object] = {}


def init_worker(config: Config, ruleset: RuleSet) -> None:
    """Set the per-process state :func:`analyze_file` reads (also the pool's initializer)."""
    _STATE["config"] = config
    _STATE["ruleset"] = ruleset
    if sys.version_info >= (3, 11):  # Python-to-Python calls no longer use the C stack: libcst's
        # recursive tree code then handles the nesting CPython itself accepts (a 2,000-term chain)
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


def init_pool_worker(config: Config, ruleset: RuleSet) -> None:
    """The pool's initializer: Ctrl-C reaches the whole process group, and it is the main process
    that decides what to do with it (stop the workers, write nothing) — a worker would only print
    a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # started with SIGINT blocked (workers.quiet_context)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    init_worker(config, ruleset)
    _STATE["pool"] = True  # a worker whose death the engine recovers from: kernel limits may kill it
    no_core_dumps()  # one killed over its CPU budget must not leave a core file in the audited tree
    _die_with_parent(os.getppid())
    from testaudit.gc_tuning import GC_THRESHOLDS

    gc.freeze()  # the modules, rules and config live as long as the worker: never scan them again
    gc.set_threshold(*GC_THRESHOLDS)


def _die_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker when the process that started it is gone (SIGKILLed, it cannot stop its
    pool: orphaned workers held the run's stdout and stderr open, and a CI job never ended).
    A daemon thread checks the parent id; when the worker was re-parented, it exits at once."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="testaudit-parent-watch", daemon=True).start()


PLAIN_MIN_FILES = 8


def batch(count: int) -> ContextManager[None]:
    """The scope to analyse ``count`` files in, one after another: from :data:`PLAIN_MIN_FILES`
    files on, libcst's node classes switched to their plain constructors
    (``cst_parse.plain_nodes``: a sixth of a parse, for 130 ms once per process)."""
    return plain_nodes() if count >= PLAIN_MIN_FILES else nullcontext()


def analyze_files(files: Sequence[SourceFile], role: str = CHECK) -> List[FileResult]:
    """:func:`analyze_file` over a chunk of files (one task, one message back), in one :func:`batch`."""
    with batch(len(files)):
        return [analyze_file(f, role) for f in files]


def analyze_file(src: SourceFile, role: str = CHECK) -> FileResult:
    """Parse once and run the collector plus the applicable rules in one batched visit, within
    the file's time and memory budget (:mod:`testaudit.budget`)."""
    config: Config = _STATE["config"]  # type: ignore[assignment]
    try:
        with file_budget(config.max_file_seconds, config.max_file_memory, hard=bool(_STATE.get("pool"))):
            return _analyze_file(src, role)
    except (OverBudget, MemoryError) as exc:
        gc.collect()
        return over_budget_result(src, role, exc)


def over_budget_result(src: SourceFile, role: str, exc: BaseException) -> FileResult:
    """A file whose analysis spent its budget: TA001 (when checked) and a warning, never cached."""
    config: Config = _STATE["config"]  # type: ignore[assignment]
    if isinstance(exc, MemoryError):
        why = (f"not analysed: its analysis needed more than max-file-memory "
               f"({_megabytes(config.max_file_memory)}); raise max-file-memory to check it")
    else:
        why = (f"not analysed: its analysis took more than max-file-seconds ({config.max_file_seconds} s "
               f"of CPU); raise max-file-seconds to check it")
    name = src.rel.rsplit("/", 1)[-1]
    facts = FileFacts(src.rel, module_name(src.rel, config.src), is_test_file(src.rel, config),
                      name == "conftest.py", parsed=False)
    return not_analysed(src.rel, role, facts, why, transient=True)


def not_analysed(rel: str, role: str, facts: FileFacts, why: str, transient: bool = False) -> FileResult:
    """A file left unread on purpose (too large, over its budget): a TA001 when checked, so the
    run fails and says why instead of passing with the module counted as failing, and a warning."""
    ruleset: RuleSet = _STATE["ruleset"]  # type: ignore[assignment]
    findings: Tuple[Finding, ...] = ()
    if role == CHECK and "TA001" in ruleset.codes():
        active = ruleset.by_code()["TA001"]
        findings = (Finding(rel, "TA001", active.cls.NAME, active.severity, why, Location(1, 1, 1, 1)),)
    return FileResult(rel, findings, facts, error=why, transient=transient)


def _analyze_file(src: SourceFile, role: str) -> FileResult:
    config: Config = _STATE["config"]  # type: ignore[assignment]
    ruleset: RuleSet = _STATE["ruleset"]  # type: ignore[assignment]
    name = src.rel.rsplit("/", 1)[-1]
    is_test = is_test_file(src.rel, config)
    module = module_name(src.rel, config.src)
    try:
        if src.data is not None:
            data = src.data
            size = len(data)
        else:
            data = read_regular(src.path, config.max_file_size + 1)
            size = len(data) if len(data) <= config.max_file_size else os.path.getsize(src.path)
    except OSError as exc:
        unread = FileFacts(src.rel, module, is_test, name == "conftest.py", parsed=False)
        return FileResult(src.rel, (), unread, error=f"cannot read file: {exc.strerror or exc}")
    if max(size, len(data)) > config.max_file_size:
        skipped = FileFacts(src.rel, module, is_test, name == "conftest.py", parsed=False)
        return not_analysed(src.rel, role, skipped, (
            f"not analysed: {_megabytes(max(size, len(data)))} is larger than max-file-size "
            f"({_megabytes(config.max_file_size)}); raise max-file-size to check it"))
    text = decode(data)
    ctx = FileContext(path=src.path, rel=src.rel, module=module, is_package=name == "__init__.py",
                      is_test_module=is_test, is_conftest=name == "conftest.py", config=config,
                      source=text, imports=ImportTable())
    active = [r for r in ruleset.file_rules() if role == CHECK and (r.cls.FILES == "all" or is_test)]
    rules: List[Rule] = [r.cls(ctx, r.options, r.severity) for r in active]  # type: ignore[call-arg,misc]
    findings: List[Finding] = []
    facts: FileFacts
    if role == FACTS:  # only what other files need: CPython's parser is ~10x cheaper
        quick = ast_facts(data, ctx)
        if quick is not None:
            return FileResult(src.rel, (), quick, digest=digest_bytes(data))
    try:
        hazard = parser_hazard(data)
        if hazard:
            raise hazard
        parsed = parse_module(data)
    except Exception as exc:  # noqa: BLE001 - libcst raises ParserSyntaxError, RecursionError, …
        if isinstance(exc, MemoryError):  # over the file's memory budget: analyze_file reports it
            raise
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
            if isinstance(exc, MemoryError):
                raise
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
    if role == CHECK:  # hashed here, where the lines are at hand (the engine would read them again)
        findings = [evolve(f, source_hash=finding_hash(f, ctx.lines)) for f in findings]
    return FileResult(src.rel, tuple(sorted(findings, key=FINDING_ORDER)), facts, suppressions,
                      digest=digest_bytes(data))


def _visit(parsed: cst.Module, ctx: FileContext, rules: Sequence[Rule]) -> FileFacts:
    positions = ctx.positions = StatementPositions(parsed, ctx.source, ctx.lines, ctx.stmt_stack, ctx.visited_in)
    collector = FactsCollector(ctx)
    stack = ctx.stmt_stack
    # positions first: it numbers each statement's calls, which the others may ask about
    methods: Dict[str, List[Callable[[cst.CSTNode], None]]] = {"visit_Call": [positions.visit_Call]}  # type: ignore[list-item]
    for visitor in (collector, *rules):
        for name in _handler_names(type(visitor)):
            methods.setdefault(name, []).append(getattr(visitor, name))
    if any(name.count("_") >= 2 for name in methods) or not _walk_supported():
        parsed.visit(_Batched(methods, stack, ctx.visited_in))  # libcst's own traversal
    else:
        _walk(parsed, methods, stack, ctx.visited_in)
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


_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')
_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}
_IS_NODE: Dict[type, bool] = {}


def _child_fields(cls: type) -> Tuple[str, ...]:
    """The fields libcst's ``_visit_and_replace_children`` visits, in its order (read from its source
    once per node type: every child is visited through ``visit_*(self, "<field>", …)``)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        names = _FIELD.findall(inspect.getsource(cls._visit_and_replace_children))  # type: ignore[attr-defined]
        fields = _CHILD_FIELDS[cls] = tuple(dict.fromkeys(names))
    return fields


@lru_cache(maxsize=None)
def _walk_supported() -> bool:
    """The fast walk reads libcst's sources; without them (a zipped install) use libcst's traversal."""
    try:
        return bool(_child_fields(cst.FunctionDef))
    except (OSError, TypeError):
        return False


_Handlers = Tuple[Callable[[cst.CSTNode], None], ...]


def _walk(root: cst.CSTNode, methods: Dict[str, List[Callable[[cst.CSTNode], None]]],
          stmt_stack: List[cst.CSTNode], visited_in: Optional[Dict[int, cst.CSTNode]] = None) -> None:
    """The traversal of ``CSTNode.visit`` — same nodes, same order, same visit/leave pairing —
    without rebuilding every node on the way out (libcst's visitor reconstructs and re-validates
    the whole tree even for read-only visitors, about half of a check's time). Iterative, so
    deep nesting cannot overflow the Python stack here.

    Leaves nobody handles (whitespace, newlines: about half the nodes) are never pushed, and a
    leave entry is pushed only for nodes with leave handlers or on the statement stack.
    ``visited_in`` receives, for each node visited inside a statement, the innermost one.
    """
    if visited_in is None:
        visited_in = {}
    plans: Dict[type, Tuple[_Handlers, _Handlers, bool, Tuple[str, ...]]] = {}
    pushed: Dict[type, bool] = {}  # value type → is it a node worth visiting

    def plan(cls: type) -> Tuple[_Handlers, _Handlers, bool, Tuple[str, ...]]:
        visit = tuple(methods.get("visit_" + cls.__name__, ()))
        leave = tuple(methods.get("leave_" + cls.__name__, ()))
        plans[cls] = (visit, leave, cls in _STATEMENTS, _child_fields(cls)[::-1])
        return plans[cls]

    def worth(cls: type) -> bool:
        if cls not in pushed:
            pushed[cls] = issubclass(cls, cst.CSTNode) and bool(
                _child_fields(cls) or methods.get("visit_" + cls.__name__) or methods.get("leave_" + cls.__name__))
        return pushed[cls]

    # the work stack holds nodes to visit and 1-tuples of nodes to leave; children are pushed
    # last field first, each field's items last first, so they pop in libcst's order
    work: List[Any] = [root]
    pop, push = work.pop, work.append
    worth_it = pushed.get
    while work:
        node = pop()
        if type(node) is tuple:  # leaving a node
            node = node[0]
            for fn in plans[type(node)][1]:
                fn(node)
            if stmt_stack and stmt_stack[-1] is node:
                stmt_stack.pop()
            continue
        visit, leave, is_statement, fields = plans.get(type(node)) or plan(type(node))
        if is_statement:  # an exact-type test: ABC isinstance costs ~5% per file
            stmt_stack.append(node)
        if stmt_stack:
            visited_in[id(node)] = stmt_stack[-1]
        for fn in visit:
            fn(node)
        if leave or is_statement:
            push((node,))
        for name in fields:
            value = getattr(node, name)
            kind = type(value)
            if kind is tuple or kind is list:
                for item in reversed(value):
                    if worth_it(type(item)) or (type(item) not in pushed and worth(type(item))):
                        push(item)
            elif worth_it(kind) or (kind not in pushed and worth(kind)):
                push(value)


class _Batched(cst.CSTVisitor):
    """libcst's own traversal, for visitors with ``visit_<Node>_<attribute>`` handlers."""

    def __init__(self, methods: Dict[str, List[Callable[[cst.CSTNode], None]]], stmt_stack: List[cst.CSTNode],
                 visited_in: Dict[int, cst.CSTNode]) -> None:
        super().__init__()
        self.methods = methods
        self.stmt_stack = stmt_stack
        self.visited_in = visited_in

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) in _STATEMENTS:
            self.stmt_stack.append(node)
        if self.stmt_stack:
            self.visited_in[id(node)] = self.stmt_stack[-1]
        for fn in self.methods.get("visit_" + type(node).__name__, ()):
            fn(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for fn in self.methods.get("leave_" + type(original_node).__name__, ()):
            fn(original_node)
        if self.stmt_stack and self.stmt_stack[-1] is original_node:
            self.stmt_stack.pop()

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        for fn in self.methods.get(f"visit_{type(node).__name__}_{attribute}", ()):
            fn(node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        for fn in self.methods.get(f"leave_{type(original_node).__name__}_{attribute}", ()):
            fn(original_node)


def _safely(fn, rule: Rule, findings: List[Finding], rel: str) -> None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        if isinstance(exc, MemoryError):
            raise
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
    elif isinstance(exc, _Hazard):
        line, column, message = exc.line, exc.column, str(exc)
    elif isinstance(exc, UnicodeDecodeError):
        line, column, message = _decode_error(data, exc)
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarnings of audited code are not ours to print
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
        else:  # valid Python the parser cannot take (~3,500 adjacent string literals): not a syntax error
            message = f"not analysed: valid Python (CPython accepts it) that libcst cannot parse: {message}"
    line = max(1, min(line, max(1, len(lines))))
    end = len(lines[line - 1]) + 1 if lines else 1
    column = max(1, min(column, end))
    if not message.startswith("not analysed: "):
        message = f"cannot parse: {message}"
    return Finding(rel, "TA001", active.cls.NAME, active.severity, message,
                   Location(line, column, line, max(end, column)))


def _decode_error(data: bytes, exc: UnicodeDecodeError) -> Tuple[int, int, str]:
    """Where the first undecodable byte is, and what would have been needed (PEP 263)."""
    encoding, bom = encoding_of(data)
    start = exc.start
    try:
        data[len(bom):].decode(encoding)
    except UnicodeDecodeError as err:
        start = len(bom) + err.start
    except (LookupError, UnicodeError, ValueError):
        pass
    line = data.count(b"\n", 0, start) + 1
    column = start - (data.rfind(b"\n", 0, start) + 1) + 1
    byte = data[start:start + 1].hex() or "??"
    declared = re.search(rb"^[ \t\f]*#.*?coding[:=]", b"\n".join(data.split(b"\n", 2)[:2]), re.M)
    why = " (the encoding its coding cookie declares)" if declared else "; no coding cookie declares another encoding"
    return line, column, f"byte 0x{byte} is not valid {encoding}{why}"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


class _Hazard(Exception):
    """The source is kept from libcst's parser; the message and position say why."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


_BRACKETS = bytes(range(256)).translate(None, b"()[]{}\n")  # delete everything else
_DEPTH_STEP = {ord("("): 1, ord("["): 1, ord("{"): 1, ord(")"): -1, ord("]"): -1, ord("}"): -1, ord("\n"): 0}
_CHAIN = 1000  # lines inside one bracket, or bytes in one line, beyond which CPython is asked first
_BOOL_CHAIN = 3000  # libcst's parser crashes near 8,000 operands; its tree is fine to 5,000 (3.11+)
_EXPR_DEPTH = 2000  # expression nesting beyond which libcst is not asked (1,500 subscripts took 3.3 s, growing ~N²)


def parser_hazard(data: bytes) -> Optional[_Hazard]:
    """Why libcst's native parser must not see ``data``, or None.

    Expressions nested a few thousand levels deep (brackets, or chains of operators, attributes,
    subscripts or calls) make libcst's parser overflow its native stack — the process dies with
    SIGSEGV — or run for minutes (``a[0][0]…`` 3,000 deep: over a minute). CPython's parser has
    limits and refuses the same sources in milliseconds ("too many nested parentheses", a
    RecursionError or MemoryError), so such a file is a TA001 that libcst never sees. Asking
    CPython costs ~15 % of a libcst parse, so only sources that could hold such nesting are asked:
    a line over 1,000 bytes, brackets over 50 deep, or over 1,000 lines inside one bracket. A flat
    ``and``/``or`` chain is one node for CPython but thousands of nested ones for libcst, so a
    long one is refused too.
    """
    lines = data.split(b"\n")
    widest = max(range(len(lines)), key=lambda i: len(lines[i]))
    suspicious = len(lines[widest]) > _CHAIN or _long_continued_line(lines)
    if not suspicious:
        depth = 0
        inside = 0
        for step in map(_DEPTH_STEP.__getitem__, data.translate(None, _BRACKETS)):
            depth += step
            if step == 0 and depth > 0:
                inside += 1
                if inside > _CHAIN:
                    suspicious = True
                    break
            elif depth <= 0:
                inside = depth = 0
            elif depth > 50:
                suspicious = True
                break
    if not suspicious:
        return None
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1000)  # CPython's default, which its parser's depth limits scale with
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
    except (RecursionError, MemoryError):  # no position: the widest line is the likely culprit
        return _Hazard("expressions nested too deeply for the parser", widest + 1 if len(lines[widest]) > _CHAIN else 1)
    except SyntaxError as err:
        if "nested" in (err.msg or "") or "too complex" in (err.msg or ""):
            return _Hazard(err.msg, err.lineno or 1, err.offset or 1)
        return None  # an ordinary syntax error: libcst reports it as usual
    except (ValueError, OverflowError):
        return None
    finally:
        sys.setrecursionlimit(limit)
    deep = _deepest_expression(tree)
    if deep is not None:
        node, depth = deep
        return _Hazard(f"an expression nested {depth} deep is too deep for the parser", getattr(node, "lineno", 1),
                       getattr(node, "col_offset", 0) + 1)
    chains = [node for node in ast.walk(tree) if isinstance(node, ast.BoolOp) and len(node.values) > _BOOL_CHAIN]
    if chains:
        node = max(chains, key=lambda n: len(n.values))
        return _Hazard(f"an `and`/`or` chain of {len(node.values)} operands is too long for the parser",
                       node.lineno, node.col_offset + 1)
    return None


def _long_continued_line(lines: Sequence[bytes]) -> bool:
    """A logical line over :data:`_CHAIN` bytes made of backslash-continued short lines (the
    widest-line test alone let ``a \\`` ⏎ ``[0] \\`` ⏎ … through to libcst)."""
    run = 0
    for line in lines:
        if line.rstrip(b"\r").endswith(b"\\"):
            run += len(line)
            if run > _CHAIN:
                return True
        else:
            run = 0
    return False


def _deepest_expression(tree: ast.AST) -> Optional[Tuple[ast.AST, int]]:
    """An expression nested deeper than :data:`_EXPR_DEPTH` and how deep, or None. CPython accepts
    chains a little under its own limits (``a[0][0]…`` 2,900 deep) that libcst parses in minutes,
    or not at all; only sources :func:`parser_hazard` found suspicious get here."""
    stack: List[Tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
            if depth > _EXPR_DEPTH:
                return node, depth
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return None


WORKER_DIED = ("its worker process died (killed, out of memory or over max-file-memory, or a crash in native "
               "code)")


def crashed_result(src: SourceFile, role: str) -> FileResult:
    """The result of a file whose analysis killed its worker process: a TA001 internal-error
    finding when it was checked, and in both roles an ``error`` the run shows as a warning
    (the engine never caches such a result: the next run tries again)."""
    config: Config = _STATE["config"]  # type: ignore[assignment]
    name = src.rel.rsplit("/", 1)[-1]
    facts = FileFacts(src.rel, module_name(src.rel, config.src), is_test_file(src.rel, config),
                      name == "conftest.py", parsed=False)
    findings = (_internal_finding(src.rel, WorkerDied(WORKER_DIED)),) if role == CHECK else ()
    return FileResult(src.rel, findings, facts, error=WORKER_DIED if role == CHECK
                      else f"not read for cross-file facts: {WORKER_DIED}")


class WorkerDied(Exception):
    """Stands for the error of a file whose worker process died."""


def _internal_finding(rel: str, exc: Exception, code: str = "") -> Finding:
    what = f" in {code}" if code else ""
    why = "expressions nested too deeply to analyse" if isinstance(exc, RecursionError) else \
        f"{type(exc).__name__}: {exc}"
    return Finding(rel, "TA001", "syntax-error", Severity.ERROR,
                   f"internal error{what} while checking this file: {why}",
                   Location(1, 1, 1, 1))
