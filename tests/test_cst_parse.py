"""Our parse skips libcst's per-node validation and builds exactly libcst's trees.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on testaudit)
- Business Goal: Stability
- Value Impact: a cheaper parse on every checked file, with findings unchanged
- Strategic Impact: speed bought without trading away exactness
"""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import libcst as cst
import pytest
from libcst._nodes.base import CSTNode

from conftest import FIXTURES
from testaudit import cst_parse
from testaudit.cst_parse import parse_module

PACKAGE = Path(cst_parse.__file__).parent
FILES = sorted([*FIXTURES.rglob("*.py"), *PACKAGE.rglob("*.py")])
SNIPPETS = {
    "crlf_bom": b"\xef\xbb\xbfdef test_a():\r\n    x = (1,\r\n         2)\r\n",
    "latin1_cookie": "# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n".encode("latin-1"),
    "lone_cr": b"x = 1\ry = 2\r",
    "no_final_newline": b"def f():\n    return 1",
    "empty": b"",
    "parenthesised": b"x = (((a)))\n((b)) = [(c)]\nf((d))(e)[(g)]\n",
    "modern": b"match x:\n    case [1, *_] | {'a': 1, **r}:\n        pass\nwith (a as b, c as d):\n    pass\n"
              b"try:\n    pass\nexcept* E:\n    pass\ndef f(a, /, b, *, c): return f'{a=!r:>{b}}'\n",
    "comments_everywhere": b"# lead\n\n@deco  # d\n# between\ndef f(  # open\n    a,  # a\n):  # colon\n"
                           b"    # body\n    return a  # ret\n# trailing\n",
    # rejected: by the grammar, never by the skipped validation
    "default_before_plain": b"def f(a=1, b): pass\n",
    "unpack_order": b"f(**k, *a)\n",
    "positional_after_keyword": b"f(a=1, b)\n",
    "bare_star": b"def f(*): pass\n",
    "print_statement": b"print 1\n",
    "walrus_statement": b"a := 1\n",
    "bad_conversion": b"f'{x!z}'\n",
    "unclosed": b"def f(:\n",
    "bad_indent": b"def f():\nreturn 1\n",
    "not_utf8": b"s = '\xe9'\n",
}


def _outcome(parse, data: bytes):  # type: ignore[no-untyped-def]
    try:
        return parse(data), None
    except Exception as exc:  # noqa: BLE001 - the error itself is compared
        return None, f"{type(exc).__name__}: {exc}"


def _assert_same(data: bytes, plain: bool) -> None:
    stock, stock_error = _outcome(cst.parse_module, data)
    with cst_parse.plain_nodes() if plain else nullcontext():
        fast, fast_error = _outcome(parse_module, data)
    assert fast_error == stock_error
    if stock is not None:
        assert fast is not None and fast.deep_equals(stock)
        assert fast.bytes == stock.bytes and fast.code == stock.code


PLAIN = pytest.mark.parametrize("plain", [False, True], ids=["lone", "plain_nodes"])


@PLAIN
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_tree_on_fixtures_and_our_own_code(path: Path, plain: bool) -> None:
    _assert_same(path.read_bytes(), plain)


@PLAIN
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_same_tree_or_same_error(name: str, plain: bool) -> None:
    _assert_same(SNIPPETS[name], plain)


def test_parse_skips_node_validation_only_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = cst.Name._validate
    monkeypatch.setattr(cst.Name, "_validate", lambda self: calls.append(self.value) or real(self))
    parse_module(b"answer = forty + two\n")
    assert calls == []
    cst.parse_module(b"answer = forty + two\n")
    assert calls == ["answer", "forty", "two"]
    with pytest.raises(cst.ParserSyntaxError):
        parse_module(b"def broken(:\n")
    assert CSTNode.__post_init__ is cst_parse._HOOK  # restored, also after a failed parse
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")  # nodes built by hand (the fixes) are still validated


