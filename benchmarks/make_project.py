"""Write a synthetic project of N test modules, for benchmarking without the real corpus.

    python benchmarks/make_project.py N OUT [--seed 1]

The shape follows the reference codebase: an ``app`` package of service modules, a
``test_framework`` package of base classes and helpers (some mocking), ``tests/{unit,
integration,e2e}/…`` with conftest chains, test classes on base classes, fixtures, BVJ
docstrings (some missing or incomplete), mocks in integration tests, ``os.environ`` reads and
typed IDs — so every rule has work to do. Deterministic for a given seed.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

BVJ = '''"""{title}.

Business Value Justification (BVJ):
- Segment: {segment}
- Business Goal: Stability
- Value Impact: {title} keeps working
{strategic}"""
'''
SERVICE = '''"""Service {i}."""
from app.core import settings


class Service{i}:
    def __init__(self, client=None):
        self.client = client

    def handle(self, user_id: str, payload: dict) -> dict:
        if not payload:
            return {{"user_id": user_id, "status": "empty"}}
        return {{"user_id": user_id, "status": "ok", "limit": settings.LIMIT + {i}}}
'''
HELPER = '''"""Helpers {i}."""
from unittest.mock import MagicMock

from test_framework.base import SSotBaseTestCase


def make_client_{i}(mock: bool = {mock}):
    if mock:
        return MagicMock()
    return object()


class Helper{i}(SSotBaseTestCase):
    def build(self):
        return make_client_{i}()
'''
CONFTEST = '''import pytest

from test_framework.helpers_{h} import make_client_{h}


@pytest.fixture
def client_{d}():
    return make_client_{h}()
'''


def test_module(i: int, category: str, rnd: random.Random, helpers: int) -> str:
    parts = []
    if rnd.random() > 0.1:
        strategic = "- Strategic Impact: fewer incidents\n" if rnd.random() > 0.1 else ""
        parts.append(BVJ.format(title=f"Test module {i}", segment=rnd.choice(["Free", "Enterprise"]),
                                strategic=strategic))
    h = rnd.randrange(helpers)
    parts.append("import os\n\nimport pytest\n")
    uses_patch = category == "integration" and rnd.random() < 0.3
    if uses_patch:
        parts.append("from unittest.mock import patch\n")
    parts.append(f"from app.services.service_{i % 50} import Service{i % 50}\n"
                 f"from test_framework.base import SSotBaseTestCase\n"
                 f"from test_framework.helpers_{h} import make_client_{h}\n")
    parts.append(f"\n\nclass TestService{i}(SSotBaseTestCase):\n")
    for j in range(rnd.randint(3, 12)):
        user = '"test-user"' if rnd.random() < 0.2 else f'"user_{j}_3456789a"'
        parts.append(f"    def test_case_{j}(self):\n"
                     f"        service = Service{i % 50}(make_client_{h}())\n"
                     f"        result = service.handle(UserID({user}), {{\"k\": {j}}})\n"
                     f"        assert result[\"status\"] == \"ok\"\n\n")
    if uses_patch:
        parts.append("    def test_patched(self):\n        with patch(\"app.core.settings.LIMIT\", 3):\n"
                     "            assert True\n\n")
    if rnd.random() < 0.2:
        parts.append("    def test_env(self):\n        assert os.environ.get(\"HOME\")\n\n")
    if rnd.random() < 0.1:
        parts.append("# def test_disabled():\n#     assert False\n")
    parts.append(f"\n\ndef test_function_{i}(tmp_path):\n    assert tmp_path.exists()\n")
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("modules", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    out = Path(args.out)
    helpers = 20

    def write(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("pyproject.toml", "[tool.testaudit]\n")
    write("app/__init__.py", "")
    write("app/core/__init__.py", "")
    write("app/core/settings.py", "LIMIT = 10\n")
    write("app/services/__init__.py", "")
    for i in range(50):
        write(f"app/services/service_{i}.py", SERVICE.format(i=i))
    write("test_framework/__init__.py", "")
    write("test_framework/base.py", "import unittest\n\n\nclass SSotBaseTestCase(unittest.TestCase):\n    pass\n\n\n"
                                    "class SSotAsyncTestCase(SSotBaseTestCase):\n    pass\n")
    for h in range(helpers):
        write(f"test_framework/helpers_{h}.py", HELPER.format(i=h, mock=h % 4 == 0))
    write("tests/__init__.py", "")
    write("tests/conftest.py", "import pytest\n\n\n@pytest.fixture\ndef settings():\n    return {}\n")
    for i in range(args.modules):
        category = rnd.choices(["unit", "integration", "e2e"], [6, 3, 1])[0]
        area = f"area_{i % 25}"
        directory = f"tests/{category}/{area}"
        if i < 75:
            write(f"{directory}/conftest.py", CONFTEST.format(h=i % helpers, d=i))
        write(f"{directory}/test_module_{i}.py", test_module(i, category, rnd, helpers))
    print(f"wrote {args.modules} test modules under {out}")


if __name__ == "__main__":
    main()
