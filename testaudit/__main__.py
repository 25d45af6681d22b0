"""The ``testaudit`` command and ``python -m testaudit``: the CLI, imported under a guard so a
Ctrl-C while its modules load ends the run the way one during the run does (a line on stderr,
status 130), not with Python's traceback. Only ``os`` and ``sys`` are imported before the guard.

Once a command has returned, the process ends without tearing the interpreter down (as mypy
does): by then everything is written (files atomically, the cache in one transaction, workers
stopped), and freeing a large run's objects one by one only delays the exit — about 80 ms of a
one-second warm run over 9,000 files. Called from Python (``testaudit.cli.main``), nothing of
this applies."""
import os
import sys


def _without_the_working_directory() -> None:
    """``python -m testaudit`` puts the current directory first on ``sys.path``: run in the root
    of a project under audit, its own ``click.py`` or ``rich/`` would be imported in place of
    testaudit's dependencies, and run. Drop that entry, unless testaudit itself is imported
    from there (a checkout of testaudit)."""
    cwd = os.getcwd()
    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if home != cwd:
        sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != cwd]


def main() -> None:
    _without_the_working_directory()
    try:
        from testaudit.cli import main as cli
    except KeyboardInterrupt:
        sys.stderr.write("testaudit: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # as cli._guard: sys.exit could still end the process with SIGINT
    try:
        cli()
    except SystemExit as exc:
        _exit(exc)
        raise


def _exit(exc: SystemExit) -> None:
    """End the process with ``exc``'s status once stdout and stderr are flushed; return (so the
    exception takes Python's own way out) when the status is not a number or a flush fails."""
    code = exc.code
    if code is not None and not isinstance(code, int):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: Python's exit reports it as usual
        return
    os._exit(code or 0)


if __name__ == "__main__":
    main()
