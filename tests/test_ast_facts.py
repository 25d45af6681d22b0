"""Facts-only reads use CPython's ``ast`` and give exactly the facts libcst gives.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams running testaudit from a pre-commit hook)
- Business Goal: Velocity
- Value Impact: a first pre-commit run reads a thousand reached modules ~10x cheaper
- Strategic Impact: the fast path is only worth having if cross-file findings stay the same
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import FIXTURES, REPO, run_project, write_project
from testaudit import analyze
from testaudit.analyze import analyze_file, init_worker
from testaudit.config import load_config
from testaudit.discover import SourceFile
from testaudit.model import CHECK, FACTS, FileFacts
from testaudit.registry import build_ruleset


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> List[bool]:
    """Records, per facts-only read, whether the ast front end answered (True) or fell back."""
    calls: List[bool] = []
    real = analyze.ast_facts

    def spy(data, ctx):  # type: ignore[no-untyped-def]
        out = real(data, ctx)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(analyze, "ast_facts", spy)
    return calls


def both(root: Path, rel: str) -> Dict[str, FileFacts]:
    config = load_config(root)
    init_worker(config, build_ruleset(config))
    src = SourceFile(str(root / rel), rel)
    return {"libcst": analyze_file(src, CHECK).facts, "ast": analyze_file(src, FACTS).facts}


def test_identical_on_every_python_file_of_this_repository(served: List[bool]) -> None:
    files = sorted(p for base in (FIXTURES, REPO / "testaudit", REPO / "tests", REPO / "benchmarks")
                   for p in base.rglob("*.py") if ".testaudit_cache" not in p.parts)
    assert len(files) > 100
    for path in files:
        got = both(path.parent, path.name)
        assert got["ast"] == got["libcst"], path
    assert served.count(True) == len(files)  # every one of them read by ast, none fell back


TRICKY = '''\
# -*- coding: utf-8 -*-
"""Ünïcode docstring before everything: columns are code points, ast offsets are bytes."""
import os, sys as system, a.b.c
from ... import deep
from .sibling import (first as one,
                      second)
from package.mod import *
import pytest
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("db", "cache"), *extra]
from unittest import mock as mocking
try:
    import fast_json as json
except ImportError:
    json = None
if TYPE_CHECKING:
    from typing import Protocol
    def only_for_types(x): ...
value: int = 3
a = b = c = 1
(d, e) = 2, 3

@pytest.fixture(name="client", autouse=True)
def _client(tmp_path, request, mocker, *args, flag=False, **kw):
    def inner():
        return build({key(): value() for key, value in pairs()}, other=other_call())
    return helper(a) if check() else fallback(b), {"k": make_key(), make_value(): 1}

@mocking.patch("x.y")
@bare_decorator
@pytest.mark.parametrize(argnames=("a", "b"), argvalues=[(1, 2)])
async def test_ordering(a, b, *, c, d=4):
    import helpers.local as local
    f(x=g(), *h(), **k())
    (lambda: lam())()
    [comp(i) for i in gen()]
    local.run(mocking.MagicMock(), mocking.patch.object(a, "b"))
    class Inner(Base):
        @staticmethod
        def meth(): inner_call()
    await something().then().done()

class   Spaced  (Base, *more, metaclass=Meta):
    pytestmark = pytest.mark.e2e
    def test_method(self, fixture):
        self.assertTrue(call())
    class Nested:
        @pytest.mark.usefixtures("x")
        def test_deep(self): pass
    if True:
        def conditional(self): pass

\tdef not_a_method_but_tab_indented_in_class(): pass
def __getattr__(name): return name
def naïve_ünicode_name(): return 1
x = {"é": call_at_module_level()}
for loop_name, (nested, *rest) in pairs:
    pass
with open("f") as handle, other() as (h1, h2):
    counter += 1
try: import ünï_module as ü; from pkg import (Ünï,
    Name2)
except (ValueError, mod.ModuleNotFoundError) as caught:
    pass
try:
    import not_guarded
except ValueError:
    pass
if typing.TYPE_CHECKING: from x import y
def set_globals():
    global late_one, late_two
    try:
        from optional import thing
    except:
        thing = None
    if TYPE_CHECKING:
        import inner_types
    with pytest.raises(expected_exception=ImportError), open("x"):
        from removed import gone
    with self.assertRaises((ValueError, mod.ModuleNotFoundError)):
        import removed_too
async def expects():
    async with pytest.raises(ValueError):
        import not_guarded_either
globals()["dynamic"] = 1
def switched(a, mock_mode=False, real=True, *, offline=None, level=0):
    if mock_mode: one_line(mocking.MagicMock())
    if real:
        not_a_switch()
    if offline:
        if other:
            nested_under_offline()
    else:
        in_the_else()
    if level:
        zero_is_not_a_switch()
def patches():
    a.mock.patch("app.client.get")
    a.mock.patch.object(system, "argv")
    a.mock.patch.object(system, f"x{1}")
    a.patch_everything("not named like a patch")
    a.mock.patch("a" "b", new=1)
    a.mock.patch.dict(*everything)
'''


def test_identical_on_a_module_full_of_ordering_and_position_traps(tmp_path: Path, served: List[bool]) -> None:
    root = write_project(tmp_path, {"tests/integration/test_tricky.py": TRICKY.replace("\n\tdef not_a", "\n# def not_a")})
    got = both(root, "tests/integration/test_tricky.py")
    assert served == [True]
    assert got["ast"] == got["libcst"]
    facts = got["ast"]
    test = next(f for f in facts.functions if f.name == "test_ordering")
    assert [c.target.rsplit(".", 1)[-1] for c in test.calls][:4] == ["bare_decorator", "f", "g", "h"]
    assert [m.what for m in test.mock_sites] == ["patch", "MagicMock", "patch.object"]
    naive = next(f for f in facts.functions if f.name.startswith("na"))
    assert (naive.column, naive.end_column) == (5, 5 + len("naïve_ünicode_name"))
    assert {"loop_name", "nested", "rest", "handle", "h1", "h2", "counter", "caught", "late_one", "late_two",
            "d", "e"} <= set(facts.defined_names)
    assert facts.dynamic_names and facts.has_getattr
    switched = next(f for f in facts.functions if f.name == "switched")
    assert [(c.target.rsplit(".", 1)[-1], c.guard) for c in switched.calls] == [
        ("one_line", "mock_mode"), ("not_a_switch", None), ("nested_under_offline", "offline"), ("in_the_else", None),
        ("zero_is_not_a_switch", None)]
    assert [(m.what, m.guard) for m in switched.mock_sites] == [("MagicMock", "mock_mode")]
    patches = next(f for f in facts.functions if f.name == "patches")
    assert [(c.target, c.patches) for c in patches.calls] == [
        ("a.mock.patch", "app.client.get"), ("a.mock.patch.object", "sys.argv"), ("a.mock.patch.object", "sys"),
        ("a.patch_everything", None), ("a.mock.patch", "ab"),
        ("a.mock.patch.dict", "everything")]  # arguments as written, as TA101 has always read them
    guarded = {i.local for i in facts.imports if any(a <= i.line <= b for a, b in facts.import_guards)}
    assert {"json", "Protocol", "ü", "Ünï", "Name2", "y", "thing", "inner_types"} <= guarded
    assert {"gone", "removed_too"} <= guarded
    assert "not_guarded" not in guarded and "not_guarded_either" not in guarded
    name2 = next(i for i in facts.imports if i.local == "Name2")
    assert (name2.name_line, name2.column, name2.end_column) != (name2.line, 0, 0)
    uni = next(i for i in facts.imports if i.local == "Ünï")
    assert uni.column == len("try: import ünï_module as ü; from pkg import (") + 1


@pytest.mark.parametrize("name, text", [
    ("crlf", "import os\r\nclass A(os.B):\r\n    def f(self): os.g()\r\n"),
    ("lone_cr", "import os\rclass A(os.B):\r    def f(self): os.g()\r"),
    ("bom", "\ufeffimport os\nclass A(os.B):\n    def f(self): os.g()\n"),
    ("tabs", "import os\nclass A(os.B):\n\tdef f(self):\n\t\tos.g()\n"),
    ("empty", ""),
])
def test_identical_on_line_endings_and_encodings(tmp_path: Path, served: List[bool], name: str, text: str) -> None:
    root = tmp_path / name
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    (root / "mod.py").write_bytes(text.encode("utf-8"))
    got = both(root, "mod.py")
    assert got["ast"] == got["libcst"]
    assert served == [True]


@pytest.mark.parametrize("why, data", [
    ("a line continuation between `def` and its name", b"def \\\n    f(): pass\n"),
    ("an identifier ast normalises (NFKC)", "def \ufb01le(): pass\n".encode("utf-8")),
    ("a NUL byte", b"x = 1\x00\n"),
    ("a syntax error", b"def f(:\n"),
    ("bytes that are not UTF-8", b"x = '\xff'\n"),
])
def test_falls_back_to_libcst_when_ast_could_disagree(tmp_path: Path, served: List[bool], why: str, data: bytes) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
    (root / "mod.py").write_bytes(data)
    got = both(root, "mod.py")
    assert served == [False], why
    assert got["ast"] == got["libcst"]


def test_a_partial_run_parses_only_the_named_file_with_libcst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit case: one named test module, its conftest and the helper it imports, which
    provides a mock through a fixture (TA102) — found, with libcst parsing only the named file."""
    root = write_project(tmp_path, {
        "tests/__init__.py": "",
        "tests/conftest.py": "import pytest\nfrom tests.helpers import make\n\n"
                             "@pytest.fixture\ndef client():\n    return make()\n",
        "tests/helpers.py": "from unittest.mock import MagicMock\n\ndef make():\n    return MagicMock()\n",
        "tests/integration/test_one.py": '"""Doc."""\nimport pytest\n\n\n@pytest.mark.integration\n'
                                         "def test_it(client):\n    assert client\n",
    })
    parsed: List[int] = []
    real = analyze.cst.parse_module
    monkeypatch.setattr(analyze.cst, "parse_module", lambda data, *a, **k: parsed.append(1) or real(data, *a, **k))
    result = run_project(root, ["tests/integration/test_one.py"])
    assert {f.code for f in result.findings} >= {"TA102"}
    assert len(parsed) == 1


