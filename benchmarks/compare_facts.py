"""Do the ``ast`` and libcst front ends give the same facts on a project?  And at what cost?

    python benchmarks/compare_facts.py PROJECT [PATH ...] [--jobs N] [--show 10]

For every Python file under the PATHs (relative to PROJECT, default the whole project, with
testaudit's excludes) it computes the facts twice, as a full check does (libcst) and as a
facts-only read does (``testaudit.ast_facts``, falling back to libcst when unsure), and prints
how many files agree, how many fell back, the first differing field of each mismatch, and the
CPU seconds each front end spent (summed over files, so machine noise matters less than for wall
time). Exit 1 when any file's facts differ.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from typing import List, Optional, Tuple

from testaudit import analyze
from testaudit.analyze import analyze_file, init_worker
from testaudit.api import load
from testaudit.discover import SourceFile, discover
from testaudit.model import CHECK, FACTS, FileFacts
from testaudit.registry import build_ruleset


def _first_difference(a: FileFacts, b: FileFacts) -> str:
    for f in fields(FileFacts):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x != y:
            if isinstance(x, tuple) and isinstance(y, tuple):
                for i, (p, q) in enumerate(zip(x, y)):
                    if p != q:
                        return f"{f.name}[{i}]: libcst {p!r}\n      ast    {q!r}"
                return f"{f.name}: {len(x)} items (libcst) vs {len(y)} (ast)"
            return f"{f.name}: libcst {x!r} vs ast {y!r}"
    return "?"


def _compare(src: SourceFile) -> Tuple[str, float, float, bool, Optional[str]]:
    used_ast = []
    real = analyze.ast_facts

    def spy(data, ctx):  # type: ignore[no-untyped-def]
        out = real(data, ctx)
        used_ast.append(out is not None)
        return out

    start = time.process_time()
    full = analyze_file(src, CHECK).facts
    libcst_seconds = time.process_time() - start
    analyze.ast_facts = spy
    try:
        start = time.process_time()
        quick = analyze_file(src, FACTS).facts
        ast_seconds = time.process_time() - start
    finally:
        analyze.ast_facts = real
    diff = None if full == quick else _first_difference(full, quick)
    return src.rel, libcst_seconds, ast_seconds, bool(used_ast and used_ast[0]), diff


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("paths", nargs="*", default=["."])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show", type=int, default=10, help="mismatches to print")
    args = ap.parse_args()
    os.chdir(args.project)
    config = load(args.paths)
    ruleset = build_ruleset(config)
    files = discover(args.paths, config).files
    init_worker(config, ruleset)
    with ProcessPoolExecutor(args.jobs, initializer=init_worker, initargs=(config, ruleset)) as pool:
        rows = list(pool.map(_compare, files, chunksize=16))
    mismatches: List[Tuple[str, str]] = [(rel, diff) for rel, _, _, _, diff in rows if diff]
    fallbacks = sum(1 for row in rows if not row[3])
    libcst_total = sum(row[1] for row in rows)
    ast_total = sum(row[2] for row in rows)
    print(f"files: {len(rows)}; identical facts: {len(rows) - len(mismatches)}; "
          f"read by ast: {len(rows) - fallbacks}; fell back to libcst: {fallbacks}")
    print(f"CPU seconds, facts only: libcst check {libcst_total:.1f} s, ast {ast_total:.1f} s "
          f"({ast_total / libcst_total:.2f}x)" if libcst_total else "no files")
    for rel, diff in mismatches[: args.show]:
        print(f"  {rel}\n      {diff}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
