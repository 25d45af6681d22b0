"""
## What it does
Reports ports written into tests as literals, in test modules and `conftest.py` files:

- a string literal (or the constant text of an f-string) holding a URL to a local host with a
  literal port: `"http://localhost:8000/api"`, `"redis://127.0.0.1:6379/0"`,
  `f"ws://localhost:8000/ws/{user}"`, or consisting of a bare local `host:port` (`"0.0.0.0:8080"`,
  `"localhost:6379/0"`); the hosts are option `hosts`;
- a keyword argument named `port` (or matching option `keywords`, default also `*_port`)
  whose value is an integer literal or a string of digits: `connect(port=5432)`,
  `Settings(redis_port="6379")`.

Not reported: arguments of a URL parser (option `parsers`, also their `port=`), URLs in a
function that builds an in-memory transport (option `mock-transports`: `httpx.MockTransport`,
`ASGITransport`, `WSGITransport` — requests through it open no socket), literals a test compares against (`assert url == "http://localhost:8000/cb"`,
`self.assertIn("redis://localhost:6379", dsn)`, `url.startswith("http://localhost:5434")`:
expected values, not addresses the test uses),
URLs given to a keyword or variable named as data (option `data-names`: `origin = "https://localhost:4200"`,
`Request(raw_path="http://localhost:4566/")`, `SERVER_NAME="localhost:80"`),
`port=` keywords of an object built as such an expected value (`assert config ==
CoreHTTPConfig(port=80)`; a function called there, `connect(port=5432) == conn`, still connects) or of an exception (`PortConflict(app, port=2222)` as a mock's
`side_effect`), elements of list, tuple, set and dict literals (tables of inputs for a parser, a sanitizer or a
configuration check), text that does not start with the address (`"Local: http://localhost:3000"`, a log message) or
spans several lines (a script, a template), ports listed in `allow-ports`, port `0` (the operating system picks a free port),
a port that is not a literal (`port=free_port`, `f"http://localhost:{port}"`), local addresses
without a port (`"http://localhost/health"`, a bare `"localhost"`), a schemeless `host:port`
inside prose (`"backend no longer on localhost:8081"`, a log message), remote hosts
(`"https://api.example.com:8443"`), docstrings and comments, and other helper modules (only
test modules and `conftest.py` files are checked).

## Why is this bad?
A port written into a test ties it to one machine's layout: the suite passes on the laptop
where the service happens to listen on 8000 and fails (or, worse, talks to the wrong service)
in CI, in Docker, or when two suites run in parallel. The reference codebase has about a
thousand test modules with hard-coded ports, so changing a service's port means editing
hundreds of tests. Take the address from the environment or configuration through a fixture,
or bind port 0 and read the port the server got.

Severity is **warning**: the port may be right today, and some tests (of a URL parser, of the
configuration defaults) legitimately hold one; the rule points at a portability risk, not at a
test that cannot work.

## Options
- `allow-ports`: port numbers never reported (default: none), e.g. `[8000]` for a port the team's
  test harness always provides.
- `hosts`: the local host names and addresses whose URLs are checked (default `localhost`,
  `127.0.0.1`, `0.0.0.0`, `[::1]`).
- `keywords`: a regex the whole keyword name must match for `name=<literal>` to count as a port
  (default `(\\w+_)?port`).
- `parsers`: names of functions and classes whose arguments are URLs to parse, not addresses the
  test connects to (`URL("ws://localhost:8000/ws?token=t")` handed to the code under test as a
  request's URL); matched by the called name's last part. Default: `URL`, `urlparse`,
  `urlsplit`, `urljoin`, `make_url`, `parse_url`, `furl`.
- `skip-categories`: test categories whose findings are not reported (default `unit`: a unit
  test opens no socket, so an address in it is data — a configuration value parsed, a URL a
  constructor takes apart, an argument a mocked client is checked against; on celery @ 5dc781f0b
  all 13 findings in `t/unit` were such). `[]` reports every category.
- `data-names`: a regex the whole name of a keyword or an assigned variable must match for the
  URL given to it to be data (case-insensitive; default `(\\w+_)?(origins?|referr?er|raw_path|server_name|redirect_uri)`):
  a browser page's `Origin` in a CORS test, the raw request line of an in-memory request,
  Flask's `SERVER_NAME` for URL building, an OAuth `redirect_uri` registered with a provider —
  nothing connects to them.
- `mock-transports`: names of in-memory transports (matched by the called name's last part); a
  function that calls one — or holds a nested function that does — sends its URLs to no port,
  and its URL literals are not reported (its `port=` keywords still are). Default:
  `MockTransport`, `ASGITransport`, `WSGITransport`, and `test_client` (Flask's and Werkzeug's
  in-process client, `app.test_client()`: `client.get("/", "http://127.0.0.1:3000/")` names a
  base URL and opens no socket). Not Starlette's `TestClient`: projects name their real HTTP
  clients that too.

## Known limitations
Only literals are seen: a port assigned to a module constant (`PORT = 8000`) and used later is
reported where a literal reaches a `port=` keyword or a URL, not at the constant. A URL split
across an implicit string concatenation or an f-string placeholder (`f"http://{host}:8000"`,
where the host is not a literal) is not recognised. Bytes literals are not checked. An address
parsed first and connected to later (`base = URL("http://localhost:8000")`, then
`client.get(base / "health")`) is taken for a parser's input and not reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

import libcst as cst

from testaudit.model import Finding, Severity
from testaudit.names import string_value
from testaudit.rule import Rule, compiled


@dataclass(frozen=True)
class Options:
    allow_ports: Tuple[int, ...] = ()
    hosts: Tuple[str, ...] = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")
    keywords: str = field(default=r"(\w+_)?port", metadata={"regex": True})
    parsers: Tuple[str, ...] = ("URL", "urlparse", "urlsplit", "urljoin", "make_url", "parse_url", "furl")
    mock_transports: Tuple[str, ...] = ("MockTransport", "ASGITransport", "WSGITransport", "test_client")
    skip_categories: Tuple[str, ...] = ("unit",)
    data_names: str = field(default=r"(\w+_)?(origins?|referr?er|raw_path|server_name|redirect_uri)",
                            metadata={"regex": True})


def _address_pattern(hosts: Tuple[str, ...]) -> "re.Pattern[str]":
    """``[scheme://][user@]host:port`` for one of ``hosts``, not inside a longer host name."""
    alternatives = "|".join(re.escape(h) for h in sorted(hosts, key=len, reverse=True))
    return compiled(rf"(?<![\w.-])(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^\s/@'\"]*@)?(?:{alternatives}):(\d{{1,5}})(?![\d.])",
                    re.IGNORECASE)


class HardcodedPort(Rule):
    CODE = "TA805"
    NAME = "hardcoded-port"
    MESSAGE = "hard-coded port in a test; take the address from configuration or a fixture"
    SEVERITY = Severity.WARNING
    FILES = "all"
    KEEP_OPTIONS = ("skip_categories",)
    Options = Options
    INVALID = (
        "import httpx\n\n\ndef test_health():\n"
        "    assert httpx.get('http://localhost:8000/health').status_code == 200\n",
        "from app.db import connect\n\n\ndef test_connect():\n    assert connect(host='db', port=5432)\n",
    )
    VALID = (
        "import httpx\n\n\ndef test_health(backend_url):\n"
        "    assert httpx.get(f'{backend_url}/health').status_code == 200\n",
        "from app.db import connect\n\n\ndef test_connect(db_port):\n"
        "    assert connect(host='localhost', port=db_port)\n    assert connect(host='localhost', port=0)\n",
    )

    def __init__(self, ctx, options, severity=None) -> None:
        super().__init__(ctx, options, severity)
        self.active = ctx.is_test_module or ctx.is_conftest
        self.address = _address_pattern(options.hosts)
        self.keyword = compiled(options.keywords)
        self.data_name = compiled(options.data_names, re.IGNORECASE)
        self.docstring_depth = 0
        self.expected: set = set()  # ids of literals a test compares against: expected values
        self.parser_args: set = set()  # ids of the arguments of URL parsers (`URL(port=443)`)
        # per open function: where its findings start, and whether it builds an in-memory transport
        self.functions: List[List[Any]] = []
        self.expected_depth = 0
        # open calls that make data, not a connection: an expected value (`== Config(port=80)`)
        # or an exception (`PortConflict(port=2222)`); their `port=` keywords are not reported
        self.data_calls: List[cst.Call] = []

    # -- docstrings (a string statement) are prose, not addresses --------------------------
    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            self.docstring_depth += 1

    def leave_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            self.docstring_depth -= 1

    # -- expected values: `assert url == "http://localhost:8000/cb"` checks a URL, it uses none --
    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.expected.update(id(n) for n in (node.left, *(t.comparator for t in node.comparisons)))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if (id(node) in self.expected and name[:1].isupper()) or _EXCEPTION.search(name):
            self.data_calls.append(node)  # a value built to compare with (`== Config(port=80)`), an error
        # self.assertEqual(url, "http://…"), assertIn("redis://…", dsn), url.startswith("http://…")
        if name.startswith("assert") or name in _COMPARING_METHODS:
            self.expected.update(id(arg.value) for arg in node.args)
        elif name in self.options.parsers:  # `URL("ws://localhost:8000/ws")`: a value to parse, not a target
            self.expected.update(id(arg.value) for arg in node.args)
            self.parser_args.update(id(arg) for arg in node.args)
        elif name in self.options.mock_transports and self.functions:
            self.functions[-1][1] = True  # `Client(transport=MockTransport(app))`: no socket is opened

    def leave_Call(self, node: cst.Call) -> None:
        if self.data_calls and self.data_calls[-1] is node:
            self.data_calls.pop()

    # -- a function that builds an in-memory transport sends its URLs to no port -------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append([len(self.findings), False])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        start, mocked = self.functions.pop()
        if mocked:
            self.findings[start:] = [f for f in self.findings[start:] if "url" not in f.tags]
            if self.functions:  # a nested helper that builds the client: the test's URLs go there too
                self.functions[-1][1] = True

    # -- tables of values (lists, tuples, sets, dicts) are test data, not an address in use --
    def _enter_table(self, node: cst.CSTNode) -> None:
        self.expected_depth += 1

    def _leave_table(self, node: cst.CSTNode) -> None:
        self.expected_depth -= 1

    visit_List = visit_Tuple = visit_Set = visit_Dict = _enter_table
    leave_List = leave_Tuple = leave_Set = leave_Dict = _leave_table  # type: ignore[assignment]

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.expected_depth += id(node) in self.expected

    def leave_FormattedString(self, node: cst.FormattedString) -> None:
        self.expected_depth -= id(node) in self.expected

    # -- addresses in strings --------------------------------------------------------------
    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if ":" not in node.value and "\\" not in node.value:
            return  # no escape: the value is in the literal's text, and an address has a colon
        if self.active and not self.docstring_depth and not self.expected_depth and id(node) not in self.expected:
            self._check_text(node, string_value(node))

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if self.active and not self.docstring_depth and not self.expected_depth:
            self._check_text(node, node.value, whole=False)

    def _check_text(self, node: cst.CSTNode, text: Optional[str], whole: bool = True) -> None:
        if not text or ":" not in text or "\n" in text.strip():
            return  # a text of several lines (a script, a template, a report) is not an address
        for match in self.address.finditer(text):
            port = int(match.group(1))
            if self._allowed(port):
                continue
            if whole and text[:match.start()].strip():
                continue  # inside prose ("listening on http://localhost:3000", "no more localhost:8081!")
            if "://" not in match.group(0) and not (whole and _alone(text, match)):
                continue  # a schemeless `localhost:8000` that is not the whole string
            self.report(node, f"hard-coded port {port} in `{match.group(0)}`; take the address from "
                              "configuration or a fixture", tags=("url",))
            return

    # -- values named as data: `origin = "https://localhost:4200"`, `raw_path="http://…"` ------
    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(t.target, cst.Name) and self.data_name.fullmatch(t.target.value) for t in node.targets):
            self.expected.add(id(node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, cst.Name) and self.data_name.fullmatch(node.target.value):
            self.expected.add(id(node.value))

    # -- port=<literal> ----------------------------------------------------------------------
    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and self.data_name.fullmatch(node.keyword.value):
            self.expected.add(id(node.value))
        if (not self.active or node.keyword is None or not self.keyword.fullmatch(node.keyword.value)
                or id(node) in self.parser_args or self.data_calls):
            return
        port = _literal_port(node.value)
        if port is not None and not self._allowed(port):
            self.report(node, f"hard-coded port `{node.keyword.value}={port}`; take the port from configuration "
                              "or a fixture, or bind port 0")

    @classmethod
    def keep(cls, finding: Finding, category: str, options: Any) -> bool:
        return category not in options.skip_categories

    def _allowed(self, port: int) -> bool:
        return port == 0 or port > 65535 or port in self.options.allow_ports


_COMPARING_METHODS = frozenset({"startswith", "endswith"})  # their argument is compared against, not used
_EXCEPTION = re.compile(r"(Error|Exception|Conflict|Warning)$")  # a class named like an exception


def _alone(text: str, match: "re.Match[str]") -> bool:
    """Whether a schemeless ``host:port`` is the whole string (an optional path may follow)."""
    rest = text[match.end():]
    return not text[:match.start()].strip() and (not rest.strip() or rest.startswith("/"))


def _literal_port(value: cst.BaseExpression) -> Optional[int]:
    if isinstance(value, cst.Integer):
        try:
            number = value.evaluated_value
        except ValueError:
            return None
        return number if isinstance(number, int) else None
    text = string_value(value)
    if text is not None and text.isascii() and text.isdigit():
        return int(text)
    return None
