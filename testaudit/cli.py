"""Thin click layer: flags → Config overrides → api → reporter → exit code.

Exit codes (SPEC §7): 0 clean, or only warnings/suppressed findings and a score at or above the
threshold; 1 findings of severity error, or a score under ``--fail-under``; 2 usage,
configuration or internal error (one line; a traceback only with ``--verbose``).
Heavy modules are imported inside the commands so ``--version`` stays fast. This module holds
the group and ``check``; the other commands are in :mod:`testaudit.cli_commands`, what they
share (one-line errors, progress, default paths, the baseline file) in :mod:`testaudit.cli_support`.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, Optional, Tuple

import click

from testaudit._version import __version__
from testaudit.cli_commands import COMMANDS
from testaudit.cli_support import (
    config_option, jobs_option, no_cache_option, verbose_option,
    _baseline_path, _guard, _paths_or_default, _progress_display, _shown, _split, _write_baseline,
)
from testaudit.report import FORMATS


SHOWN_IN_FULL = 10  # text format: findings shown with a code frame unless --show-all


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
@jobs_option
@config_option
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line.")
@no_cache_option
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
@verbose_option
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: when a terminal).")
def check(paths: Tuple[str, ...], select: Tuple[str, ...], ignore: Tuple[str, ...], fmt: str,
          output: Optional[str], reports: Tuple[str, ...], show_all: bool, fail_under: Optional[str], exit_zero: bool,
          statistics: bool, show_files: bool,
          jobs: Optional[int], config_file: Optional[str], force_exclude: bool, no_cache: bool,
          baseline_file: Optional[str], no_baseline: bool, show_baselined: bool, update_baseline: bool,
          allow_new: bool, fail_on_regression: bool, show_affected: bool, since: Optional[str], trend_last: Optional[int], apply_fixes: bool,
          unsafe_fixes: bool,
          show_diff: bool, quiet: int, verbose: bool, color: Optional[bool]) -> None:
    """Check PATHS (default: pytest's testpaths from the project root, else the current directory) and
    report findings and the score."""
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


for _command in COMMANDS:
    main.add_command(_command)
