"""Automatic fixes: --fix, --unsafe-fixes and --diff for TA201, TA402 and TA301.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams paying down test-policy debt)
- Business Goal: Velocity
- Value Impact: findings with one right repair cost no human minute each
- Strategic Impact: a fixer that never breaks a file is one teams let run on CI
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Dict

import pytest
from click.testing import CliRunner

from conftest import assert_snapshot, write_project
from testaudit.cli import main
from testaudit.fixes import apply_edits, fix_file
from testaudit.model import Edit, Fix

BVJ = ('"""Checkout.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
PACKAGE = {"tests/__init__.py": "", "tests/integration/__init__.py": "",
           "tests/integration/helpers.py": "def make():\n    return 1\n",
           "tests/integration/sub/__init__.py": "", "tests/integration/sub/deep.py": "X = 1\n"}

CASES: Dict[str, str] = {
    # TA201: every import form, comments and odd spacing kept
    "ta201_forms": BVJ + (
        "from .helpers import make  # the factory\n"
        "from . import helpers\n"
        "from .sub.deep import X\n"
        "from .sub import (\n    deep,  # a comment inside\n)\n"
        "from.helpers import make as m2\n"
        "from .import helpers as h2\n"
        "\n\ndef test_it():\n    assert make() and helpers and X and deep and m2 and h2\n"),
    # TA201 refusals: unknown module, dots above the root
    "ta201_refused": BVJ + "from .missing import nothing\nfrom .... import far\n\n\ndef test_it():\n    assert nothing\n",
    # TA402: shebang and cookie stay on top, __future__ stays valid, every other line intact
    "ta402_moved": "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nfrom __future__ import annotations\n\n"
                   "import os  # why\n\n" + BVJ + "\n\n# a comment that stays\ndef test_it():\n    assert os\n",
    # TA402 at the very end of a file without a final newline
    "ta402_last_line": "import os\n\n\ndef test_it():\n    assert os\n\n\n" + BVJ.rstrip("\n"),
    # TA402 refusal: the module already has a docstring
    "ta402_refused": '"""Checkout."""\nimport os\n\n' + BVJ + "\n\ndef test_it():\n    assert os\n",
    # TA301 (unsafe): reads rewritten, writes/deletes/patch.dict left, import added once
    "ta301_reads": BVJ + (
        "import os\nfrom os import getenv\nfrom unittest.mock import patch\n\n\n"
        "def test_env():\n"
        "    url = os.environ.get(\"URL\",   \"x\")   # odd spacing kept\n"
        "    port = getenv(\"PORT\")\n"
        "    key = os.environ[\n        \"KEY\"\n    ]\n"
        "    os.environ[\"OUT\"] = \"1\"\n"
        "    del os.environ[\"OUT\"]\n"
        "    with patch.dict(os.environ, {\"A\": \"1\"}):\n        pass\n"
        "    assert url and port and key\n"),
    # TA301 in a module with no import to follow: below the shebang and the cookie
    "ta301_shebang": "#!/usr/bin/env python\n# coding: utf-8\n\n\ndef test_env():\n    import os\n"
                     "    assert os.getenv('A')\n",
    # TA301 refusal: `get_env` already means something else here
    "ta301_refused": BVJ + "import os\n\n\ndef get_env():\n    return {}\n\n\n"
                     "def test_env():\n    assert os.getenv(\"A\") or get_env()\n",
}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def project(tmp_path: Path, name: str) -> Path:
    return write_project(tmp_path / name, {**PACKAGE, "tests/integration/test_case.py": CASES[name]})


@pytest.mark.parametrize("name", sorted(CASES))
def test_before_and_after(tmp_path: Path, name: str) -> None:
    root = project(tmp_path, name)
    target = root / "tests/integration/test_case.py"
    res = invoke("check", str(root), "--fix", "--unsafe-fixes", "-j", "1", "--format", "concise")
    after = target.read_text(encoding="utf-8")
    assert_snapshot(f"fixes/{name}.after.txt", after)
    if name.endswith("refused"):
        codes = {"ta201": "TA201", "ta402": "TA402", "ta301": "TA301"}[name[:5]]
        assert f" {codes} " in res.output  # still reported
    # idempotent: a second run applies nothing
    again = invoke("check", str(root), "--fix", "--unsafe-fixes", "-j", "1", "--format", "json", "--no-cache")
    assert json.loads(again.stdout)["summary"]["fixed"] == 0
    assert target.read_text(encoding="utf-8") == after


