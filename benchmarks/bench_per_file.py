"""Per-file cost of the pieces of a check, on a sample of real test modules.

    python benchmarks/bench_per_file.py DIR [--files 60] [--repeat 5] [--seed 1] [--glob 'test_*.py']

Reports the median over --repeat runs, in ms per file, of: libcst parse (the reference),
testaudit's parse (``cst_parse``: no re-validation; a worker's chunk inside one ``plain_nodes``
scope, and lone files), libcst's PositionProvider, testaudit's
Positions (the whole-module codegen pass), StatementPositions' set-up (``ast`` parse and pairing),
a walk with no handlers, and a whole chunk's ``analyze_files`` with every rule: as a run does it
(StatementPositions) and with the whole-module pass instead; each as a ratio to the parse
measured in the same run, with the garbage collector tuned as a run's workers tune it. The machine may be shared: only the
ratios are comparable between runs.
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from pathlib import Path
from typing import Dict, List

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from testaudit import analyze
from testaudit.cst_parse import parse_module, plain_nodes
from testaudit.config import Config
from testaudit.discover import SourceFile
from testaudit.positions import Positions, StatementPositions
from testaudit.registry import build_ruleset
from testaudit.source import decode, split_lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--glob", default="test_*.py", help="which files to sample (`*.py`: support and application modules too)")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    candidates = sorted(p for p in root.rglob(args.glob) if "backup" not in str(p))
    random.seed(args.seed)
    sample = random.sample(candidates, min(args.files, len(candidates)))
    datas = [p.read_bytes() for p in sample]
    modules: List[cst.Module] = []
    parsed: List[bytes] = []
    for d in datas:
        try:
            modules.append(cst.parse_module(d))
            parsed.append(d)
        except Exception:  # noqa: BLE001 - broken files are part of real corpora
            pass
    from testaudit.gc_tuning import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)
    config = Config(root=str(root))
    analyze.init_worker(config, build_ruleset(config))
    sources = [SourceFile(str(p), p.relative_to(root).as_posix()) for p in sample]

    def parse() -> None:
        for d in datas:
            try:
                cst.parse_module(d)
            except Exception:  # noqa: BLE001
                pass

    class WholeModule(Positions):
        def __init__(self, module: cst.Module, *_: object) -> None:
            super().__init__(module)

        def visit_Call(self, node: cst.Call) -> None:  # calls are not numbered: nothing comes from ast
            pass

    def whole_module_positions() -> None:
        analyze.StatementPositions = WholeModule  # type: ignore
        try:
            analyze.analyze_files(sources)
        finally:
            analyze.StatementPositions = StatementPositions  # type: ignore[misc]

    def fast_parse() -> None:
        for d in datas:
            try:
                parse_module(d)
            except Exception:  # noqa: BLE001
                pass

    def chunk_parse() -> None:  # as a worker parses: the whole chunk inside one plain_nodes scope
        with plain_nodes():
            fast_parse()

    cases: List[tuple] = [
        ("parse (reference)", parse, len(datas)),
        ("testaudit parse, a chunk", chunk_parse, len(datas)),
        ("testaudit parse, lone", fast_parse, len(datas)),
        ("PositionProvider", lambda: [MetadataWrapper(m, unsafe_skip_copy=True).resolve(PositionProvider)
                                      for m in modules], len(modules)),
        ("Positions", lambda: [Positions(m) for m in modules], len(modules)),
        ("StatementPositions set-up", lambda: [StatementPositions(m, decode(d), split_lines(decode(d)), [])
                                               for m, d in zip(modules, parsed)], len(modules)),
        ("walk, no handlers", lambda: [analyze._walk(m, {}, []) for m in modules], len(modules)),
        ("analyze_files, all rules", lambda: analyze.analyze_files(sources), len(sources)),
        ("  with Positions instead", whole_module_positions, len(sources)),
    ]
    runs: Dict[str, List[float]] = {name: [] for name, _, _ in cases}
    for _ in range(args.repeat):  # interleaved, so a noisy moment hits every case alike
        for name, fn, n in cases:
            start = time.process_time()
            fn()
            runs[name].append((time.process_time() - start) / n * 1000)
    results = {name: statistics.median(times) for name, times in runs.items()}
    ref = results["parse (reference)"]
    print(f"{len(sample)} files ({len(modules)} parse), median of {args.repeat} interleaved runs, CPU time")
    for name, ms in results.items():
        print(f"  {name:<26} {ms:8.1f} ms/file   {ms / ref:5.2f} x parse")


if __name__ == "__main__":
    main()
