"""Thin click layer: flags → Config overrides → api → reporter → exit code.

Exit codes (SPEC §7): 0 clean, or only warnings/suppressed findings and a score at or above the
threshold; 1 findings of severity error, or a score under ``--fail-under``; 2 usage,
configuration or internal error (one line; a traceback only with ``--verbose``).
Heavy modules are imported inside the commands so ``--version`` stays fast.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

import click

from testaudit._version import __version__
from testaudit.report import FORMATS


SHOWN_IN_FULL = 10  # text format: findings shown with a code frame unless --show-all


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="testaudit")
def main() -> None:
    """Audit pytest test suites against a test-creation policy."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, help="Rules to run (codes, prefixes or names; comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, prefixes or names; comma-separated).")
@click.option("--format", "--output-format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT:FILE",
              help="Also write the report in FORMAT to FILE (repeatable): one run, several outputs.")
@click.option("--show-all", is_flag=True,
              help=f"Text format: show every finding with its code frame (default: the first {SHOWN_IN_FULL}, "
                   "then one line per file).")
@click.option("--fail-under", type=str,
              help="Exit 1 when the score (the share of test modules that comply, in %) is below N.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--statistics", is_flag=True, help="Show counts per rule.")
@click.option("--show-files", is_flag=True, help="List the files that would be checked (test module or support) and exit.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .testaudit_cache/.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Baseline file  [default: `baseline` in the configuration, else .testaudit-baseline.json "
                   "at the project root when it exists]")
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline: every finding counts.")
@click.option("--show-baselined", is_flag=True, help="Also list the findings the baseline records.")
@click.option("--update-baseline", is_flag=True,
              help="Afterwards, drop baseline entries that match nothing (new findings only with --allow-new).")
@click.option("--allow-new", is_flag=True, help="With --update-baseline: record new findings too.")
@click.option("--fail-on-regression", is_flag=True,
              help="Exit 1 when the score is below the score recorded in the baseline.")
@click.option("--affected/--no-affected", "show_affected", default=True, show_default=True,
              help="When a named file is a support module (conftest, helper, base class): also report the "
                   "findings its change since HEAD causes in the tests that reach it.")
@click.option("--since", metavar="REV",
              help="Report only Python files changed since git revision REV (and untracked ones); "
                   "print the score's change since REV.")
@click.option("--trend", "trend_last", type=click.IntRange(min=1), metavar="N",
              help="With --format html: include the score at each of the last N commits that touched Python files.")
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: unsafe fixes too.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the fixes as a unified diff and write nothing (exit 1 when there is something to fix).")
@click.option("--quiet", "-q", count=True,
              help="Print only warnings and the summary; -qq only the summary.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: when a terminal).")
