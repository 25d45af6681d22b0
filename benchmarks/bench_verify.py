"""``testaudit verify`` speed: a long campaign report over a project, warm and cold.

    python benchmarks/bench_verify.py PROJECT [--lines 400] [--runs 5] [--jobs N]

Writes a report of about ``--lines`` lines in the style generated campaigns use (an executive
summary, a section per suite with a ``**File**:`` line and a ``(N tests)`` heading, sub-counts,
"NO MOCKS", BVJ and base-class claims, a table with a Tests column and a TOTAL row, a tree
listing with line counts) over PROJECT's test modules, then measures, each a fresh process:

- *warm*: ``testaudit verify`` after a ``check`` of the same files filled the cache (target:
  under 1 s for 400 lines);
- *cold*: ``testaudit verify`` with the cache removed, against ``testaudit check`` of the files
  the report names (every file its mentions resolve to, candidates of ambiguous names
  included, as the verify run's JSON lists them) with the cache removed (target: the ratio at
  most ~1: verifying costs no more than checking its files).

Medians of ``--runs`` runs (min–max); cold verify and cold check alternate, and their ratio is
taken pair by pair. Runs import testaudit from bytecode, as a pip install leaves it
(``PYTHONDONTWRITEBYTECODE`` is dropped for them and one untimed run compiles it): a machine
that sets the variable would otherwise charge each run ~0.3 s of compiling the modules verify
imports and check does not. The machine may be shared and noisy: compare the ratios. The report is
written outside PROJECT (a temporary directory) and removed afterwards.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Sequence


def test_modules(project: Path, limit: int) -> List[str]:
    found = sorted(p.relative_to(project).as_posix() for p in project.rglob("test_*.py")
                   if ".testaudit_cache" not in p.parts and ".venv" not in p.parts)
    return found[:limit]


def write_report(files: Sequence[str], lines: int) -> str:
    """A campaign report of about ``lines`` lines over ``files`` (claims true and false alike)."""
    out = ["# 🚀 Test Campaign — Final Report", "", "## ðŸ“Š Executive Summary", "",
           f"✅ **MISSION ACCOMPLISHED**: Created {len(files) * 7} tests across {len(files)} test files.",
           "NO MOCKS — real services only. Every test has a BVJ. **SSOT Compliance: 96%**", ""]
    table = ["## 📋 Inventory", "", "| # | File | Tests | Lines |", "|---|------|-------|-------|"]
    tree = ["## Files", "", "```", "tests/"]
    i = 0
    while len(out) + len(table) + len(tree) < lines - 8:
        path = files[i % len(files)]
        name = path.rsplit("/", 1)[-1]
        out += [f"## ✅ Suite {i + 1}: {name[5:-3].replace('_', ' ').title()} ({3 + i % 5} tests)", "",
                f"**File**: `{path}` ({40 + i * 3} lines)", "",
                f"- TestSuite{i}: {1 + i % 3} tests", "- NO MOCKS — real PostgreSQL only",
                "- All tests inherit from BaseIntegrationTest", "- All tests use @pytest.mark.integration", ""]
        table.append(f"| {i + 1} | {name} | {3 + i % 5} | {40 + i * 3} |")
        tree.append(f"├── {path} ({40 + i * 3} lines)")
        i += 1
    table += [f"| **TOTAL** | | **{i * 5}** |", ""]
    tree += ["```", ""]
    return "\n".join(out + table + tree + ["## Next Steps", "", "- Add 30 more tests next sprint."]) + "\n"


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: Sequence[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return elapsed


def figure(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project", type=Path)
    ap.add_argument("--lines", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--files", type=int, default=40, help="test modules the report names")
    args = ap.parse_args()
    project = args.project.resolve()
    files = test_modules(project, args.files)
    if not files:
        raise SystemExit(f"no test modules under {project}")
    exe = [sys.executable, "-m", "testaudit"]
    cache = project / ".testaudit_cache"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "REPORT.md"
        report.write_text(write_report(files, args.lines), encoding="utf-8")
        count = report.read_text(encoding="utf-8").count("\n")
        verify = exe + ["verify", str(report), "--root", str(project), "-j", str(args.jobs)]
        named = subprocess.run(verify + ["--format", "json"], cwd=project, capture_output=True, text=True,
                               env=ENV).stdout
        files = sorted({p for f in json.loads(named)["files"] for p in ([f["path"]] if f["path"] else f["candidates"])})
        check = exe + ["check", *files, "-j", str(args.jobs), "-q"]
        cold_verify: List[float] = []
        cold_check: List[float] = []
        for _ in range(args.runs):
            shutil.rmtree(cache, ignore_errors=True)
            cold_verify.append(run(verify, project))
            shutil.rmtree(cache, ignore_errors=True)
            cold_check.append(run(check, project))
        run(check, project)
        run(verify, project)
        warm = [run(verify, project) for _ in range(args.runs)]
    ratios = [v / c for v, c in zip(cold_verify, cold_check)]
    print(f"report: {count} lines; its mentions resolve to {len(files)} files; project {project}; -j {args.jobs}; "
          f"{args.runs} runs")
    print("| run | time | against |")
    print("| --- | ---: | --- |")
    print(f"| warm verify | {figure(warm)} | target < 1 s |")
    print(f"| cold verify | {figure(cold_verify)} | {statistics.median(ratios):.2f} x cold check of the same "
          f"files ({figure(cold_check)}); pairs {', '.join(f'{r:.2f}' for r in ratios)} |")


if __name__ == "__main__":
    main()
