"""Atomic file writes (SPEC §11): a temporary file in the target's directory, then ``os.replace``,
so a reader never sees half a report, badge, cache or baseline. The file keeps the mode of the
one it replaces, or gets the usual ``0o666 & ~umask`` (``mkstemp`` alone would leave ``0o600``).
Targets that are not regular files (``-o /dev/null``, a FIFO) are written in place."""
from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from typing import Iterator, List


def write_text_atomic(path: str, text: str) -> None:
    # a lone surrogate (an undecodable file-name byte a reporter did not escape) is written as
    # its escape, never as a raw byte and never as an error that loses the report
    write_bytes_atomic(path, text.encode("utf-8", "backslashreplace"))


def write_bytes_atomic(path: str, data: bytes) -> None:
    with interrupt_deferred():
        _write_bytes_atomic(path, data)


def _write_bytes_atomic(path: str, data: bytes) -> None:
    if os.path.exists(path) and not os.path.isfile(path):  # /dev/null, a FIFO…: nothing to replace
        with open(path, "wb") as fh:
            fh.write(data)
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:  # `-o reports/run.json` into a directory not made yet: the user named it, so make it
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), path) from None
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".testaudit-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a file-size limit: name the file the user asked for
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OSError(exc.errno, exc.strerror or str(exc), path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode(path: str) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def interrupt_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back until the block ends, then deliver it as usual. An atomic write must
    not stop between creating its temporary file and replacing the target (a Ctrl-C there left
    the temporary file behind); a pool's normal shutdown runs multiprocessing finalizers, and a
    KeyboardInterrupt raised inside one is printed as "Exception ignored ... Traceback" and
    swallowed. Only the main thread may set handlers; elsewhere the block runs as it is."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is None or threading.current_thread() is not threading.main_thread():
        yield  # a handler not set from Python could not be put back
        return
    caught: List[int] = []  # the signal number only: keeping the frame would keep it alive
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(signal.SIGINT, None)
        elif previous == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)