def test_unknown_hook_falls_back_to_the_stock_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """A libcst whose ``__post_init__`` does more than validate is parsed as libcst parses, also
    inside a ``plain_nodes`` scope."""
    seen = []

    def hook(self: CSTNode) -> None:
        seen.append(type(self).__name__)
        self._validate()

    monkeypatch.setattr(CSTNode, "__post_init__", hook)
    tree = parse_module(b"x = 1\n")
    assert "Name" in seen and tree.code == "x = 1\n"
    assert CSTNode.__post_init__ is hook
    seen.clear()
    stock_init = cst.Name.__dict__["__init__"]
    with cst_parse.plain_nodes():  # changes nothing either
        assert cst.Name.__dict__["__init__"] is stock_init
        tree = parse_module(b"y = 2\n")
    assert "Name" in seen and tree.code == "y = 2\n"
    assert CSTNode.__post_init__ is hook


def test_plain_nodes_store_fields_plainly_only_inside_the_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = cst.Name._validate
    monkeypatch.setattr(cst.Name, "_validate", lambda self: calls.append(self.value) or real(self))
    stock_init = cst.Name.__dict__["__init__"]
    with cst_parse.plain_nodes():
        assert cst.Name.__dict__["__init__"] is not stock_init  # the twin's, storing each field plainly
        with cst_parse.plain_nodes():  # re-entrant: an inner scope changes and restores nothing
            parse_module(b"answer = forty + two\n")
        assert CSTNode.__post_init__ is cst_parse._skip
        name = cst.Name("x")
        assert (name.value, name.lpar, name.rpar) == ("x", (), ())  # defaults as the dataclass's
        call = cst.Call(func=name)
        assert call.whitespace_after_func.deep_equals(cst.SimpleWhitespace("")) and call.args == ()
    assert calls == []
    assert cst.Name.__dict__["__init__"] is stock_init and CSTNode.__post_init__ is cst_parse._HOOK
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")  # validated again
    frozen = cst.Name("y")
    with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError
        frozen.value = "z"  # type: ignore[misc]


def test_plain_nodes_restore_every_class_after_an_error() -> None:
    before = {cls: (cls.__dict__.get("__init__"), cls.__dict__.get("__setattr__")) for cls in cst_parse._node_classes()}
    with pytest.raises(cst.ParserSyntaxError):
        with cst_parse.plain_nodes():
            parse_module(b"def broken(:\n")
    after = {cls: (cls.__dict__.get("__init__"), cls.__dict__.get("__setattr__")) for cls in cst_parse._node_classes()}
    assert after == before and CSTNode.__post_init__ is cst_parse._HOOK


def test_a_node_class_with_its_own_post_init_keeps_its_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the generated store-then-validate ``__init__`` has a twin: a class that does more
    when built is built as libcst builds it, also inside the scope."""
    seen = []

    def hook(self: CSTNode) -> None:
        seen.append(self.value)  # type: ignore[attr-defined]
        self._validate()

    monkeypatch.setattr(cst_parse, "_TWINS", None)
    monkeypatch.setattr(cst.Integer, "__post_init__", hook, raising=False)
    with cst_parse.plain_nodes():
        tree = parse_module(b"x = 1\ny = 'a'\n")
    assert seen == ["1"] and tree.code == "x = 1\ny = 'a'\n"
    assert cst.Integer not in {cls for cls, *_ in cst_parse._twins()}
    assert cst.SimpleString in {cls for cls, *_ in cst_parse._twins()}
    monkeypatch.setattr(cst_parse, "_TWINS", None)  # the next scope makes them again, without the hook


def test_a_chunk_is_analysed_with_plain_nodes_and_finds_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's chunk (``analyze_files``) switches to plain nodes once; its results are the ones
    each file gets analysed alone, outside the scope."""
    from testaudit import analyze
    from testaudit.api import load
    from testaudit.discover import discover
    from testaudit.registry import build_ruleset

    config = load([str(FIXTURES)])
    analyze.init_worker(config, build_ruleset(config))
    files = discover([str(FIXTURES)], config).files
    assert len(files) >= analyze.PLAIN_MIN_FILES
    alone = [analyze.analyze_file(f) for f in files]
    scopes = []
    real = cst_parse.plain_nodes

    def spy():  # type: ignore[no-untyped-def]
        scopes.append(True)
        return real()

    monkeypatch.setattr(analyze, "plain_nodes", spy)
    chunk = analyze.analyze_files(files)
    assert len(scopes) == 1
    assert repr(chunk) == repr(alone)
    assert sum(len(r.findings) for r in chunk) > 100
