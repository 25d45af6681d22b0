"""
## What it does
Reports fixed delays in tests and fixtures: a call of `time.sleep`, `asyncio.sleep`,
`anyio.sleep`, `trio.sleep` or `gevent.sleep` — however imported (`from time import sleep`,
`import asyncio as aio`) — whose delay is a number constant (a literal, or arithmetic on
literals such as `2 * 60`) above `max-seconds`, in the body of a test, a fixture or an
xunit-style `setup`/`teardown` method.

Not reported: `sleep(0)` (a plain yield to the event loop), a sleep that outlasts by a little
(up to twice plus 2 s) a short lifetime (at most 10 s) its test or fixture set before it — a keyword, dictionary key or
variable named for one, `VisibilityTimeout=1`, `{"TTL": "2"}`, `token_expiry_seconds = 1`,
`max_time_elapsed = 1.0` (not a `timeout`, which is how long to wait) — since the elapsed time is
then what the test checks, a delay held in a variable or
computed from one (a backoff), a sleep in a polling loop — the wait this rule asks for: a
`while` whose condition reads a clock or a deadline (`while time.monotonic() < deadline:`,
`while not done and time.time() - start < timeout:`), or any loop that leaves on a condition
(`if job.done: break` / `return`, or a raise that gives up waiting: `if waited >= 2.0: raise
TimeoutError(…)`, `raise Exception("timed out")`) — and sleeps in other functions: a helper is not a test, and
whether its sleep is a synchronisation depends on its callers; a function or lambda nested in a
test is most often a simulated slow operation handed to the code under test
(`async def slow(): await asyncio.sleep(0.1)`, `initializer=lambda: time.sleep(0.1)`), not the
test waiting.

## Why is this bad?
A sleep is a guess at how long something takes. Too short and the test fails on a loaded CI
machine; long enough for the worst case and the whole suite pays it on every run. Either way
it does not say what the test is waiting for. Wait for the condition itself — poll with a
deadline, an event, a readiness probe, the fixture of the service — and the test is both
faster and deterministic.

Severity warning: a sleep slows and destabilises a suite but does not make a test lie.

## Options
- `max-seconds`: the longest constant delay allowed (default `0`: every positive constant
  delay is reported; `0.1` allows short pauses).

## Known limitations
A loop that sleeps a fixed number of times and then checks once (`for _ in range(3):
sleep(1)` followed by an assertion) is reported: it waits the whole time whatever happens.
A poll is recognised by its shape, not its meaning: a loop that leaves on any condition counts,
so a fixed hold inside one (`elif pattern == "slow": await asyncio.sleep(5)` in a loop another
branch of which breaks) is not reported either.
Sleeps in helpers called by tests, and in functions nested in tests (a polling
closure the test awaits, too), are not reported. A sleep function reached through
a variable (`pause = time.sleep`) is not followed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

import libcst as cst

from testaudit.model import Severity
from testaudit.names import dotted
from testaudit.pytest_model import resolve_with_stars
from testaudit.rules._scopes import ScopedRule

SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep", "gevent.sleep"})
_CHECKED = frozenset({"test", "fixture", "setup"})


@dataclass(frozen=True)
class Options:
    max_seconds: float = 0.0


def constant_seconds(node: cst.BaseExpression) -> Optional[float]:
    """The value of a number literal or arithmetic on literals; None otherwise."""
    if isinstance(node, cst.Integer):
        try:
            return float(int(node.value.replace("_", ""), 0))
        except ValueError:
            return None
    if isinstance(node, cst.Float):
        try:
            return float(node.value.replace("_", ""))
        except ValueError:
            return None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        inner = constant_seconds(node.expression)
        return None if inner is None else (-inner if isinstance(node.operator, cst.Minus) else inner)
    if isinstance(node, cst.BinaryOperation):
        left, right = constant_seconds(node.left), constant_seconds(node.right)
        if left is None or right is None:
            return None
        op = node.operator
        if isinstance(op, cst.Add):
            return left + right
        if isinstance(op, cst.Subtract):
            return left - right
        if isinstance(op, cst.Multiply):
            return left * right
        if isinstance(op, cst.Divide) and right:
            return left / right
    return None


def _delay(node: cst.Call) -> Optional[cst.BaseExpression]:
    for arg in node.args:
        if arg.keyword is not None and arg.keyword.value in ("delay", "seconds", "secs"):
            return arg.value
    positional = [a for a in node.args if a.keyword is None and not a.star]
    return positional[0].value if positional else None


# what a loop raises when it gives up waiting: `TimeoutError`, "timed out", "deadline"
_TIMEOUT = re.compile(r"time[ds]?[ _-]?out|deadline", re.IGNORECASE)
# a loop condition that reads a clock or a deadline: the loop is bounded in time, so it polls
_CLOCK = re.compile(r"\b(time|monotonic|perf_counter|deadline|timeout|until|expir\w*|elapsed|end_time|"
                    r"time_left|remaining)\b", re.I)


SHORT_LIFETIME = 10.0  # seconds: a test sets a lifetime this short to wait it out (a 60 s queue setting is not that)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_LIFETIME_WORDS = frozenset({"ttl", "expiry", "expires", "expire", "expiration", "lifetime", "retention", "lease",
                             "cooldown"})
_LIFETIME_PAIRS = frozenset({("visibility", "timeout"), ("time", "elapsed"), ("max", "age"), ("to", "live")})


def is_lifetime(name: str) -> bool:
    """A name for how long something lasts before it expires: `VisibilityTimeout`, `ttl`,
    `token_expiry_seconds`, `max_time_elapsed`, `max_age` (not `timeout`: how long to wait)."""
    words = [w.lower() for w in _WORD.findall(name)]
    return any(w in _LIFETIME_WORDS for w in words) or any(p in _LIFETIME_PAIRS for p in zip(words, words[1:]))


def _duration(node: cst.BaseExpression) -> Optional[float]:
    """A number constant, or a string holding one (`{"VisibilityTimeout": "1"}`)."""
    if isinstance(node, cst.SimpleString):
        try:
            return float(node.evaluated_value)
        except (TypeError, ValueError):
            return None
    return constant_seconds(node)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


class SleepInTest(ScopedRule):
    CODE = "TA803"
    NAME = "sleep-in-test"
    SEVERITY = Severity.WARNING
    MESSAGE = "fixed sleep in a test or fixture"
    FILES = "all"
    Options = Options
    INVALID = (
        "import time\n\n"
        "def test_job_finishes(queue):\n"
        "    job = queue.submit('report')\n"
        "    time.sleep(5)\n"
        "    assert job.done\n",
        "import asyncio\nimport pytest\n\n"
        "@pytest.fixture\n"
        "async def server():\n"
        "    srv = await start_server()\n"
        "    await asyncio.sleep(0.5)  # let it bind\n"
        "    yield srv\n",
    )
    VALID = (
        "def test_job_finishes(queue):\n"
        "    job = queue.submit('report')\n"
        "    assert job.wait(timeout=5)\n",
        "import asyncio\n\n"
        "async def test_yields_to_loop(worker):\n"
        "    worker.start()\n"
        "    await asyncio.sleep(0)\n"
        "    assert worker.started\n",
        "import time\n\n"
        "def test_message_visible_again(sqs):\n"
        "    queue = sqs.create_queue(Attributes={'VisibilityTimeout': '1'})\n"
        "    sqs.receive_message(queue)\n"
        "    time.sleep(2)  # the expiry is what the test checks\n"
        "    assert sqs.receive_message(queue)\n",
        "import time\n\n"
        "def retry(fn, attempts=3):\n"
        "    for _ in range(attempts):\n"
        "        if fn():\n"
        "            return True\n"
        "        time.sleep(1)\n"
        "    return False\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.active = "sleep" in self.ctx.source
        self.calls: List[Tuple[cst.Call, str, float, int, cst.FunctionDef]] = []  # … and the scope
        self.lambdas = 0  # lambdas open around the node: code handed to something, not the test waiting
        # per open loop: [polls, `if`/`try` blocks open at its start, function depth, first sleep
        # recorded in it]; a loop that polls drops the sleeps inside it when it closes
        self.loops: List[List[Any]] = []
        self.conditional = 0  # `if` and `try` blocks open around the node
        # lifetimes the scope sets before a sleep (`VisibilityTimeout=1`, `ttl = 2`): waiting one
        # out is the test's input, not a guess at how long something takes
        self.lifetimes: List[Tuple[cst.FunctionDef, int, float]] = []

    def _lifetime(self, name: str, value: cst.BaseExpression) -> None:
        if self.active and self.scope is not None and is_lifetime(name):
            seconds = _duration(value)
            if seconds is not None and seconds > 0:
                self.lifetimes.append((self.scope.node, self.ctx.stmt_line(), seconds))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._lifetime(node.keyword.value, node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if isinstance(node.key, cst.SimpleString) and isinstance(node.key.evaluated_value, str):
            self._lifetime(node.key.evaluated_value, node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._lifetime(target.target.value, node.value)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.lambdas += 1

    # -- polling loops: a `while` reading a clock, or a loop left on a condition ---------------
    def visit_While(self, node: cst.While) -> None:
        if self.active:
            test = self.ctx.location(node.test)  # the condition's text, read from the source
            text = " ".join(self.ctx.lines[test.line - 1:test.end_line])
            self.loops.append([bool(_CLOCK.search(text)), self.conditional, self.func_depth, len(self.calls)])

    def visit_For(self, node: cst.For) -> None:
        if self.active:
            self.loops.append([False, self.conditional, self.func_depth, len(self.calls)])

    def _leave_loop(self, node: cst.CSTNode) -> None:
        if self.active:
            polls, _, _, first = self.loops.pop()
            if polls:
                del self.calls[first:]

    leave_While = leave_For = _leave_loop  # type: ignore[assignment]

    def _enter_block(self, node: cst.CSTNode) -> None:
        self.conditional += 1

    def _leave_block(self, node: cst.CSTNode) -> None:
        self.conditional -= 1

    visit_If = visit_Try = _enter_block
    leave_If = leave_Try = _leave_block  # type: ignore[assignment]

    def visit_Break(self, node: cst.Break) -> None:
        if self.loops and self.conditional > self.loops[-1][1]:
            self.loops[-1][0] = True  # `if job.done: break`: the innermost loop waits for a condition

    def visit_Raise(self, node: cst.Raise) -> None:
        # `if waited >= 2.0: raise TimeoutError(…)`: a poll with a deadline (not any raise: a loop
        # that raises AssertionError on a bad response between fixed sleeps is not polling)
        if self.active and self.loops and self.conditional > self.loops[-1][1]:
            where = self.ctx.location(node)
            if _TIMEOUT.search(" ".join(self.ctx.lines[where.line - 1:where.end_line])):
                self.loops[-1][0] = True

    def visit_Return(self, node: cst.Return) -> None:
        for loop in self.loops:  # `if done: return` leaves every loop of its own function
            if loop[2] == self.func_depth and self.conditional > loop[1]:
                loop[0] = True

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.lambdas -= 1

    def visit_Call(self, node: cst.Call) -> None:
        # a function nested in a test is most often a simulated slow operation handed to the code
        # under test, not the test waiting: only the scope's own body counts
        if (not self.active or self.scope is None or self.scope.kind not in _CHECKED or self.func_depth > 1
                or self.lambdas):
            return
        func = node.func
        last = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if last != "sleep" and not (isinstance(func, cst.Name)  # `from time import sleep as nap`
                                    and self.ctx.imports.names.get(last, "").endswith(".sleep")):
            return
        name = dotted(func)
        delay = _delay(node)
        seconds = constant_seconds(delay) if delay is not None else None
        if name and seconds is not None and seconds > self.options.max_seconds:
            self.calls.append((node, name, seconds, self.ctx.stmt_line(), self.scope.node))

    def _outlasts_lifetime(self, scope: cst.FunctionDef, stmt: int, seconds: float) -> bool:
        """The sleep outlasts, by a little, a lifetime its scope set before it (`VisibilityTimeout=1`
        … `time.sleep(2)`): the elapsed time is what the test checks."""
        return any(node is scope and line <= stmt and lifetime <= seconds <= 2 * lifetime + 2
                   for node, line, lifetime in self.lifetimes if lifetime <= SHORT_LIFETIME)

    def finish(self) -> None:
        for node, name, seconds, stmt, scope in self.calls:
            what = resolve_with_stars(self.ctx.imports, name)
            if what in SLEEPS and not self._outlasts_lifetime(scope, stmt, seconds):
                self.report(node, f"`{name}({_number(seconds)})` in a test: wait for the condition, "
                                  f"not a fixed delay", stmt_line=stmt)