GRAMMAR = '''\
import asyncio
from app import helper


def every_construct(value, /, *args, key=..., **kw):
    match value:
        case True | False | None:
            helper.flag()
        case 1 | 2.5 | 3j | b"raw" | "text" | -1:
            helper.literal()
        case [first, *rest] if first:
            helper.seq(first, rest)
        case {"k": inner, **others}:
            helper.mapping(inner, others)
        case helper.Point(x=0, y=y) as point:
            helper.cls(point, y)
        case _:
            pass
    total = (n := len(args)) + sum(x for x in args if x)
    text = f"{value!r:>{n}} {key=} {kw!s}"
    lam = lambda a=1, *b, c=..., **d: helper.inner(a, b, c, d)
    try:
        helper.risky()
    except* ValueError as group:
        helper.handle(group)
    global GLOBAL_NAME
    data = {**kw, "x": [*args]}
    return total, text, lam, data, ...


async def async_constructs(stream):
    async with helper.session() as session:
        async for item in stream:
            await session.send([x async for x in item])
    return await asyncio.gather(*(helper.job(i) for i in range(3)))
'''


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the sample uses match (3.10) and except* (3.11)")
def test_every_construct_of_the_grammar_is_read_without_a_crash(tmp_path: Path, served: List[bool]) -> None:
    """A project module reached by the tests with `match value: case True:` ended the whole run
    (the ast front end walked into a bare bool). Every construct this interpreter parses —
    patterns of each kind, constants of each type, walrus, f-string conversions, except*,
    async comprehensions — gives the same facts through both front ends."""
    root = write_project(tmp_path, {"app/__init__.py": "", "app/helper.py": "def flag():\n    return 1\n",
                                    "app/grammar.py": GRAMMAR})
    got = both(root, "app/grammar.py")
    assert served == [True]
    assert got["ast"] == got["libcst"]
    calls = {c.target.rsplit(".", 1)[-1] for f in got["ast"].functions for c in f.calls}
    assert {"flag", "literal", "seq", "mapping", "cls", "inner", "risky", "handle", "session", "job"} <= calls
