"""Does ``testaudit.cst_parse.parse_module`` build the same trees as ``libcst.parse_module``?

    python benchmarks/compare_parse.py PROJECT [PATH ...] [--jobs N] [--show 10]

For every Python file under the PATHs (relative to PROJECT, default the whole project, with
testaudit's excludes; ``--all`` takes every ``*.py`` file instead) it parses the bytes with both
and checks that both accept or both reject them (with the same error), and that accepted trees
are ``deep_equals`` with the same generated code. Prints the counts, the first mismatches, and
the CPU seconds each parse took (summed over files, so machine noise matters less than for wall
time), in alternating order. Exit 1 on any mismatch.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import libcst as cst

from testaudit.api import load
from testaudit.cst_parse import parse_module
from testaudit.discover import discover

Outcome = Tuple[Optional[cst.Module], Optional[str], float]


def _timed(parse: Callable[[bytes], cst.Module], data: bytes) -> Outcome:
    start = time.process_time()
    try:
        tree: Optional[cst.Module] = parse(data)
        error = None
    except Exception as exc:  # noqa: BLE001 - broken files are part of real corpora
        tree, error = None, f"{type(exc).__name__}: {exc}"
    return tree, error, time.process_time() - start


def _compare(job: Tuple[int, str]) -> Tuple[str, float, float, bool, Optional[str]]:
    index, path = job
    data = Path(path).read_bytes()
    if index % 2:  # alternate which parse runs first
        fast = _timed(parse_module, data)
        stock = _timed(cst.parse_module, data)
    else:
        stock = _timed(cst.parse_module, data)
        fast = _timed(parse_module, data)
    diff = None
    if (stock[0] is None) != (fast[0] is None):
        diff = f"stock {'accepts' if stock[0] else stock[1]}; fast {'accepts' if fast[0] else fast[1]}"
    elif stock[0] is None:
        if stock[1] != fast[1]:
            diff = f"errors differ: {stock[1]!r} vs {fast[1]!r}"
    elif not stock[0].deep_equals(fast[0]) or stock[0].code != fast[0].code:  # type: ignore[union-attr]
        diff = "trees differ"
    return path, stock[2], fast[2], stock[0] is not None, diff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("paths", nargs="*", default=["."])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show", type=int, default=10, help="mismatches to print")
    ap.add_argument("--all", action="store_true", help="every *.py file, excluded ones too")
    args = ap.parse_args()
    os.chdir(args.project)
    if args.all:
        files = sorted(str(p) for rel in args.paths for p in Path(rel).rglob("*.py") if p.is_file())
    else:
        files = [f.path for f in discover(args.paths, load(args.paths)).files]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(_compare, enumerate(files), chunksize=16))
    mismatches: List[Tuple[str, str]] = [(path, diff) for path, _, _, _, diff in rows if diff]
    stock = sum(r[1] for r in rows)
    fast = sum(r[2] for r in rows)
    accepted = sum(1 for r in rows if r[3])
    print(f"{len(rows)} files: {accepted} parse, {len(rows) - accepted} rejected by libcst; "
          f"{len(rows) - len(mismatches)} identical, {len(mismatches)} differ")
    print(f"CPU: libcst.parse_module {stock:.1f} s, cst_parse.parse_module {fast:.1f} s "
          f"({fast / stock:.2f} x)" if stock else "")
    for path, diff in mismatches[:args.show]:
        print(f"  {path}: {diff}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