def check(paths: Tuple[str, ...], select: Tuple[str, ...], ignore: Tuple[str, ...], fmt: str,
          output: Optional[str], reports: Tuple[str, ...], show_all: bool, fail_under: Optional[str], exit_zero: bool,
          statistics: bool, show_files: bool,
          jobs: Optional[int], config_file: Optional[str], force_exclude: bool, no_cache: bool,
          baseline_file: Optional[str], no_baseline: bool, show_baselined: bool, update_baseline: bool,
          allow_new: bool, fail_on_regression: bool, show_affected: bool, since: Optional[str], trend_last: Optional[int], apply_fixes: bool,
          unsafe_fixes: bool,
          show_diff: bool, quiet: int, verbose: bool, color: Optional[bool]) -> None:
    """Check PATHS (default: the current directory) and report findings and the score."""
    from testaudit import api
    from testaudit import baseline as baselines
    from testaudit.errors import ConfigError
    from testaudit.report import get_reporter
    from testaudit.score import overall as overall_score
    from testaudit.score import below_threshold, format_score

    def run() -> int:
        config = api.load(list(paths), config_file)
        targets = _paths_or_default(paths, config, show=quiet < 2)
        if force_exclude:
            config = config.with_overrides(force_exclude=True)
        if show_files:
            from testaudit.report.escape import visible  # names from the audited tree: escaped

            listed = api.files(targets, config)
            for rel, is_test in listed:
                click.echo(f"{visible(rel)}  {'test module' if is_test else 'support'}")
            tests = sum(1 for _, is_test in listed if is_test)
            click.echo(f"{len(listed)} file{'s' if len(listed) != 1 else ''}: {tests} test module"
                       f"{'s' if tests != 1 else ''}, {len(listed) - tests} support", err=True)
            return 0
        threshold = _threshold(config.fail_under, fail_under)
        if no_baseline and (baseline_file or update_baseline or fail_on_regression or show_baselined):
            raise ConfigError("--no-baseline cannot be combined with --baseline, --update-baseline, "
                              "--fail-on-regression or --show-baselined", None, "--no-baseline")
        if allow_new and not update_baseline:
            raise ConfigError("--allow-new only applies with --update-baseline", None, "--allow-new")
        if trend_last and fmt != "html":
            raise ConfigError("--trend only applies with --format html (`testaudit trend` writes JSON)", None,
                              "--trend")
        if show_diff and update_baseline:
            raise ConfigError("--diff writes nothing, so it cannot be combined with --update-baseline", None,
                              "--diff")
        extra_reports = [_report_spec(spec) for spec in reports]
        only = _changed_since(config, since)  # a bad revision fails here, before anything is written
        baseline_path = None if no_baseline else _baseline_path(config, baseline_file,
                                                                 must_exist=not update_baseline)
        with _progress_display(enabled=not quiet) as progress:
            def audit() -> Any:
                return api.check_paths(targets, config, select=_split(select) or None,
                                       ignore=_split(ignore), jobs=jobs, progress=progress, cache=not no_cache)

            result = audit()
            if show_diff:
                return _print_diff(result, unsafe_fixes, only)
            if apply_fixes:
                result = _fix_loop(result, audit, unsafe_fixes, only)
            full = result
            refused = 0
            if update_baseline and baseline_path:  # first, so the report is against the updated file
                refused = _write_baseline(baseline_path, full, allow_new, prune_only=False)
            if show_affected and not since:  # after the baseline is written: it records the named files
                result = api.affected(result, targets, config, select=_split(select) or None,
                                      ignore=_split(ignore), jobs=jobs, cache=not no_cache)
            if baseline_path and os.path.exists(baseline_path):
                result = baselines.apply(result, baselines.load(baseline_path), _shown(baseline_path),
                                         show=show_baselined)
            elif fail_on_regression:
                raise ConfigError("--fail-on-regression needs a baseline (`testaudit baseline` writes one)",
                                  baseline_path, "--fail-on-regression")
            if since:
                result = api.since(result, targets, config, since, select=_split(select) or None,
                                   ignore=_split(ignore), jobs=jobs, cache=not no_cache)
            if trend_last:
                from dataclasses import replace

                result = replace(result, trend=api.trend(targets, config, trend_last, select=_split(select) or None,
                                                         ignore=_split(ignore), jobs=jobs, cache=not no_cache))
        use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                      and "NO_COLOR" not in os.environ)
        def reporter_for(name: str, colored: bool, capped: bool) -> Any:
            return get_reporter(name)(color=colored, fail_under=threshold or "", floors=config.fail_under_category,
                                      statistics=statistics, quiet=quiet > 0, exit_zero=exit_zero,
                                      limit=SHOWN_IN_FULL if capped else None, show_warnings=quiet < 2)

        reporter = reporter_for(fmt, bool(use_color), capped=not show_all)
        gates = reporter.gates(result)
        text = reporter.render(result)
        if output or extra_reports:
            from testaudit.atomic import write_text_atomic  # tempfile and shutil: only when writing a file

            for name, path in extra_reports:
                write_text_atomic(path, reporter_for(name, False, capped=False).render(result))  # files: whole
        if output:
            write_text_atomic(output, text)
        else:  # colour codes are in the text only when asked for (audited text is escaped by the
            # reporters), so click's scan for codes to strip (a regex over the whole report) is skipped
            click.echo(text, nl=False, color=True)
        if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            _append_step_summary(os.environ["GITHUB_STEP_SUMMARY"], result, gates)
        failed_gates = [g for g in gates if g.failed]
        if fmt != "text" or output:  # the text report on stdout says it already
            for gate in failed_gates:
                click.echo(f"testaudit: {gate.label}: {gate.message}", err=True)
        below = bool(failed_gates)
        score = overall_score(result)
        recorded = result.baseline.score if result.baseline is not None else None
        regressed = fail_on_regression and recorded is not None and below_threshold(score.value, format_score(recorded))
        if regressed:
            label = "BELOW THE BASELINE (not failing: --exit-zero)" if exit_zero else "FAILED"
            click.echo(f"testaudit: {label}: compliance score {score.text} is below the baseline's "
                       f"{format_score(recorded or 0)} (--fail-on-regression)", err=True)
        if exit_zero:
            return 0
        errors = any(f.severity.value == "error" for f in baselines.new_findings(result))
        return 1 if errors or below or regressed or refused else 0

    sys.exit(_guard(run, verbose))


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


