"""``libcst.parse_module`` building its nodes the cheap way: no re-validation, plain stores.

libcst's native parser constructs each node through its dataclass ``__init__``, whose
``__post_init__`` runs the node's ``_validate``: checks meant for trees built by hand (balanced
parentheses, whitespace where the grammar needs it), which a tree built by the parser from
source passes by construction (libcst's own comment there: "PERF: It might make more sense to
move validation work into the visitor, which would allow us to avoid validating the tree when
parsing a file"). That is a sixth of a parse of a typical test module. The nodes are also
frozen dataclasses, so that ``__init__`` stores every field through a call of
``object.__setattr__``: another sixth.

Inside :func:`plain_nodes`, each node class whose ``__init__`` is the one ``dataclasses``
generated (every field stored, then ``__post_init__``, which is the plain ``self._validate()``)
is built by the ``__init__`` of an unfrozen twin dataclass with the same fields and defaults
(made by ``dataclasses.make_dataclass``, from libcst's field names only), which stores each
field with a plain attribute store and validates nothing; ``__setattr__`` is the plain one
meanwhile, and ``CSTNode.__post_init__`` a no-op for any class left alone. Leaving the scope
restores every class, so nodes built at any other time (by hand, by the fixes) are validated
and frozen as usual; where this libcst defines the hook differently the scope changes nothing.

:func:`parse_module` skips the validation in any case (outside the scope by making
``CSTNode.__post_init__`` a no-op for that parse alone). The twins cost ~0.4 ms each to make
(once per process: 130 ms for libcst's ~340 node classes), and changing a class costs every
specialised attribute access on its instances (CPython re-specialises them), so the scope is
taken for a batch of files (``analyze.analyze_files``), never per parse.
The trees are the same: ``tests/test_cst_parse.py`` compares both parses (``deep_equals``,
acceptance and the error raised) on every fixture and on malformed sources,
``benchmarks/compare_parse.py PROJECT`` on any project (every ``.py`` file of the reference
corpus: identical).
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

import libcst as cst
from libcst._nodes.base import CSTNode


def _stock_hook() -> Optional[Callable[[CSTNode], None]]:
    """libcst's ``__post_init__`` when it is the plain ``self._validate()`` this module knows."""
    hook = CSTNode.__dict__.get("__post_init__")
    code = getattr(hook, "__code__", None)
    if code is None or code.co_names != ("_validate",):
        return None
    return hook


_HOOK = _stock_hook()
_ABSENT = object()
# (class, its twin's plain __init__, its own __init__, its own __setattr__ or _ABSENT); built once
_TWINS: Optional[List[Tuple[type, Callable[..., None], Any, Any]]] = None
_depth = 0


def _skip(self: CSTNode) -> None:
    """Validation skipped: the node comes from the parser."""


def _node_classes() -> List[type]:
    found: Dict[type, None] = {}
    todo = [CSTNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found[sub] = None
                todo.append(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def _twin_init(cls: type) -> Optional[Callable[..., None]]:
    """The ``__init__`` of an unfrozen copy of ``cls``'s fields, or None when ``cls``'s own
    ``__init__`` may do more than store its fields and call the stock ``__post_init__``."""
    init = cls.__dict__.get("__init__")
    params = getattr(cls, "__dataclass_params__", None)
    code = getattr(init, "__code__", None)
    if code is None or params is None or not params.frozen or getattr(cls, "__post_init__", None) is not _HOOK:
        return None
    if not set(code.co_names) <= {"__setattr__", "__post_init__"}:
        return None  # not the generated store-every-field-then-__post_init__
    specs: List[Tuple[str, type, Any]] = []
    for f in dataclasses.fields(cls):
        if not f.init or getattr(f, "kw_only", False) is True:
            return None
        default: Dict[str, Any] = {}
        if f.default is not dataclasses.MISSING:
            default["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            default["default_factory"] = f.default_factory
        specs.append((f.name, object, dataclasses.field(**default)))
    twin = dataclasses.make_dataclass(f"_Plain{cls.__name__}", specs, repr=False, eq=False)
    return twin.__dict__["__init__"]


def _twins() -> List[Tuple[type, Callable[..., None], Any, Any]]:
    global _TWINS
    if _TWINS is None:
        _TWINS = []
        for cls in _node_classes():
            fast = _twin_init(cls)
            if fast is not None:
                _TWINS.append((cls, fast, cls.__dict__["__init__"], cls.__dict__.get("__setattr__", _ABSENT)))
    return _TWINS


@contextmanager
def plain_nodes() -> Iterator[None]:
    """Nodes built meanwhile are neither validated nor frozen (see the module's docstring);
    re-entrant, and everything is restored on leaving the outermost scope, also on an error."""
    global _depth
    if _HOOK is None or (_depth == 0 and CSTNode.__dict__.get("__post_init__") is not _HOOK):
        yield  # a libcst this module does not know: nodes are built as libcst builds them
        return
    if _depth == 0:
        twins = _twins()
        plain = object.__setattr__
        for cls, fast, _, _ in twins:
            cls.__init__ = fast  # type: ignore[misc]
            cls.__setattr__ = plain  # type: ignore[assignment]
        CSTNode.__post_init__ = _skip  # type: ignore[method-assign]
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            CSTNode.__post_init__ = _HOOK  # type: ignore[method-assign,assignment]
            for cls, _, init, setattr_ in _twins():
                cls.__init__ = init  # type: ignore[misc]
                if setattr_ is _ABSENT:
                    del cls.__setattr__
                else:
                    cls.__setattr__ = setattr_  # type: ignore[method-assign]


def parse_module(source: Union[str, bytes]) -> cst.Module:
    """:func:`libcst.parse_module` without validating the nodes: inside :func:`plain_nodes` as
    it stands, else with ``CSTNode.__post_init__`` a no-op for this parse only (switching one
    class, not hundreds: a lone parse does not pay for the twins)."""
    hook = _HOOK
    if _depth or hook is None or CSTNode.__dict__.get("__post_init__") is not hook:
        return cst.parse_module(source)
    CSTNode.__post_init__ = _skip  # type: ignore[method-assign]
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = hook  # type: ignore[method-assign,assignment]
