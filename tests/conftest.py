"""Shared helpers for testaudit's own tests."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import pytest
from hypothesis import HealthCheck, settings

from testaudit.api import check_paths
from testaudit.config import load_config
from testaudit.model import RunResult

# The machines this runs on are shared: a loaded one must not fail a property for being slow.
settings.register_profile("shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared-machine")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures_repo"
MARKER = re.compile(r"#\s*expect(?:@(\d+))?:\s*([A-Za-z0-9_,\- ]+)")
FILE_HEADER = re.compile(r"^# file: (\S+)\s*$", re.M)


def expected_markers(root: Path, suffixes: Sequence[str] = (".py",)) -> Set[Tuple[str, int, str]]:
    """(path, line, code) for every `# expect: CODE` / `# expect@LINE: CODE` marker under root."""
    out: Set[Tuple[str, int, str]] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or not any(path.name.endswith(s) for s in suffixes):
            continue
        rel = path.relative_to(root).as_posix()
        if rel.endswith(".py.txt"):
            rel = rel[:-4]
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for m in MARKER.finditer(line):
                target = int(m.group(1)) if m.group(1) else number
                for code in m.group(2).replace(",", " ").split():
                    out.add((rel, target, code))
    return out


def found(result: RunResult) -> Set[Tuple[str, int, str]]:
    return {(f.path, f.location.line, f.code) for f in result.findings}


def copy_fixtures(tmp_path: Path) -> Path:
    """fixtures_repo copied to tmp, with `.py.txt` files (which must not parse) renamed to `.py`."""
    dest = tmp_path / "fixtures_repo"
    shutil.copytree(FIXTURES, dest, ignore=shutil.ignore_patterns(".testaudit_cache"))
    for txt in dest.rglob("*.py.txt"):
        txt.rename(txt.with_name(txt.name[:-4]))
    return dest


def write_project(root: Path, files: Dict[str, str], pyproject: Optional[str] = None) -> Path:
    """A throwaway project: files by root-relative path, plus an optional [tool.testaudit] table."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.testaudit]\n" + (pyproject or ""), encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def split_example(example: str, default: str = "tests/test_example.py") -> Dict[str, str]:
    """A rule example may hold several files, each introduced by a `# file: path` line."""
    parts = FILE_HEADER.split(example)
    if len(parts) == 1:
        return {default: example}
    files: Dict[str, str] = {}
    if parts[0].strip():
        files[default] = parts[0]
    for i in range(1, len(parts), 2):
        files[parts[i]] = parts[i + 1].lstrip("\n")
    return files


def run_project(root: Path, paths: Optional[List[str]] = None, **kwargs) -> RunResult:  # type: ignore[no-untyped-def]
    config = load_config(root)
    kwargs.setdefault("jobs", 1)
    return check_paths([str(root / p) for p in (paths or ["."])], config, **kwargs)


@pytest.fixture(scope="session")
def fixtures_run(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, RunResult]:
    root = copy_fixtures(tmp_path_factory.mktemp("fx"))
    return root, run_project(root)


SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = bool(os.environ.get("TESTAUDIT_UPDATE"))  # testaudit: ignore[TA301] (the documented update switch)


def assert_snapshot(name: str, text: str) -> None:
    """``text`` equals ``tests/snapshots/<name>``; ``TESTAUDIT_UPDATE=1`` rewrites the file instead."""
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"no snapshot {name}: run the tests with TESTAUDIT_UPDATE=1 and review the file"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its snapshot (TESTAUDIT_UPDATE=1 rewrites it; review the diff)"
