"""Whole-run benchmark: cold, warm, incremental and pre-commit runs against the floor and ruff.

    python benchmarks/bench_runs.py PROJECT [PATH ...] [--runs 3] [--jobs N] [--files A B C]

PROJECT is the project root (where ``.testaudit_cache/`` lives); PATHs, relative to it, are what
is checked (default: the whole project). Every figure is the median of ``--runs`` runs with the
min–max, each run a fresh process, and the table prints ratios measured in this same run:

- cold full run (cache removed) against the *floor*: the time to only ``libcst.parse_module``
  every file the cold run read (checked files and the modules they reach), with the same number
  of processes (cold runs and floor runs alternate);
- warm full run with nothing changed, after ``touch``-ing one test module (same content), and
  after editing one (a comment appended, restored afterwards);
- warm full run after editing the conftest with the most test modules below it (``--conftest``):
  a comment appended (no other file can see it), and a fixture added (every test below depends
  on it); restored afterwards;
- a pre-commit style run of 3 named files with no cache and with a warm one (the warm cache is
  set aside for the no-cache runs and put back, so the project is left warm);
- ``testaudit --version``; peak RSS (the largest single process of a cold run);
- ``ruff check --no-cache`` and cached ruff over the same PATHs (with testaudit's excludes),
  when ruff is installed.

Below the table: the cold/floor ratio of each alternated pair, the CPU time of both (every
process of the run), and how much CPU time the hypervisor stole meanwhile (``/proc/stat``),
which tells a noisy run from a slow one.

No project at hand? ``python benchmarks/make_project.py 2000 /tmp/synthetic`` writes one.
The machine may be shared and noisy: compare ratios, not absolute times, between runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

CACHE = ".testaudit_cache"


def _testaudit() -> List[str]:
    exe = Path(sys.executable).with_name("testaudit")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "testaudit"]


def _cpu_ticks() -> Optional[Tuple[int, int]]:
    """(all, stolen) clock ticks of the machine's CPUs so far, from ``/proc/stat`` (Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields[:8]), (fields[7] if len(fields) > 7 else 0)


class Timing:
    """One run: wall seconds, CPU seconds of the command and every process it waited for, the
    peak RSS (KiB) of the largest of them, and the share of the machine's CPU time the
    hypervisor took for others meanwhile (steal; None where unknown)."""

    def __init__(self, wall: float, cpu: float, rss: int, steal: Optional[float]) -> None:
        self.wall, self.cpu, self.rss, self.steal = wall, cpu, rss, steal


def timed(cmd: Sequence[str], cwd: Path) -> Timing:
    before = _cpu_ticks()
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    after = _cpu_ticks()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    steal = None
    if before is not None and after is not None and after[0] > before[0]:
        steal = (after[1] - before[1]) / (after[0] - before[0])
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, steal)


class Row:
    def __init__(self, name: str) -> None:
        self.name = name
        self.times: List[float] = []
        self.cpu: List[float] = []
        self.steal: List[float] = []

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def extend(self, more: "Row") -> None:
        self.times += more.times
        self.cpu += more.cpu
        self.steal += more.steal

    def cell(self) -> str:
        return f"{self.median:8.2f} s  ({min(self.times):.2f}–{max(self.times):.2f})"


def measure(name: str, runs: int, prepare: Callable[[], None], cmd: Sequence[str], cwd: Path,
            rss: Optional[List[int]] = None) -> Row:
    row = Row(name)
    for _ in range(runs):
        prepare()
        run = timed(cmd, cwd)
        row.times.append(run.wall)
        row.cpu.append(run.cpu)
        if run.steal is not None:
            row.steal.append(run.steal)
        if rss is not None:
            rss.append(run.rss)
        steal = f", steal {run.steal:.0%}" if run.steal is not None else ""
        print(f"  {name}: {run.wall:.2f} s (CPU {run.cpu:.1f} s{steal})", file=sys.stderr, flush=True)
    return row


def _parse(path: str) -> bool:
    import libcst

    try:
        with open(path, "rb") as fh:
            libcst.parse_module(fh.read())
        return True
    except Exception:  # noqa: BLE001 - broken files are part of real corpora
        return False


