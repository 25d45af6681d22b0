"""``libcst.parse_module`` without re-validating every node the parser has just built.

libcst's native parser constructs each node through its dataclass ``__init__``, whose
``__post_init__`` runs the node's ``_validate``: checks meant for trees built by hand (balanced
parentheses, whitespace where the grammar needs it), which a tree built by the parser from
source passes by construction (libcst's own comment there: "PERF: It might make more sense to
move validation work into the visitor, which would allow us to avoid validating the tree when
parsing a file"). That is a sixth of a parse of a typical test module.

:func:`parse_module` makes ``CSTNode.__post_init__`` a no-op for the duration of one parse and
restores it afterwards, so nodes built at any other time (the fixes) are validated as usual,
and it is the stock parse again where this libcst defines the hook differently. The trees are
the same: ``tests/test_cst_parse.py`` compares both parses (``deep_equals``, acceptance and the
error raised) on every fixture and on malformed sources, ``benchmarks/compare_parse.py
PROJECT`` on any project (every ``.py`` file of the reference corpus: identical).
"""
from __future__ import annotations

from typing import Callable, Optional, Union

import libcst as cst
from libcst._nodes.base import CSTNode


def _stock_hook() -> Optional[Callable[[CSTNode], None]]:
    """libcst's ``__post_init__`` when it is the plain ``self._validate()`` this module knows."""
    hook = CSTNode.__dict__.get("__post_init__")
    code = getattr(hook, "__code__", None)
    if code is None or code.co_names != ("_validate",):
        return None
    return hook  # type: ignore[no-any-return]


_HOOK = _stock_hook()


def _skip(self: CSTNode) -> None:
    """Validation skipped: the node comes from the parser."""


def parse_module(source: Union[str, bytes]) -> cst.Module:
    """:func:`libcst.parse_module`, minus the per-node validation of the parser's output."""
    hook = _HOOK
    if hook is None or CSTNode.__dict__.get("__post_init__") is not hook:
        return cst.parse_module(source)
    CSTNode.__post_init__ = _skip  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = hook  # type: ignore[method-assign,assignment]
