"""The per-file stage's processes: files handed out as they are discovered, in this process with
one job or in one process pool kept for the run; Ctrl-C, a worker's death and a file that
kills its worker are handled here, and the run goes on."""
from __future__ import annotations

import copy
import os
import signal
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from testaudit.atomic import interrupt_deferred
from testaudit.config import Config
from testaudit.discover import SourceFile
from testaudit.model import CHECK, FACTS, FileResult

if TYPE_CHECKING:
    import multiprocessing.context
    import queue
    from concurrent.futures import Future, ProcessPoolExecutor
    from testaudit.registry import RuleSet


Progress = Callable[[str, int, int], None]
def default_jobs() -> int:
    """The usable CPUs (affinity-aware where the platform says)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def quiet_context() -> "multiprocessing.context.BaseContext":
    """The default multiprocessing context, whose processes start with SIGINT blocked: Ctrl-C
    reaches the whole process group, and a worker caught between its birth and its initializer
    (which ignores SIGINT, then unblocks it) would print a traceback of its own. In the main
    process a Ctrl-C during the fork is only deferred until the fork returns."""
    import multiprocessing
    import signal

    base = multiprocessing.get_context()
    if not hasattr(signal, "pthread_sigmask"):
        return base

    class Process(base.Process):  # type: ignore[name-defined]
        def start(self) -> None:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                super().start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    context = copy.copy(base)
    context.Process = Process  # type: ignore[misc]
    return context


def _died(src: SourceFile, role: str, processes: Sequence[Any]) -> FileResult:
    """The result of a file that killed its worker alone: over its CPU or memory budget when the
    kernel's limits ended it (SIGXCPU, or SIGKILL/SIGABRT after a failed allocation is not told
    apart from a crash), else a crash."""
    from testaudit.analyze import crashed_result, over_budget_result
    from testaudit.budget import OverBudget

    import time

    deadline = time.monotonic() + 5  # the pool's own thread may be the one reaping it: wait for its code
    while any(p.exitcode is None for p in processes) and time.monotonic() < deadline:
        time.sleep(0.01)
    codes = {p.exitcode for p in processes}
    if hasattr(signal, "SIGXCPU") and -signal.SIGXCPU in codes:
        return over_budget_result(src, role, OverBudget())
    return crashed_result(src, role)


class Workers:
    """Per-file work for one run, handed out as it is discovered: in this process with one job
    (or for a lone file), else in one process pool kept for the whole run. Results come back in
    completion order; callers sort."""

    def __init__(self, config: Config, ruleset: Union["RuleSet", Callable[[], "RuleSet"]], jobs: Optional[int],
                 progress: Optional[Progress] = None) -> None:
        self.config, self._ruleset, self.progress = config, ruleset, progress
        self._initialised = False
        self.count = jobs or config.jobs or default_jobs()
        self.pool: Optional["ProcessPoolExecutor"] = None
        self.running: Dict["Future[List[FileResult]]", Tuple[str, Sequence[SourceFile]]] = {}
        # futures as they finish (each puts itself here, from the pool's thread): waiting for any
        # of a few hundred with concurrent.futures.wait locks every one of them on every call
        self.finished: "Optional[queue.SimpleQueue[Future[List[FileResult]]]]" = None
        self.ready: List[Tuple[str, FileResult]] = []
        self.done = {CHECK: 0, FACTS: 0}
        self.total = {CHECK: 0, FACTS: 0}
        self.crashed: List[str] = []  # files whose worker died: their results are never cached

    @property
    def ruleset(self) -> "RuleSet":
        """The rule set, built on first use when given as a factory (a warm run served from the
        cache never needs it, nor libcst)."""
        if callable(self._ruleset):  # a RuleSet is not callable: this is the factory
            self._ruleset = self._ruleset()
        return self._ruleset

    def _in_process(self) -> None:
        """Set up this process to analyse files itself (as the pool's initializer does a worker)."""
        if not self._initialised:
            from testaudit.analyze import init_worker

            init_worker(self.config, self.ruleset)
            self._initialised = True

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if self.pool is not None:
            if kind is not None:  # Ctrl-C or an error: stop now rather than finish queued chunks
                for process in list(getattr(self.pool, "_processes", {}).values()):
                    process.terminate()
            # a normal shutdown defers a Ctrl-C (see interrupt_deferred: it would be swallowed)
            with interrupt_deferred() if kind is None else nullcontext():
                self.pool.shutdown(wait=kind is None, cancel_futures=True)
                self.pool = None

    def submit(self, files: Sequence[SourceFile], role: str) -> None:
        """Queue ``files``, in chunks: one task per file costs the main process a wake-up and a
        message per file (a tenth of a cold full run on a 2-core machine)."""
        from testaudit.analyze import analyze_file, analyze_files, batch

        self._in_process()  # also for the pool: a worker's death is reported from this process
        self.total[role] += len(files)
        if self.count <= 1 or (len(files) == 1 and not self.running):
            with batch(len(files)):  # as analyze_files does in a worker
                for f in files:
                    self._take(role, analyze_file(f, role))
            return
        if self.pool is None:
            import queue

            self.pool = self._new_pool(self.count)
            self.finished = queue.SimpleQueue()
        size = max(1, min(32, len(files) // (self.count * 4)))
        for i in range(0, len(files), size):
            chunk = files[i:i + size]
            future = self.pool.submit(analyze_files, chunk, role)
            self.running[future] = (role, chunk)
            future.add_done_callback(self.finished.put)  # type: ignore[union-attr]

    def _new_pool(self, count: int) -> "ProcessPoolExecutor":
        from concurrent.futures import ProcessPoolExecutor  # a warm run never starts a pool (15 ms to import)

        from testaudit.analyze import init_pool_worker

        return ProcessPoolExecutor(max_workers=count, initializer=init_pool_worker, mp_context=quiet_context(),
                                   initargs=(self.config, self.ruleset))

    def collect(self, block: bool = True) -> List[Tuple[str, FileResult]]:
        """Results not yet collected, waiting for at least one when ``block``; empty when nothing
        is left (or, without ``block``, nothing has finished yet)."""
        if not self.ready and self.running:
            from concurrent.futures.process import BrokenProcessPool

            finished = self._finished(block)
            lost: List[Tuple[str, Sequence[SourceFile]]] = []
            for future in sorted(finished, key=lambda fut: self.running[fut][0]):
                role, chunk = self.running.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:  # a worker died: every task still in the pool is lost
                    lost.append((role, chunk))
                    continue
                for res in results:
                    self._take(role, res)
            if lost:
                self._recover(lost)
        out, self.ready = self.ready, []
        return out

    def _finished(self, block: bool) -> List["Future[List[FileResult]]"]:
        """The running futures that have finished, waiting for one when ``block`` (futures of a
        pool given up on, left in the queue, are not running any more: skipped)."""
        import queue

        out: List["Future[List[FileResult]]"] = []
        while self.finished is not None:
            try:
                future = self.finished.get(block=block and not out)  # then take what else is there
            except queue.Empty:
                break
            if future in self.running:
                out.append(future)
        return out

    def _recover(self, lost: List[Tuple[str, Sequence[SourceFile]]]) -> None:
        """A worker process died (killed, out of memory, a crash in native code). Finish what
        the broken pool held, ``count`` files at a time in a fresh pool; when a pool breaks
        again, redo those files one by one, and the file that kills its worker alone becomes a
        TA001 internal-error finding (a warning when only its facts were wanted). The run goes on."""
        from concurrent.futures.process import BrokenProcessPool

        from testaudit.analyze import analyze_files

        for future, (role, chunk) in list(self.running.items()):  # the rest of the broken pool
            try:
                for res in future.result():
                    self._take(role, res)
            except BrokenProcessPool:
                lost.append((role, chunk))
        self.running.clear()
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        todo = [(role, f) for role, chunk in lost for f in chunk]
        pool = self._new_pool(self.count)
        try:
            for i in range(0, len(todo), self.count):
                group = todo[i:i + self.count]
                futures = [pool.submit(analyze_files, [f], role) for role, f in group]
                try:
                    outcome = [fut.result() for fut in futures]
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    outcome = []
                    for role, f in group:  # one by one, to find the file that kills its worker
                        alone = self._new_pool(1)
                        processes = []
                        try:
                            future = alone.submit(analyze_files, [f], role)
                            processes = list(getattr(alone, "_processes", {}).values())
                            outcome.append(future.result())
                        except BrokenProcessPool:
                            outcome.append([_died(f, role, processes)])
                            self.crashed.append(f.rel)
                        finally:
                            alone.shutdown(wait=False, cancel_futures=True)
                    pool = self._new_pool(self.count)
                for (role, _), results in zip(group, outcome):
                    for res in results:
                        self._take(role, res)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _take(self, role: str, res: FileResult) -> None:
        """A result is in. One over a per-file budget is treated as a crash: never cached."""
        if res.transient:
            self.crashed.append(res.path)
        self.ready.append((role, res))
        self._tick(role)

    def here(self, src: SourceFile, role: str) -> FileResult:
        """One file analysed in this process, now: a read the project phase asks for. A file
        whose worker died in this run is not tried again here, where it would take the run down
        with it; its crash result stands (and, like every crashed file, is never cached)."""
        from testaudit.analyze import analyze_file, crashed_result

        self._in_process()
        self.total[role] += 1
        res = crashed_result(src, role) if src.rel in self.crashed else analyze_file(src, role)
        if res.transient:
            self.crashed.append(res.path)
        self._tick(role)
        return res

    def map(self, files: Sequence[SourceFile], role: str) -> List[FileResult]:
        """Every file's result, in ``files`` order."""
        self.submit(files, role)
        by_path: Dict[str, FileResult] = {}
        while len(by_path) < len(files):
            batch = self.collect()
            if not batch:
                break
            by_path.update((res.path, res) for _, res in batch)
        return [by_path[f.rel] for f in files]

    def _tick(self, role: str) -> None:
        self.done[role] += 1
        if self.progress is not None:
            self.progress(role, self.done[role], self.total[role])
