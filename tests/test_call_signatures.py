"""Call arity in the facts (issue 29, TA102 precision): a chain is not followed through a call
whose arguments do not bind to what it calls — Python raises TypeError before the body runs.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams gating CI on TA102)
- Business Goal: Stability
- Value Impact: a broken call in a generated test is not reported as reaching a mock it never reaches
- Strategic Impact: a cross-file rule that does not cry wolf stays switched on
"""
from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import List

from conftest import run_project, write_project
from testaudit.ast_facts import _call_args, _signature


def _random_def(rng: random.Random) -> str:
    names = iter(f"p{i}" for i in range(20))
    posonly = [next(names) for _ in range(rng.randint(0, 2))]
    regular = [next(names) for _ in range(rng.randint(0, 3))]
    kwonly = [next(names) for _ in range(rng.randint(0, 2))]
    defaults = rng.randint(0, len(posonly) + len(regular))
    positional = posonly + regular
    parts: List[str] = []
    for i, name in enumerate(positional):
        parts.append(f"{name}=0" if i >= len(positional) - defaults else name)
        if posonly and i == len(posonly) - 1:
            parts.append("/")
    if rng.random() < 0.3:
        parts.append("*rest")
    elif kwonly:
        parts.append("*")
    parts += [f"{k}=0" if rng.random() < 0.5 else k for k in kwonly]
    if rng.random() < 0.3:
        parts.append("**extra")
    return f"def f({', '.join(parts)}):\n    pass\n"


def test_signature_accepts_exactly_what_python_binds() -> None:
    """The plain reference is Python itself: calling the same def (its body is `pass`).
    (inspect.Signature.bind differs from a real call for a positional-only name passed as a
    keyword into ``**kwargs``.)"""
    rng = random.Random(29)
    for _ in range(400):
        source = _random_def(rng)
        namespace: dict = {}
        exec(compile(source, "<generated>", "exec"), namespace)  # our own generated def, no input
        real = namespace["f"]
        ours = _signature(ast.parse(source).body[0].args)  # type: ignore[attr-defined]
        for _ in range(20):
            positional = rng.randint(0, 5)
            keywords = tuple(sorted(set(rng.sample([f"p{i}" for i in range(8)] + ["zz"], rng.randint(0, 3)))))
            try:
                real(*range(positional), **{k: 0 for k in keywords})
                binds = True
            except TypeError:
                binds = False
            assert ours.accepts(positional, keywords) == binds, (source, positional, keywords)


def test_call_arguments_as_written() -> None:
    calls = [ast.parse(src).body[0].value for src in ("f(1, 2, x=3)", "f(*a)", "f(**k)", "f()")]  # type: ignore[attr-defined]
    assert [_call_args(c) for c in calls] == [(2, ("x",)), None, None, (0, ())]


def test_a_chain_through_a_call_that_cannot_bind_is_not_followed(tmp_path: Path) -> None:
    helpers = ('"""Helpers."""\nfrom unittest.mock import MagicMock\n\n\nclass Client:\n'
               "    def __init__(self, url):\n        self.url = url\n\n"
               "    def connect(self):\n        self.conn = MagicMock()\n        return self.conn\n\n\n"
               "def make_gateway(region, *, retries=3):\n    return MagicMock()\n")
    test = ('"""Doc.\n\nBVJ: x\n"""\nimport pytest\n\nfrom tests.helpers import Client, make_gateway\n\n\n'
            "@pytest.mark.integration\ndef test_connect_with_a_timeout_it_does_not_take():\n"
            "    client = Client('db://x')\n    assert client.connect(timeout=15.0)\n\n\n"
            "@pytest.mark.integration\ndef test_connect():\n    client = Client('db://x')\n"
            "    assert client.connect()\n\n\n"
            "@pytest.mark.integration\ndef test_gateway_without_region():\n    assert make_gateway(retries=1)\n\n\n"
            "@pytest.mark.integration\ndef test_gateway():\n    assert make_gateway('eu', retries=1)\n")
    root = write_project(tmp_path, {"tests/__init__.py": "", "tests/helpers.py": helpers,
                                    "tests/integration/test_calls.py": test})
    result = run_project(root, select=["TA102"])
    assert [f.chain[0] for f in result.findings] == ["test_connect", "test_gateway"]
