"""
## What it does
Reports an `except` clause inside a test whose body only discards the exception — `pass`,
`...` or `continue` (alone or together) — when it catches everything (bare `except:`,
`except Exception`, `except BaseException`, alone or in a tuple), or when it catches a specific
exception raised before an assertion of its `try` body (`try: r = call(); assert r.ok / except
KeyError: pass` skips the check; timeouts excepted, below). Nested functions of the test count as the test.

Not reported:
- a handler that logs, asserts, re-raises, records or returns something;
- a specific exception whose `try` holds no assertion: `except IndexError: pass` around a pop
  that may find the deque empty, `except ImportError: pass` probing for a module, a request
  to a route that may be down — the exception is an expected outcome, not a hidden failure
  (option `narrow-handlers` reports them too);
- `pytest.raises` spelt out: a `try` whose body ends with a failure (`pytest.fail(…)`,
  `self.fail(…)`, `assert False`, `raise AssertionError(…)`), or whose `else:` holds one;
- cleanup: a `try` that only calls `close`, `disconnect`, `cleanup…`, `shutdown`, `cancel`,
  `stop`, `delete…`, `remove…` and the like (possibly under an `if`), and any `try` inside a
  `finally:` block;
- a `try` whose body only raises (`try: raise ValueError("dummy") / except: pass`): the
  exception is made on purpose, to set up exception state; nothing in it can hide a failure;
- counting: a `try` that counts its successes (`ok += 1`), so the failures it swallows are
  counted by their absence (and usually asserted on as a rate), or that ends by recording its
  success in a flag (`exists = True`: a probe whose failure is the flag's absence);
- waiting: a `try` that only waits (`waiter.wait(…)`, `wait_for…(…)`, `thread.join()`), for a
  state the test goes on to check, and any `try` inside a nested function the test hands to a
  retrying call (`retry(_wait_for_deleted, retries=10)`, `poll(check)`, `wait_until(ready)`)
  catches a specific exception: there it is the check's answer (`NotFound`: deleted), while an
  assertion failure still makes the retry try again (a broad handler there is still reported:
  it would swallow the assertion too, and the retry would never retry);
- timeouts (`…TimeoutError`, `…Timeout`, `queue.Empty`) skipping an assertion about a message
  that may legitimately not come;
- handlers for the `allowed-exceptions` only (by default `CancelledError`, awaiting a task the
  test has just cancelled, and `StopIteration` / `StopAsyncIteration`, the end of an iterator);
- `except` clauses outside tests — in helpers, fixtures and module-level
  `try: import x / except ImportError: pass`.

## Why is this bad?
`try: check() / except Exception: pass` turns every failure inside the `try` — a broken
service, a wrong result, even an `AssertionError` — into a pass. The test keeps its name and
its green tick while no longer able to fail. If an exception is expected, `pytest.raises` says
so and fails when it does not come; if it is tolerated, say why and assert on what matters.

Severity warning: the handler may guard a step that is not the point of the test; read it.

## Options
- `allowed-exceptions`: exception names whose handlers may be empty, matched by their last
  name segment (`asyncio.CancelledError` and `CancelledError` alike).
- `narrow-handlers`: also report handlers of specific exceptions whose `try` holds no
  assertion (default off), except `except TimeoutError: continue` (any `…TimeoutError`,
  `…Timeout`, `queue.Empty`), which polls for the next message.

## Known limitations
`contextlib.suppress(…)` is not reported: it names what it tolerates, and is a deliberate,
visible choice. A handler that only logs the exception swallows it too, but is not reported:
the rule cannot tell logging before a later assertion from logging instead of one. An
assertion counts for the `try` when it is written in its body (an `assert`, an `assert*` or
`fail` call), not when it lies in a helper the body calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

import libcst as cst

from testaudit.model import Severity
from testaudit.names import dotted
from testaudit.rules._scopes import Scope, ScopedRule


@dataclass(frozen=True)
class Options:
    allowed_exceptions: Tuple[str, ...] = ("CancelledError", "StopIteration", "StopAsyncIteration")
    narrow_handlers: bool = False


def _discards(handler: cst.ExceptHandler) -> Optional[str]:
    """'pass', '...' or 'continue' when that is all the handler's body does, else None."""
    body = handler.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else (body,)
    words: List[str] = []
    for stmt in statements:
        smalls = stmt.body if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
        if smalls is None:
            return None
        for small in smalls:
            if isinstance(small, cst.Pass):
                words.append("pass")
            elif isinstance(small, cst.Continue):
                words.append("continue")
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis):
                words.append("...")
            else:
                return None
    return words[0] if words else None


