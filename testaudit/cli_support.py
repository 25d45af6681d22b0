"""What the commands of :mod:`testaudit.cli` share: error handling that ends in one line and an
exit code, the progress display, default paths and the baseline file. Light: imported for
``--version`` too."""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Sequence

import click

# options several commands share, each applied as a decorator (every use makes its own Option)
jobs_option = click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
config_option = click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
no_cache_option = click.option("--no-cache", is_flag=True, help="Neither read nor write .testaudit_cache/.")
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")


def run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--jobs, --config, --no-cache and --verbose: what every command that runs a check takes."""
    return jobs_option(config_option(no_cache_option(verbose_option(command))))


def _split(values: Sequence[str]) -> List[str]:
    out: List[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _fail(message: str) -> None:
    click.echo(f"testaudit: error: {message}", err=True)
    sys.exit(2)


def _guard(fn: Callable[..., Any], verbose: bool, *args: Any, **kwargs: Any) -> Any:
    from testaudit.errors import TestauditError

    try:
        return fn(*args, **kwargs)
    except TestauditError as exc:
        _fail(str(exc))
    except BrokenPipeError:  # the reader went away (`| head`): nothing more can be shown
        _quiet_stdout()
        os._exit(141)  # as a process killed by SIGPIPE: the shell's convention
    except OSError as exc:  # a file the run reads or writes (a full disk, a size limit…): name it
        if verbose:
            raise
        if exc.filename is not None:
            _fail(f"{exc.filename}: {exc.strerror or exc}")
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)")
    except KeyboardInterrupt:  # workers are stopped and nothing half-written is left (files are
        # replaced atomically, the cache in transactions) by the time this is reached
        click.echo("testaudit: interrupted", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # not sys.exit: CPython sometimes still counts the interrupt as unhandled and ends the
        # process with SIGINT instead of the conventional status 130
        os._exit(130)
    except Exception as exc:  # noqa: BLE001 - exit 2 with one line, as promised
        if verbose:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)")


def _quiet_stdout() -> None:
    """Point stdout at the null device, so no flush at exit writes to the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _paths_or_default(paths: Sequence[str], config: Any, show: bool = True) -> List[str]:
    """The paths given, else what a run without paths checks (pytest's testpaths, or the current
    directory), said in one line on stderr."""
    if paths:
        return list(paths)
    from testaudit import api

    chosen, notice = api.default_paths(config)
    if show:
        click.echo(f"testaudit: {notice}", err=True)
    return chosen


def _baseline_path(config: Any, flag: Optional[str], must_exist: bool) -> str:
    """``--baseline FILE`` (which must exist unless it is about to be written), else the
    configured ``baseline`` (relative to the project root), else the default file at the root."""
    from testaudit.baseline import BASELINE_FILE
    from testaudit.errors import ConfigError

    if flag:
        if must_exist and not os.path.exists(flag):
            raise ConfigError("baseline file not found (`testaudit baseline` writes one)", flag, "--baseline")
        return flag
    return os.path.join(config.root, config.baseline or BASELINE_FILE)


def _shown(path: str) -> str:
    """A path as messages show it: relative to the current directory when below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _write_baseline(path: str, result: Any, allow_new: bool, prune_only: bool) -> int:
    """Create or update the baseline from a run (not filtered by an earlier baseline); returns
    how many new findings were left out (the caller fails when that is not zero)."""
    from testaudit import baseline as baselines
    from testaudit.score import format_score

    upd, written = baselines.write_file(path, result, allow_new=allow_new, prune_only=prune_only)
    if upd.legacy_score is not None:
        click.echo(f"testaudit: {_shown(path)}: the old score {format_score(upd.legacy_score)} (a weighted mean of "
                   "rule compliance) is replaced by the share of complying test modules", err=True)
    recorded = "none" if upd.baseline.score is None else upd.baseline.score
    click.echo(f"testaudit: {'wrote' if written else 'unchanged:'} {_shown(path)}: {len(upd.baseline.entries)} "
               f"entries ({upd.kept} kept, {upd.added} added, {upd.pruned} removed as fixed); "
               f"recorded score {recorded}", err=True)
    if upd.refused and not prune_only:
        click.echo(f"testaudit: {upd.refused} new finding{'s were' if upd.refused != 1 else ' was'} not recorded "
                   "(fix them, or pass --allow-new to accept them into the baseline)", err=True)
        return upd.refused
    return 0


@contextmanager
def _progress_display(enabled: bool) -> Iterator[Optional[Callable[[str, int, int], None]]]:
    """A rich progress bar on stderr, only on a terminal, appearing once a run passes two seconds."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    display = DelayedProgress()
    try:
        yield display.update
    finally:
        display.close()


class DelayedProgress:
    """Progress callback for the engine: nothing for the first ``delay`` seconds (quick runs stay
    silent), then a transient rich bar per phase ("checked", "read for cross-file facts")."""

    PHASES = {"check": "checking files", "facts": "reading cross-file facts"}

    def __init__(self, delay: float = 2.0, clock: Callable[[], float] = time.monotonic,
                 console: Any = None) -> None:
        self.delay = delay
        self.clock = clock
        self.started_at = clock()
        self.console = console
        self.progress: Any = None
        self.tasks: dict = {}

    def update(self, phase: str, done: int, total: int) -> None:
        if self.progress is None:
            if self.clock() - self.started_at < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = self.console or Console(stderr=True)
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=console, transient=True)
            self.progress.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(self.PHASES.get(phase, phase), total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