def _report_spec(spec: str) -> Tuple[str, str]:
    """``--report sarif:out/testaudit.sarif`` → (format, path)."""
    from testaudit.errors import ConfigError

    name, sep, path = spec.partition(":")
    if not sep or not path:
        raise ConfigError(f"expected FORMAT:FILE, got {spec!r}", None, "--report")
    if name not in FORMATS:
        from testaudit.errors import did_you_mean

        raise ConfigError(f"unknown format {name!r}{did_you_mean(name, FORMATS)}; one of {', '.join(FORMATS)}",
                          None, "--report")
    return name, path


def _changed_since(config: Any, since: Optional[str]) -> Optional[set]:
    """With ``--since``, fixes touch only the files changed since that revision."""
    if not since:
        return None
    from testaudit.gitrev import changes_since

    return set(changes_since(config.root, since).changed)


def _print_diff(result: Any, unsafe: bool, only: Optional[set]) -> int:
    """``--diff``: the fixes as a unified diff on stdout; nothing is written."""
    from testaudit import fixes

    done = fixes.preview(result, unsafe, only)
    for f in done:
        if f.error:
            click.echo(f"testaudit: warning: {f.path}: {f.error}", err=True)
    text = fixes.diff(done)
    click.echo(text, nl=False)
    changed = [f for f in done if f.after is not None]
    count = sum(f.applied for f in changed)
    click.echo(f"testaudit: {count} fix{'es' if count != 1 else ''} would be applied to {len(changed)} "
               f"file{'s' if len(changed) != 1 else ''}", err=True)
    return 1 if text else 0


def _fix_loop(result: Any, audit: Callable[[], Any], unsafe: bool, only: Optional[set]) -> Any:
    from testaudit import fixes

    result, refused = fixes.fix_until_stable(result, audit, unsafe, only)
    for path, error in sorted(refused.items()):
        click.echo(f"testaudit: warning: {path}: {error}", err=True)
    return result


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


def _threshold(configured: Optional[str], flag: Optional[str]) -> Optional[str]:
    """``--fail-under`` wins over ``fail-under`` in the configuration; both are validated numbers."""
    from testaudit.config import _fail_under
    from testaudit.errors import ConfigError

    if flag is None:
        return configured
    try:
        return _fail_under(flag, None, "--fail-under")
    except ConfigError as exc:
        raise ConfigError(exc.message, None, "--fail-under") from None


def _append_step_summary(path: str, result: Any, gates: Any) -> None:
    """GitHub Actions shows the Markdown appended to ``$GITHUB_STEP_SUMMARY`` on the run page."""
    from testaudit.report.markdown import render_markdown

    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(render_markdown(result, gates))
    except OSError as exc:
        click.echo(f"testaudit: warning: cannot append the job summary to {path}: {exc.strerror}", err=True)


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


@main.command()
@click.argument("report", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--root", type=click.Path(file_okay=False, exists=True),
              help="The project the report describes  [default: the project root found from the current directory]")
@click.option("--junit", type=click.Path(dir_okay=False, exists=True),
              help="A real run's JUnit XML (pytest --junitxml): checks pass-rate claims, unverifiable without it.")
