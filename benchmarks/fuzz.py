"""Fuzz the whole pipeline with mutated real test modules for a given time.

    python benchmarks/fuzz.py SOURCE_DIR [--minutes 5] [--seed 1] [--save failures/]

Takes the ``test_*.py`` files under SOURCE_DIR (a real suite, e.g. the reference corpus),
mutates them — bit flips, truncation, line shuffles and duplications, spliced halves of two
modules, NUL bytes, stray BOMs and CR line ends — and runs each through the whole engine
(discovery, libcst and ast front ends, every rule, the project phase, suppressions, scoring) in a
throw-away project. A *failure* is any exception, or a result that is not findings and warnings
on the fuzzed file. Prints how many inputs it tried and how many failed; failing inputs are saved
when ``--save`` is given. Exit 1 on any failure.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, List

from testaudit.api import check_paths
from testaudit.config import load_config

TARGET = "tests/integration/test_fuzzed.py"


def _flip(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        if out:
            out[rnd.randrange(len(out))] ^= 1 << rnd.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randint(0, len(data))]


def _shuffle(data: bytes, rnd: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    for _ in range(rnd.randint(1, 6)):
        if lines:
            lines.insert(rnd.randint(0, len(lines)), lines.pop(rnd.randrange(len(lines))))
    return b"".join(lines)


def _duplicate(data: bytes, rnd: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if lines:
        i = rnd.randrange(len(lines))
        lines[i:i] = lines[i:i + rnd.randint(1, 20)] * rnd.randint(1, 5)
    return b"".join(lines)


def _junk(data: bytes, rnd: random.Random) -> bytes:
    junk = rnd.choice([b"\x00", b"\xef\xbb\xbf", b"\r", b"\t", b"\xff\xfe", b"(" * 200, b"'''", b"\\\n"])
    i = rnd.randint(0, len(data))
    return data[:i] + junk + data[i:]


MUTATIONS: List[Callable[[bytes, random.Random], bytes]] = [_flip, _truncate, _shuffle, _duplicate, _junk]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source")
    ap.add_argument("--minutes", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", help="directory for failing inputs")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    seeds = sorted(p for p in Path(args.source).rglob("test_*.py") if p.is_file())
    if not seeds:
        raise SystemExit(f"no test_*.py files under {args.source}")
    deadline = time.monotonic() + args.minutes * 60
    tried = failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text("[tool.testaudit]\n", encoding="utf-8")
        target = root / TARGET
        target.parent.mkdir(parents=True)
        config = load_config(root)
        while time.monotonic() < deadline:
            data = rnd.choice(seeds).read_bytes()
            if rnd.random() < 0.2:  # splice two modules
                other = rnd.choice(seeds).read_bytes()
                data = data[: rnd.randint(0, len(data))] + other[rnd.randint(0, len(other)):]
            for _ in range(rnd.randint(1, 3)):
                data = rnd.choice(MUTATIONS)(data, rnd)
            target.write_bytes(data)
            tried += 1
            problem = ""
            try:
                result = check_paths([str(root)], config, jobs=1)
                bad = [f for f in result.findings if f.path != TARGET or f.location.line < 1 or not f.message]
                if bad:
                    problem = f"malformed findings: {bad[:3]}"
            except Exception:  # noqa: BLE001 - that is exactly what we are looking for
                problem = traceback.format_exc()
            if problem:
                failures += 1
                print(f"failure #{failures} after {tried} inputs:\n{problem}", file=sys.stderr)
                if args.save:
                    Path(args.save).mkdir(parents=True, exist_ok=True)
                    (Path(args.save) / f"failure-{failures}.py.bin").write_bytes(data)
    print(f"{tried} inputs tried in {args.minutes:g} min from {len(seeds)} seed modules; {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