_FAILS = frozenset({"pytest.fail", "self.fail", "cls.fail"})
_BROAD = frozenset({"Exception", "BaseException"})
_CLEANUP = re.compile(r"(?i)^_?(a?close|cleanup|clean_up|disconnect|shutdown|stop|cancel|terminate|kill|unlink|"
                      r"remove|rmtree|rmdir|delete|drop|teardown|tear_down|quit|release|dispose|destroy)")
_POLL_ERRORS = re.compile(r"(TimeoutError|Timeout|Empty)$")
_WAITS = re.compile(r"(?i)^(wait|wait_for\w*|wait_until\w*|join)$")  # `waiter.wait(…)`, `thread.join()`
_RETRIES = re.compile(r"(?i)^_?(retry\w*|retrying|poll\w*|wait\w*|eventually|until\w*)$")


def _statements(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    return block.body if isinstance(block, cst.IndentedBlock) else (block,)  # type: ignore[return-value]


def _is_failure(stmt: cst.CSTNode, resolve: Callable[[str], str]) -> bool:
    """`pytest.fail(…)`, `self.fail(…)`, `assert False`, `raise AssertionError(…)`."""
    smalls = stmt.body if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
    for small in smalls:
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            name = dotted(small.value.func)
            if name and resolve(name) in _FAILS:
                return True
        if isinstance(small, cst.Assert) and isinstance(small.test, cst.Name) and small.test.value == "False":
            return True
        if isinstance(small, cst.Raise) and small.exc is not None:
            exc = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
            if dotted(exc) == "AssertionError":
                return True
    return False


def _expects_failure(node: cst.Try, resolve: Callable[[str], str]) -> bool:
    """`try: call(); pytest.fail("no error") / except E: pass` — `pytest.raises` spelt out (the
    failure may also sit in the `else:` clause)."""
    body = _statements(node.body)
    if body and _is_failure(body[-1], resolve):
        return True
    return node.orelse is not None and any(_is_failure(s, resolve) for s in _statements(node.orelse.body))


def _cleanup_only(block: cst.BaseSuite, names: "re.Pattern[str]" = _CLEANUP) -> bool:
    """Every statement of the `try` is a cleanup call (`conn.close()`, `await client.disconnect()`),
    or a call of what ``names`` matches."""
    for stmt in _statements(block):
        if isinstance(stmt, cst.If) and stmt.orelse is None:  # `if hasattr(x, "close"): x.close()`
            if not _cleanup_only(stmt.body, names):
                return False
            continue
        smalls = stmt.body if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else None
        if not smalls:
            return False
        for small in smalls:
            value = small.value if isinstance(small, cst.Expr) else None
            if isinstance(value, cst.Await):
                value = value.expression
            if not isinstance(value, cst.Call):
                return False
            func = value.func  # `conn.close()`, `await ws["socket"].close()`, `cleanup(x)`
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if not names.match(last):
                return False
    return True


def _records(block: cst.BaseSuite) -> bool:
    """`try: client.get_function(name); exists = True`: the body ends by recording in a flag that
    it succeeded, so a failure is recorded by the flag's absence — a probe, not a hidden failure."""
    statements = _statements(block)
    last = statements[-1] if statements else None
    if not isinstance(last, cst.SimpleStatementLine) or len(last.body) != 1 or not isinstance(last.body[0], cst.Assign):
        return False
    assign = last.body[0]
    return (isinstance(assign.value, cst.Name) and assign.value.value in ("True", "False")
            and all(isinstance(t.target, cst.Name) for t in assign.targets))


def _retried(scope: cst.FunctionDef, name: str) -> bool:
    """Whether the test hands its nested function ``name`` to a retrying call
    (`retry(_wait_for_deleted, retries=10)`, `wait_until(ready)`, `poll(check)`)."""
    calls = _RetryingCalls(name)
    scope.visit(calls)
    return calls.found


class _RetryingCalls(cst.CSTVisitor):
    """Finds a retrying call given the function ``name`` (a plain visitor: `libcst.matchers`
    costs ~1 s to import, in every worker and every warm run that builds the rules)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if _RETRIES.match(last) and any(isinstance(a.value, cst.Name) and a.value.value == self.name for a in node.args):
            self.found = True


def _raises_only(block: cst.BaseSuite) -> bool:
    """``try: raise ValueError("dummy")``: the exception is made on purpose (to set up exception
    state for the code under test); there is nothing in the body whose failure could be hidden."""
    statements = _statements(block)
    return bool(statements) and all(
        isinstance(s, cst.SimpleStatementLine) and all(isinstance(x, cst.Raise) for x in s.body) for s in statements)


def _broad(node: Optional[cst.BaseExpression]) -> bool:
    """Bare `except:`, `except Exception` / `BaseException` (alone or in a tuple)."""
    if node is None:
        return True
    items = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
    return any((dotted(i) or "").rsplit(".", 1)[-1] in _BROAD for i in items)


def _counts(block: cst.BaseSuite) -> bool:
    """The `try` counts its successes (`ok += 1`): a failure is counted by its absence."""
    for stmt in _statements(block):
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            if any(isinstance(small, cst.AugAssign) for small in stmt.body):
                return True
        elif isinstance(stmt, (cst.If, cst.For, cst.While, cst.With)) and _counts(stmt.body):
            return True
    return False


def _polls(node: Optional[cst.BaseExpression]) -> bool:
    """A handler for timeouts (or `queue.Empty`) only: `continue` then polls again."""
    if node is None:
        return False
    items = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
    return all(_POLL_ERRORS.search((dotted(i) or "").rsplit(".", 1)[-1]) for i in items)


class SwallowedException(ScopedRule):
    CODE = "TA806"
    NAME = "swallowed-exception"
    SEVERITY = Severity.WARNING
    MESSAGE = "exception swallowed by `except: pass` in a test"
    FILES = "test"
    Options = Options
    INVALID = (
        "def test_sync_users(api):\n"
        "    try:\n"
        "        result = api.sync()\n"
        "        assert result.count > 0\n"
        "    except Exception:\n"
        "        pass\n",
        "def test_all_endpoints(client):\n"
        "    for path in ['/a', '/b']:\n"
        "        try:\n"
        "            assert client.get(path).ok\n"
        "        except (ConnectionError, AssertionError):\n"
        "            continue\n",
    )
    VALID = (
        "import pytest\n\n"
        "def test_sync_rejects_bad_token(api):\n"
        "    with pytest.raises(PermissionError):\n"
        "        api.sync(token='bad')\n",
        "import asyncio\n\n"
        "async def test_worker_stops(worker):\n"
        "    task = asyncio.create_task(worker.run())\n"
        "    task.cancel()\n"
        "    try:\n"
        "        await task\n"
        "    except asyncio.CancelledError:\n"
        "        pass\n"
        "    assert worker.stopped\n",
        "from localstack.utils.sync import retry\n\n"
        "def test_link_is_deleted(client, link_id):\n"
        "    client.delete_link(link_id)\n\n"
        "    def _deleted():\n"
        "        try:\n"
        "            assert client.get_link(link_id)['status'] == 'DELETED'\n"
        "        except client.exceptions.NotFoundException:\n"
        "            pass\n\n"
        "    retry(_deleted, retries=10, sleep=1)\n",
        "def test_function_is_redeployed(client, code):\n"
        "    exists = False\n"
        "    try:\n"
        "        client.get_function('orders')\n"
        "        exists = True\n"
        "    except Exception:\n"
        "        pass\n"
        "    client.deploy('orders', code, update=exists)\n"
        "    assert client.invoke('orders').ok\n",
        "try:\n"
        "    import ujson as json\n"
        "except ImportError:\n"
        "    pass\n\n"
        "def test_dumps():\n"
        "    assert json.dumps({}) == '{}'\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.active = "except" in self.ctx.source
        self.finally_depth = 0
        # open `try` statements of the current test: [node, checked, body still being visited,
        # an assertion seen in its body]
        self.tries: List[List[object]] = []
        self.predicates: List[cst.FunctionDef] = []  # nested functions the test retries, innermost last

    def enter_scope(self, scope: Scope) -> None:
        self.finally_depth = 0

    def visit_Finally(self, node: cst.Finally) -> None:
        self.finally_depth += 1

    def leave_Finally(self, node: cst.Finally) -> None:
        self.finally_depth -= 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef(node)
        # a predicate the test retries: the exceptions it swallows are its answer ("not yet")
        if (self.active and self.func_depth > 1 and self.scope is not None and self.scope.is_test
                and _retried(self.scope.node, node.name.value)):
            self.predicates.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self.predicates and self.predicates[-1] is node:
            self.predicates.pop()
        super().leave_FunctionDef(node)

    def visit_Try(self, node: cst.Try) -> None:
        if not self.active or self.scope is None or not self.scope.is_test:
            return
        checked = not (self.finally_depth or _expects_failure(node, self._resolve)
                       or _cleanup_only(node.body) or _cleanup_only(node.body, _WAITS) or _counts(node.body)
                       or _records(node.body) or _raises_only(node.body))
        self.tries.append([node, checked, True, False])

    def leave_Try(self, node: cst.Try) -> None:
        if self.tries and self.tries[-1][0] is node:
            self.tries.pop()

    # an assertion inside a `try` body: a narrow handler that swallows may skip it
    def visit_Assert(self, node: cst.Assert) -> None:
        self._asserted()

    def visit_Call(self, node: cst.Call) -> None:
        if self.tries:
            func = node.func
            last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
            if last.startswith("assert") or last == "fail":
                self._asserted()

    def _asserted(self) -> None:
        for entry in self.tries:
            if entry[2]:
                entry[3] = True

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if not self.tries:
            return
        entry = self.tries[-1]
        try_node = entry[0]
        if not isinstance(try_node, cst.Try) or not any(h is node for h in try_node.handlers):
            return
        entry[2] = False  # the body is done: what follows is handlers, else and finally
        word = _discards(node)
        if not entry[1] or word is None or self._allowed(node.type):
            return
        if self.predicates and not _broad(node.type):  # a specific "not yet" of a retried check
            return
        # a specific exception: reported when it skips an assertion of the `try` (a timeout
        # skipping the check of a message that may not come is waiting, not hiding), or always
        # with `narrow-handlers` (then `except TimeoutError: continue` still polls)
        if not _broad(node.type) and not (entry[3] and not _polls(node.type)) and not (
                self.options.narrow_handlers and not (word == "continue" and _polls(node.type))):
            return
        caught = "everything" if node.type is None else f"`{cst.Module([]).code_for_node(node.type)}`"
        self.report(node, f"`except …: {word}` in a test swallows {caught}: failures inside the `try` "
                          f"cannot fail the test", stmt_line=self.ctx.line_of(node))

    def _resolve(self, name: str) -> str:
        return self.ctx.imports.resolve(name) or name

    def _allowed(self, node: Optional[cst.BaseExpression]) -> bool:
        if node is None or not self.options.allowed_exceptions:
            return False
        allowed = {a.rsplit(".", 1)[-1] for a in self.options.allowed_exceptions}
        items = [e.value for e in node.elements] if isinstance(node, cst.Tuple) else [node]
        return all((dotted(i) or "").rsplit(".", 1)[-1] in allowed for i in items)