@click.option("--format", "--output-format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the verdicts to FILE.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .testaudit_cache/.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
def verify(report: str, root: Optional[str], junit: Optional[str], fmt: str, output: Optional[str],
           config_file: Optional[str], no_cache: bool, jobs: Optional[int], verbose: bool) -> None:
    """Check the claims of REPORT (Markdown or text; - for stdin) against the code.

    Every file the report names, and every claim of SPEC §12 it makes (test, line and file
    counts, "no mocks", BVJs, base classes, markers, restored tests, fixed imports, compliance
    scores, pass rates), is judged holds, false or unverifiable from the code alone: nothing is
    run. Exit 0 when no claim is false, 1 when one is, 2 on usage errors.
    """
    from testaudit import api
    from testaudit.verify.output import render

    def run() -> int:
        text = None
        name = report
        if report == "-":
            text = sys.stdin.buffer.read().decode("utf-8-sig", errors="replace")
            name = "<stdin>"
        elif not os.path.isfile(report):
            from testaudit.errors import ConfigError

            raise ConfigError("no such report file", report)
        result = api.verify(name, root, junit=junit, config_file=config_file, cache=not no_cache, jobs=jobs,
                            text=text)
        rendered = render(result, fmt)
        if output:
            from testaudit.atomic import write_text_atomic

            write_text_atomic(output, rendered)
        else:
            click.echo(rendered, nl=False)
        return 1 if result.summary["false"] else 0

    sys.exit(_guard(run, verbose))


@main.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="The file to write  [default: `baseline` in the configuration, else .testaudit-baseline.json "
                   "at the project root]")
@click.option("--prune", is_flag=True, help="Only remove entries that no longer match a finding; add nothing.")
@click.option("--allow-new", is_flag=True, help="Also record findings an existing baseline does not have.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .testaudit_cache/.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
def baseline_command(paths: Tuple[str, ...], baseline_file: Optional[str], prune: bool, allow_new: bool,
                     jobs: Optional[int], config_file: Optional[str], no_cache: bool, verbose: bool) -> None:
    """Record the current findings of PATHS in the baseline file, so `check` reports only new ones.

    Without a baseline file, every finding is recorded. With one, entries that match nothing any
    more are removed and new findings are left out (exit 1) unless --allow-new is given.
    """
    from testaudit import api
    from testaudit.errors import ConfigError

    def run() -> int:
        if prune and allow_new:
            raise ConfigError("--prune adds nothing; it cannot be combined with --allow-new", None, "--prune")
        config = api.load(list(paths), config_file)
        path = _baseline_path(config, baseline_file, must_exist=False)
        with _progress_display(enabled=True) as progress:
            result = api.check_paths(_paths_or_default(paths, config), config, jobs=jobs, progress=progress,
                                     cache=not no_cache)
        return 1 if _write_baseline(path, result, allow_new, prune_only=prune) else 0

    sys.exit(_guard(run, verbose))


TREND_FORMATS = ("text", "json", "html")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--last", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the latest commits that touched Python files.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to FILE; trend.html gets a chart, trend.json the figures.")
@click.option("--format", "--output-format", "fmt", type=click.Choice(TREND_FORMATS),
              help="Output format  [default: from the --output suffix (.html, .json), else text]")
