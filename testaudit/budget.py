"""Per-file bounds on the analysis: a file that takes longer than ``max-file-seconds`` of CPU, or
more than ``max-file-memory`` bytes, is not analysed (a TA001 and a warning say why) and the
run goes on (SPEC §11: one file cannot stop the audit of the others).

Two layers, because libcst's parser is native code that Python signals cannot interrupt:

- a CPU-time timer (``SIGPROF``) raises :class:`OverBudget` in the Python code of the analysis —
  rules, regexes, the tree walk — as soon as the budget is spent (main thread only);
- in pool workers, ``RLIMIT_CPU`` is set to twice the budget past the CPU the worker has used,
  so a worker stuck in native code is killed by the kernel (``SIGXCPU``), and ``RLIMIT_DATA``
  to the budget past the worker's current data size, so an allocation past it fails
  (``MemoryError``) or kills the worker. The engine's crash recovery then isolates the file.

Neither result is cached: on a quieter machine, or with a larger budget, the next run tries again.
Where the platform has no ``setitimer`` / ``resource`` (Windows), the bounds are not enforced.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator, Optional

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


class OverBudget(BaseException):
    """The file's analysis spent its time budget. A BaseException, so the ``except Exception``
    that turns a rule's crash into a finding cannot swallow it."""


def _on_timer(signum: int, frame: Any) -> None:
    raise OverBudget()


def _data_size() -> Optional[int]:
    """This process's data segment (``VmData``) in bytes, or None where /proc has none."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


@contextmanager
def file_budget(seconds: int, memory: int, hard: bool) -> Iterator[None]:
    """Bound the analysis run inside: ``seconds`` of CPU time and, with ``hard`` (a pool worker,
    whose death the engine recovers from), the kernel limits of the module docstring."""
    # the CPU timer is process-wide: one a profiler of an embedding program runs is left alone
    timer = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
             and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0))
    previous: Any = None
    limits: list = []
    if timer:
        previous = signal.signal(signal.SIGPROF, _on_timer)
        signal.setitimer(signal.ITIMER_PROF, float(seconds))
    if hard and resource is not None:
        limits = _set_limits(seconds, memory)
    try:
        yield
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
        for which, old in limits:
            try:
                resource.setrlimit(which, old)
            except (ValueError, OSError):  # pragma: no cover - a limit we may not restore
                pass


def no_core_dumps() -> None:
    """A worker the kernel kills for its CPU limit (``SIGXCPU``) would dump core into the
    current directory where core files are enabled: this process never dumps one."""
    if resource is not None:
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
        except (ValueError, OSError):  # pragma: no cover
            pass


def _set_limits(seconds: int, memory: int) -> list:
    """Lower the soft CPU and data limits for one file; the (limit, old value) pairs to restore."""
    set_ = []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime)
    data = _data_size()
    wanted = [(resource.RLIMIT_CPU, spent + 2 * seconds + 1)]
    if data is not None:
        wanted.append((resource.RLIMIT_DATA, data + memory))
    for which, soft in wanted:
        old = resource.getrlimit(which)
        hard_limit = old[1]
        if hard_limit != resource.RLIM_INFINITY and soft > hard_limit:
            continue
        try:
            resource.setrlimit(which, (soft, hard_limit))
            set_.append((which, old))
        except (ValueError, OSError):  # pragma: no cover - not permitted here
            pass
    return set_
