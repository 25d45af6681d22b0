"""Per-file cost of the pieces of a check, on a sample of real test modules.

    python benchmarks/bench_per_file.py DIR [--files 60] [--repeat 5] [--seed 1]

Reports the median over --repeat runs, in ms per file, of: libcst parse (the reference),
libcst's PositionProvider, testaudit's Positions, and a whole `analyze_file` with every rule;
each as a ratio to the parse measured in the same run. The machine may be shared: only the
ratios are comparable between runs.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path
from typing import List

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from testaudit import analyze
from testaudit.config import Config
from testaudit.discover import SourceFile
from testaudit.positions import Positions
from testaudit.registry import build_ruleset


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    root = Path(args.root).resolve()
    candidates = sorted(p for p in root.rglob("test_*.py") if "backup" not in str(p))
    random.seed(args.seed)
    sample = random.sample(candidates, min(args.files, len(candidates)))
    datas = [p.read_bytes() for p in sample]
    modules: List[cst.Module] = []
    for d in datas:
        try:
            modules.append(cst.parse_module(d))
        except Exception:  # noqa: BLE001 - broken files are part of real corpora
            pass
    config = Config(root=str(root))
    analyze.init_worker(config, build_ruleset(config))
    sources = [SourceFile(str(p), p.relative_to(root).as_posix()) for p in sample]

    def parse() -> None:
        for d in datas:
            try:
                cst.parse_module(d)
            except Exception:  # noqa: BLE001
                pass

    cases: List[tuple] = [
        ("parse (reference)", parse, len(datas)),
        ("PositionProvider", lambda: [MetadataWrapper(m, unsafe_skip_copy=True).resolve(PositionProvider)
                                      for m in modules], len(modules)),
        ("Positions", lambda: [Positions(m) for m in modules], len(modules)),
        ("analyze_file, all rules", lambda: [analyze.analyze_file(s) for s in sources], len(sources)),
    ]
    results = {}
    for name, fn, n in cases:
        runs = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - start) / n * 1000)
        results[name] = statistics.median(runs)
    ref = results["parse (reference)"]
    print(f"{len(sample)} files ({len(modules)} parse), median of {args.repeat} runs")
    for name, ms in results.items():
        print(f"  {name:<26} {ms:8.1f} ms/file   {ms / ref:5.2f} x parse")


if __name__ == "__main__":
    main()