@click.option("--select", multiple=True, help="Rules to run (codes, prefixes or names; comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, prefixes or names; comma-separated).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write .testaudit_cache/.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
def trend(paths: Tuple[str, ...], last: int, output: Optional[str], fmt: Optional[str], select: Tuple[str, ...],
          ignore: Tuple[str, ...], jobs: Optional[int], config_file: Optional[str], no_cache: bool,
          verbose: bool) -> None:
    """The compliance score of PATHS at each of the last N commits that touched Python files.

    Each commit's files are read from git's objects (never checked out; the work tree is left
    alone) and checked against today's configuration; the cache makes repeated runs cheap.
    """
    from testaudit import api
    from testaudit.atomic import write_text_atomic
    from testaudit.report import trend as trends

    def run() -> int:
        config = api.load(list(paths), config_file)
        chosen = fmt or _format_of(output)
        points = api.trend(_paths_or_default(paths, config), config, last, select=_split(select) or None, ignore=_split(ignore),
                           jobs=jobs, cache=not no_cache)
        if chosen == "json":
            text = trends.trend_json(points)
        elif chosen == "html":
            from testaudit.engine import rules_info

            project = os.path.basename(os.path.abspath(config.root))
            text = trends.render_trend_html(points, rules_info(config, _split(select) or None, _split(ignore)),
                                            project)
        else:
            text = trends.trend_text(points)
        if output:
            write_text_atomic(output, text)
            click.echo(f"testaudit: wrote {output} ({len(points)} commit{'s' if len(points) != 1 else ''})",
                       err=True)
        else:
            click.echo(text, nl=False)
        return 0

    sys.exit(_guard(run, verbose))


def _format_of(output: Optional[str]) -> str:
    suffix = os.path.splitext(output or "")[1].lower()
    return {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "text")


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Show the documentation of a rule (code or name)."""
    from testaudit.errors import did_you_mean
    from testaudit.docs import render_rule
    from testaudit.registry import all_rules, rule_by_key

    cls = rule_by_key(code)
    if cls is None:
        choices = [c.CODE for c in all_rules()] + [c.NAME for c in all_rules()]
        _fail(f"unknown rule `{code}`{did_you_mean(code, choices)}")
        return
    click.echo(render_rule(cls), nl=False)


@main.command()
def rules() -> None:
    """List every rule: code, name, default severity and summary."""
    from testaudit.docs import rules_table

    click.echo(rules_table(), nl=False)


@main.command("config")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
def show_config(paths: Tuple[str, ...], config_file: Optional[str]) -> None:
    """Print the effective configuration (TOML) for PATHS; for one file or directory below the
    project root, with the nested configurations that apply to it and where each value came from."""
    from testaudit import api
    from testaudit.docs import effective_config_toml

    def run() -> None:
        config = api.load(list(paths), config_file)
        for_path = None
        if len(paths) == 1 and config.hierarchical:  # one file or directory: its nested configurations too
            from dataclasses import replace

            from testaudit.config import find_nested

            target = os.path.abspath(paths[0])
            rel = os.path.relpath(target, config.root).replace(os.sep, "/")
            if not rel.startswith(".."):
                for_path = rel + "/" if os.path.isdir(target) else rel  # "tests/legacy/": what is below
                if rel != ".":
                    config = replace(config, nested=find_nested(config.root, [for_path + "_"])[0])
        click.echo(effective_config_toml(config, for_path or None), nl=False)

    _guard(run, False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("svg", "shields")), default="svg", show_default=True,
              help="An SVG image, or the JSON a shields.io endpoint badge reads.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Badge file ('-' for stdout)  [default: testaudit-badge.svg / testaudit-badge.json]")
@click.option("--from-json", "from_json", type=click.Path(dir_okay=False, exists=True),
              help="Take the score from a `check --format json` report instead of running the check.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
def badge(paths: Tuple[str, ...], fmt: str, output: Optional[str], from_json: Optional[str],
          jobs: Optional[int], config_file: Optional[str], verbose: bool) -> None:
    """Write the compliance-score badge of PATHS (rewritten only when it changes)."""
    from testaudit import badge as badges

    def run() -> int:
        score = _score_from_json(from_json) if from_json else _score_of(paths, config_file, jobs)
        content = badges.render(score, fmt)
        if output == "-":
            click.echo(content, nl=False)
            return 0
        target = output or ("testaudit-badge.svg" if fmt == "svg" else "testaudit-badge.json")
        written = badges.write_badge(target, content)
        state = "wrote" if written else "unchanged:"
        click.echo(f"testaudit: {state} {target} (compliance score {badges.message(score)})", err=True)
        return 0

    sys.exit(_guard(run, verbose))


def _score_of(paths: Tuple[str, ...], config_file: Optional[str], jobs: Optional[int]) -> float:
    from testaudit import api
    from testaudit.score import overall as overall_score

    config = api.load(list(paths), config_file)
    with _progress_display(enabled=True) as progress:
        result = api.check_paths(_paths_or_default(paths, config), config, jobs=jobs, progress=progress, cache=True)
    return overall_score(result).value


def _score_from_json(path: str) -> float:
    import json

    from testaudit.errors import ConfigError

    try:
        with open(path, encoding="utf-8") as fh:
            value = json.load(fh)["summary"]["score"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"not a testaudit JSON report ({type(exc).__name__}: {exc})", path) from None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ConfigError(f"summary.score must be a number from 0 to 100, not {value!r}", path)
    return float(value)