def test_the_fixed_findings_are_gone_and_the_summary_counts_them(tmp_path: Path) -> None:
    root = project(tmp_path, "ta201_forms")
    res = invoke("check", str(root), "--fix", "-j", "1", "--format", "json")
    data = json.loads(res.stdout)
    assert data["summary"]["fixed"] == 6
    assert not [f for f in data["findings"] if f["code"] == "TA201"]
    assert res.exit_code == 0


def test_safe_fixes_only_without_unsafe_fixes_and_the_summary_says_how_many_more(tmp_path: Path) -> None:
    root = project(tmp_path, "ta301_reads")
    before = (root / "tests/integration/test_case.py").read_text(encoding="utf-8")
    res = invoke("check", str(root), "--fix", "-j", "1", "--format", "text")
    assert (root / "tests/integration/test_case.py").read_text(encoding="utf-8") == before
    assert "3 with `--fix --unsafe-fixes`" in res.output
    res = invoke("check", str(root), "--fix", "--unsafe-fixes", "-j", "1", "--format", "text")
    assert "Fixed 3 findings." in res.output


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, "ta402_moved")
    target = root / "tests/integration/test_case.py"
    before = target.read_bytes()
    res = invoke("check", str(root), "--diff", "-j", "1")
    assert res.exit_code == 1
    assert "--- a/tests/integration/test_case.py\n+++ b/tests/integration/test_case.py\n" in res.stdout
    assert "-from __future__ import annotations" in res.stdout and "+from __future__ import annotations" in res.stdout
    assert target.read_bytes() == before
    invoke("check", str(root), "--fix", "-j", "1")
    res = invoke("check", str(root), "--diff", "-j", "1")
    assert res.exit_code == 0 and res.stdout == ""


def test_a_fix_that_would_not_parse_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\ny = 2\n", encoding="utf-8")
    broken = Fix(True, "break it", (Edit(1, 1, 1, 2, "def"),))
    done = fix_file(str(path), "m.py", [broken])
    assert done.after is None and "would not parse" in done.error
    assert path.read_text(encoding="utf-8") == "x = 1\ny = 2\n"


def test_encoding_bom_line_endings_and_mode_are_kept(tmp_path: Path) -> None:
    text = CASES["ta201_forms"].replace("\n", "\r\n")
    root = write_project(tmp_path / "enc", PACKAGE)
    target = root / "tests/integration/test_case.py"
    target.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    os.chmod(target, 0o640)
    invoke("check", str(root), "--fix", "-j", "1")
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"from tests.integration.helpers import make  # the factory\r\n" in data
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_overlapping_fixes_wait_for_the_next_pass_and_shared_edits_are_made_once() -> None:
    a = Fix(True, "a", (Edit(1, 1, 1, 2, "A"),))
    b = Fix(True, "b", (Edit(1, 1, 1, 3, "B"),))
    shared = Edit(2, 1, 2, 1, "import x\n")
    c = Fix(False, "c", (shared, Edit(2, 1, 2, 2, "C")))
    d = Fix(False, "d", (shared, Edit(2, 3, 2, 4, "D")))
    text, applied = apply_edits("xyz\nq r\n", [b, a, c, d])
    assert applied == 3  # a and b overlap: only the first (by position, then order given) goes in
    assert text == "Bz\nimport x\nC D\n"


def test_every_format_marks_fixes_safe_or_unsafe(tmp_path: Path) -> None:
    root = project(tmp_path, "ta301_reads")
    (root / "tests/integration/test_other.py").write_text(BVJ + "from .helpers import make\n\n\ndef test_x():\n"
                                                          "    assert make()\n", encoding="utf-8")
    out = {fmt: invoke("check", str(root), "--format", fmt, "-j", "1").stdout
           for fmt in ("text", "concise", "json", "sarif", "junit", "github", "markdown")}
    assert "[fix]" in out["text"] and "[unsafe fix]" in out["text"]
    assert "[fix]" in out["concise"] and "[unsafe fix]" in out["concise"]
    assert "[fix]" in out["github"] and "[unsafe fix]" in out["github"]
    assert "fix (safe)" in out["junit"] and "fix (unsafe)" in out["junit"]
    assert "fixable with `--fix`" in out["markdown"]
    kinds = {f["fix"]["applicability"] for f in json.loads(out["json"])["findings"] if f["fix"]}
    assert kinds == {"safe", "unsafe"}
    sarif = json.loads(out["sarif"])["runs"][0]["results"]
    applicability = {r["fixes"][0]["properties"]["applicability"] for r in sarif if "fixes" in r}
    assert applicability == {"safe", "unsafe"}
