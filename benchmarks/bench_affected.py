"""Pre-commit runs that name one support file (issue 31): what judging its effect on the tests costs.

    python benchmarks/bench_affected.py PROJECT SUPPORT [SUPPORT ...] [--warm-paths P ...] [--runs 5]

PROJECT must be a git work tree with the SUPPORT files (root-relative: a conftest, a helper, a
base-class module) committed unchanged. For each, every figure is the median (min–max) of
``--runs`` fresh processes of ``testaudit check --force-exclude SUPPORT`` (what the hook runs):

- *unchanged*: the file as committed, cache warm (nothing can be caused: one git read);
- *edited, first run*: a different mocking line appended before each run, so every run is the
  first after an edit (cache warm from a full check of ``--warm-paths``, default pytest's
  testpaths via a plain ``check``); the tests reaching the file are checked as staged and as at
  HEAD;
- *edited, again*: the same edit checked a second time (served by the cache);
- *edited, no cache*: ``--no-cache`` (bounded by the reach of the file, not the project), with
  the number of test modules reached and, as the reference measured in the same session, a cold
  full ``check`` of ``--warm-paths``.

The file is restored from git afterwards. Compare ratios, not seconds, between machines.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_runs import CACHE, Row, _testaudit, measure  # noqa: E402


def reached(project: Path, support: str) -> int:
    code = ("import sys; from testaudit.api import load; from testaudit.affected import reaching; "
            "print(len(reaching(load(['.']), [sys.argv[1]])))")
    out = subprocess.run([sys.executable, "-c", code, support], cwd=project, capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("support", nargs="+")
    parser.add_argument("--warm-paths", nargs="*", default=[])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also the --no-cache runs and the cold full check")
    args = parser.parse_args()
    project = args.project.resolve()
    check = _testaudit() + ["check"]
    rows: List[Row] = []
    notes: List[str] = []
    if args.cold:
        shutil.rmtree(project / CACHE, ignore_errors=True)
        rows.append(measure("cold full check (reference)", 1, lambda: shutil.rmtree(project / CACHE, ignore_errors=True),
                            check + args.warm_paths + ["-q", "--exit-zero"], project))
    subprocess.run(check + args.warm_paths + ["-q", "--exit-zero"], cwd=project, capture_output=True)  # warm
    for support in args.support:
        target = project / support
        original = target.read_bytes()
        notes.append(f"{support}: {reached(project, support)} test modules can reach it")
        counter = [0]

        def edit() -> None:
            counter[0] += 1
            target.write_bytes(original + f"\nfrom unittest.mock import MagicMock  # edit {counter[0]}\n".encode())

        def keep() -> None:
            pass

        hook = check + ["--force-exclude", support, "-q"]
        try:
            rows.append(measure(f"{support}: unchanged, warm", args.runs, keep, hook, project))
            rows.append(measure(f"{support}: edited, first run, warm", args.runs, edit, hook, project))
            rows.append(measure(f"{support}: edited, again, warm", args.runs, keep, hook, project))
            if args.cold:
                rows.append(measure(f"{support}: edited, no cache", max(1, args.runs // 2), edit,
                                    hook + ["--no-cache"], project))
        finally:
            target.write_bytes(original)
    print()
    width = max(len(r.name) for r in rows)
    for row in rows:
        print(f"{row.name:<{width}}  {row.cell()}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