def parse_floor(files: Sequence[str], jobs: int) -> None:
    """Only parse: what a check can never beat. Run as its own process, like a check."""
    if jobs <= 1:
        for f in files:
            _parse(f)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_parse, files, chunksize=max(1, min(32, len(files) // (jobs * 8) or 1))))


def files_read(project: Path) -> List[str]:
    """Every file the last cold run read (checked or reached), from the cache it wrote."""
    with sqlite3.connect(project / CACHE / "cache.sqlite3") as conn:
        rels = sorted({rel for (rel,) in conn.execute("SELECT DISTINCT rel FROM results")})
    return [str(project / rel) for rel in rels]


def _excludes(project: Path) -> List[str]:
    """testaudit's exclude patterns, so ruff skips the same files."""
    from testaudit.api import load

    config = load([str(project)])
    return list(config.all_excludes)


def pick_test_modules(project: Path, paths: Sequence[str], count: int) -> List[str]:
    """``count`` test modules spread evenly over the checked paths (deterministic)."""
    found: List[str] = []
    for p in paths:
        base = project / p
        found.extend(str(f.relative_to(project)) for f in sorted(base.rglob("test_*.py"))
                     if CACHE not in f.parts and "backup" not in str(f))
    if len(found) < count:
        raise SystemExit(f"need {count} test modules under {paths}, found {len(found)}")
    step = len(found) // count
    return [found[i * step + step // 2] for i in range(count)]


def widest_conftest(project: Path, paths: Sequence[str]) -> str:
    """The conftest with the most test modules below its directory (deterministic)."""
    best: Tuple[int, str] = (-1, "")
    for p in paths:
        for conftest in sorted((project / p).rglob("conftest.py")):
            if CACHE in conftest.parts:
                continue
            below = sum(1 for _ in conftest.parent.rglob("test_*.py"))
            rel = str(conftest.relative_to(project))
            if below > best[0] or (below == best[0] and rel < best[1]):
                best = (below, rel)
    if not best[1]:
        raise SystemExit(f"no conftest.py under {paths}; name one with --conftest")
    return best[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("paths", nargs="*", default=["."])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                    else (os.cpu_count() or 1))
    ap.add_argument("--files", nargs=3, help="the 3 files of the pre-commit style run (default: spread picks)")
    ap.add_argument("--conftest", help="the conftest edited (default: the one with the most test modules below it)")
    ap.add_argument("--parse-floor", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.parse_floor:
        jobs_text, listing = args.parse_floor
        parse_floor(Path(listing).read_text(encoding="utf-8").splitlines(), int(jobs_text))
        return

    project = Path(args.project).resolve()
    paths = list(args.paths)
    jobs = str(args.jobs)
    check = [*_testaudit(), "check", *paths, "--format", "concise", "--exit-zero", "-j", jobs]
    three = args.files or pick_test_modules(project, paths, 3)
    edit_target = project / three[0]
    original = edit_target.read_bytes()

    def drop_cache() -> None:
        shutil.rmtree(project / CACHE, ignore_errors=True)

    def nothing() -> None:
        pass

    def touch() -> None:
        os.utime(edit_target, None)

    def edit() -> None:
        edit_target.write_bytes(original + f"\n# benchmark edit {time.time_ns()}\n".encode())

    conftest = project / (args.conftest or widest_conftest(project, paths))
    conftest_text = conftest.read_bytes()

    def comment_conftest() -> None:  # a change no other file can see
        conftest.write_bytes(conftest_text + f"\n# benchmark edit {time.time_ns()}\n".encode())

    def fixture_conftest() -> None:  # a new fixture: every test below it depends on the change
        conftest.write_bytes(conftest_text + (f"\n\nimport pytest\n\n\n@pytest.fixture\ndef benchmark_{time.time_ns()}():"
                                              f"\n    return 1\n").encode())

    rows: Dict[str, Row] = {}
    rss: List[int] = []
    print(f"benchmarking {project} {' '.join(paths)} with {jobs} processes, {args.runs} runs each", file=sys.stderr)
    rows["cold"] = measure("cold full run", 1, drop_cache, check, project, rss)
    floor_files = files_read(project)
    listing = Path(tempfile.mkdtemp()) / "files.txt"
    listing.write_text("\n".join(floor_files), encoding="utf-8")
    floor_cmd = [sys.executable, __file__, str(project), "--parse-floor", jobs, str(listing)]
    rows["floor"] = measure(f"floor: libcst-parse the {len(floor_files)} files read", 1, nothing, floor_cmd, project)
    for _ in range(args.runs - 1):  # alternated, so a busy spell on a shared machine hits both
        rows["cold"].extend(measure("cold full run", 1, drop_cache, check, project, rss))
        rows["floor"].extend(measure("floor", 1, nothing, floor_cmd, project))
    rows["warm"] = measure("warm full run, nothing changed", args.runs, nothing, check, project)
    rows["touch"] = measure("warm full run after touching 1 file", args.runs, touch, check, project)
    try:
        rows["edit"] = measure("warm full run after editing 1 file", args.runs, edit, check, project)
    finally:
        edit_target.write_bytes(original)
    timed(check, project)  # back to a warm cache of the original content
    try:
        rows["conftest_comment"] = measure("warm full run after a comment added to the conftest", args.runs,
                                           comment_conftest, check, project)
        rows["conftest_fixture"] = measure("warm full run after a fixture added to the conftest", args.runs,
                                           fixture_conftest, check, project)
    finally:
        conftest.write_bytes(conftest_text)
    timed(check, project)
    pre = [*_testaudit(), "check", *three, "--format", "concise", "--exit-zero", "-j", jobs]
    rows["pre_warm"] = measure("pre-commit run of 3 files, warm cache", args.runs, nothing, pre, project)
    kept = project / f"{CACHE}.kept"  # the warm cache, put back afterwards (inside the project named)
    shutil.rmtree(kept, ignore_errors=True)
    os.replace(project / CACHE, kept)
    try:
        rows["pre_cold"] = measure("pre-commit run of 3 files, no cache", args.runs, drop_cache, pre, project)
    finally:
        drop_cache()
        os.replace(kept, project / CACHE)
    rows["version"] = measure("testaudit --version", args.runs, nothing, [*_testaudit(), "--version"], project)
    ruff = shutil.which("ruff") or (str(Path(sys.executable).with_name("ruff"))
                                    if Path(sys.executable).with_name("ruff").exists() else None)
    if ruff:
        ruff_cache = project / CACHE / "ruff"
        excludes = ",".join(_excludes(project))
        base = [ruff, "check", *paths, "--exit-zero", "--output-format", "concise", "--quiet",
                *(["--extend-exclude", excludes] if excludes else [])]
        rows["ruff_cold"] = measure("ruff check --no-cache", args.runs, nothing, [*base, "--no-cache"], project)
        timed([*base, "--cache-dir", str(ruff_cache)], project)
        rows["ruff_warm"] = measure("ruff check, cached", args.runs, nothing,
                                    [*base, "--cache-dir", str(ruff_cache)], project)

    print(f"\n{project.name} {' '.join(paths)}: {len(floor_files)} files read, {jobs} processes, "
          f"median of {args.runs} runs (min–max)\n")
    print("| run | time | ratio |")
    print("| --- | ---: | ---: |")
    ratios = {"cold": ("floor", "× floor"), "warm": ("ruff_warm", "× cached ruff"),
              "touch": ("ruff_warm", "× cached ruff"), "edit": ("ruff_warm", "× cached ruff")}
    for key, row in rows.items():
        ratio = ""
        if key in ratios and ratios[key][0] in rows:
            ref, unit = ratios[key]
            ratio = f"{row.median / rows[ref].median:.2f} {unit}"
        print(f"| {row.name} | {row.cell().strip()} | {ratio} |")
    print(f"| peak RSS, largest process of a cold run | {max(rss) / 1024:.0f} MiB | |")
    cold, floor = rows["cold"], rows["floor"]
    pairs = [c / f for c, f in zip(cold.times, floor.times)]
    print(f"\ncold against floor, run by run (alternated): {', '.join(f'{r:.2f}' for r in pairs)}; "
          f"median {statistics.median(pairs):.2f}")
    print(f"CPU time (all processes): cold {statistics.median(cold.cpu):.0f} s, floor {statistics.median(floor.cpu):.0f} s "
          f"= {statistics.median(cold.cpu) / statistics.median(floor.cpu):.2f} × floor")
    if cold.steal and floor.steal:
        print(f"CPU stolen by the hypervisor meanwhile: cold runs {', '.join(f'{s:.0%}' for s in cold.steal)}; "
              f"floor runs {', '.join(f'{s:.0%}' for s in floor.steal)}")
    print(f"\npre-commit files: {', '.join(three)}; edited/touched: {three[0]}; conftest edited: "
          f"{conftest.relative_to(project)}")


if __name__ == "__main__":
    main()
