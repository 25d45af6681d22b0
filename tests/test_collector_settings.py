"""A run tunes Python's cyclic garbage collector for itself and its workers, and gives the
caller's settings back.

Business Value Justification (BVJ):
- Segment: Platform/Internal (teams running testaudit in CI and from pre-commit hooks)
- Business Goal: Velocity
- Value Impact: the collector's default thresholds cost about a seventh of a cold check's CPU
- Strategic Impact: an embedding program (a pytest plugin, an editor) keeps its own settings
"""
from __future__ import annotations

import gc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import List, Tuple

import pytest

from conftest import run_project, write_project
from testaudit import engine, gc_tuning, workers
from testaudit.analyze import init_pool_worker
from testaudit.config import Config
from testaudit.registry import build_ruleset

TEST = '"""Doc."""\n\n\ndef test_{n}():\n    assert {n} == {n}\n'


def _collector_state() -> Tuple[Tuple[int, int, int], int]:
    return gc.get_threshold(), gc.get_freeze_count()


@pytest.fixture()
def caller_settings():  # type: ignore[no-untyped-def]
    """Odd thresholds of the caller's own, restored whatever the test does."""
    before = gc.get_threshold()
    gc.set_threshold(1234, 7, 5)
    yield (1234, 7, 5)
    gc.set_threshold(*before)


def test_workers_run_with_the_tuned_thresholds_and_their_start_up_objects_frozen() -> None:
    config = Config(root=".")
    with ProcessPoolExecutor(max_workers=1, initializer=init_pool_worker, initargs=(config, build_ruleset(config)),
                             mp_context=workers.quiet_context()) as pool:
        thresholds, frozen = pool.submit(_collector_state).result()
    assert thresholds == gc_tuning.GC_THRESHOLDS
    assert frozen > 10_000  # modules, rules, config: set aside once, not scanned per collection


def test_a_run_uses_the_tuned_thresholds_and_restores_the_callers(tmp_path: Path, caller_settings) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "p", {f"tests/unit/test_{n}.py": TEST.format(n=n) for n in range(3)})
    seen: List[Tuple[int, int, int]] = []
    result = run_project(root, progress=lambda *_: seen.append(gc.get_threshold()))
    assert result.files_checked == 3
    assert seen and set(seen) == {gc_tuning.GC_THRESHOLDS}
    assert gc.get_threshold() == caller_settings
    assert gc.get_freeze_count() == 0  # what the run set aside is collectable again


def test_a_failing_run_restores_the_callers_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     caller_settings) -> None:  # type: ignore[no-untyped-def]
    root = write_project(tmp_path / "p", {"tests/unit/test_0.py": TEST.format(n=0)})

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert gc.get_threshold() == gc_tuning.GC_THRESHOLDS
        raise RuntimeError("discovery failed")

    monkeypatch.setattr(engine, "discover", broken)
    with pytest.raises(RuntimeError, match="discovery failed"):
        run_project(root)
    assert gc.get_threshold() == caller_settings
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("edit", [False, True], ids=["run record", "per-file outcomes"])
def test_cached_outcomes_are_decoded_without_a_collection_and_set_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: bool) -> None:
    """Decoding cached outcomes builds many objects the run keeps and none in a cycle: no
    collection runs meanwhile (even with a threshold of 50 allocations), the collector is on
    again afterwards, and nothing stays frozen once the run is over."""
    from testaudit import cache

    files = {f"tests/integration/test_{n}.py": TEST.format(n=n) + "\n\ndef test_env():\n    import os\n"
             "    assert os.environ['X']\n" for n in range(60)}
    root = write_project(tmp_path / "p", files)
    expected = run_project(root, cache=True)
    assert len(expected.findings) >= 60
    if edit:  # the run record no longer holds: outcomes come from the per-file table
        (root / "tests/integration/test_0.py").write_text(files["tests/integration/test_0.py"] + "\n")
    monkeypatch.setattr(gc_tuning, "GC_THRESHOLDS", (50, 10, 10))
    decoding = []
    collections: List[bool] = []
    real = cache.decode_outcomes

    def watched(value):  # type: ignore[no-untyped-def]
        decoding.append(True)
        try:
            return real(value)
        finally:
            decoding.pop()

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(bool(decoding))

    monkeypatch.setattr(cache, "decode_outcomes", watched)
    gc.callbacks.append(callback)
    try:
        result = run_project(root, cache=True)
    finally:
        gc.callbacks.remove(callback)
    assert [f.message for f in result.findings] == [f.message for f in expected.findings]
    assert collections and not any(collections)  # the run collected, just never while decoding
    assert gc.isenabled() and gc.get_freeze_count() == 0
