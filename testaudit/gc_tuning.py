"""The cyclic garbage collector during a run, in this process and in the workers: thresholds
suited to parsing, and what lives for the whole run set aside from it."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


# The cyclic collector's thresholds during a run, here and in the workers (mypy uses the same):
# a parse allocates an object per token and nearly all of them die by reference counting, yet at
# the default 700-allocation threshold the collector runs thousands of times per file over young
# trees and keeps promoting them towards full collections — about a seventh of a check's CPU,
# for a few hundred cyclic objects found in a 250-file corpus sample.
GC_THRESHOLDS = (200_000, 30, 30)


@contextmanager
def collector_tuned() -> Iterator[None]:
    """:data:`GC_THRESHOLDS` for one run, and what already lives (modules, config) set aside from
    the collector meanwhile; the caller's settings come back afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@contextmanager
def set_aside() -> Iterator[None]:
    """Inside :func:`collector_tuned`, for decoding what the run keeps (a corpus run record:
    ~250,000 objects, none in a cycle): no collection meanwhile — one young collection traversed
    them all to free nothing, 46–57 ms of a 0.8 s warm run — and what was built is then set aside
    with the rest (``gc.freeze``), so later collections skip it too until the run ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
