"""Thin click layer: flags → Config overrides → api → reporter → exit code.

Exit codes (SPEC §7): 0 clean, or only warnings/suppressed findings and a score at or above the
threshold; 1 findings of severity error, or a score under ``--fail-under``; 2 usage,
configuration or internal error (one line; a traceback only with ``--verbose``).
Heavy modules are imported inside the commands so ``--version`` stays fast.
"""
from __future__ import annotations

import os
import sys
from typing import Any, Callable, List, Optional, Sequence, Tuple

import click

from testaudit import __version__

FORMATS = ("text", "concise", "json")


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
    except KeyboardInterrupt:
        click.echo("testaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - exit 2 with one line, as promised
        if verbose:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="testaudit")
def main() -> None:
    """Audit pytest test suites against a test-creation policy."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--select", multiple=True, help="Rules to run (codes, prefixes or names; comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, prefixes or names; comma-separated).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("--fail-under", type=str, help="Exit 1 when the compliance score is below N.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--statistics", is_flag=True, help="Show counts per rule.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: usable CPUs).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
@click.option("--color/--no-color", default=None, help="Force colour on or off (default: when a terminal).")
def check(paths: Tuple[str, ...], select: Tuple[str, ...], ignore: Tuple[str, ...], fmt: str,
          output: Optional[str], fail_under: Optional[str], exit_zero: bool, statistics: bool,
          jobs: Optional[int], config_file: Optional[str], force_exclude: bool, quiet: bool,
          verbose: bool, color: Optional[bool]) -> None:
    """Check PATHS (default: the current directory) and report findings and the score."""
    from testaudit import api
    from testaudit.config import _fail_under
    from testaudit.errors import ConfigError
    from testaudit.report import get_reporter
    from testaudit.report.summary import summarize
    from testaudit.score import below_threshold

    def run() -> int:
        config = api.load(list(paths), config_file)
        if force_exclude:
            config = config.with_overrides(force_exclude=True)
        threshold = config.fail_under
        if fail_under is not None:
            try:
                threshold = _fail_under(fail_under, None, "--fail-under")
            except ConfigError as exc:
                raise ConfigError(exc.message, None, "--fail-under") from None
        show = not quiet and sys.stderr.isatty()
        result = api.check_paths(list(paths), config, select=_split(select) or None,
                                 ignore=_split(ignore), jobs=jobs, progress=_progress if show else None)
        if show:
            click.echo("\r\033[K", err=True, nl=False)
        use_color = color if color is not None else (output is None and sys.stdout.isatty()
                                                      and "NO_COLOR" not in os.environ)
        reporter = get_reporter(fmt)(color=bool(use_color), fail_under=threshold or "",
                                     statistics=statistics, quiet=quiet)
        text = reporter.render(result)
        if output:
            _write(output, text)
        else:
            click.echo(text, nl=False)
        if exit_zero:
            return 0
        errors = any(f.severity.value == "error" for f in result.findings)
        below = bool(threshold) and below_threshold(summarize(result).overall.value, threshold or "0")
        if below and fmt != "text":
            click.echo(f"testaudit: compliance score {summarize(result).overall.text} is below "
                       f"--fail-under {threshold}", err=True)
        return 1 if errors or below else 0

    sys.exit(_guard(run, verbose))


def _progress(role: str, done: int, total: int) -> None:
    """One self-overwriting status line on a terminal's stderr, every 50 files."""
    if total >= 200 and (done % 50 == 0 or done == total):
        what = "checked" if role == "check" else "read for cross-file facts"
        click.echo(f"\r\033[K{done}/{total} files {what}", err=True, nl=False)


def _write(path: str, text: str) -> None:
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".testaudit-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Show the documentation of a rule (code or name)."""
    from testaudit.config import did_you_mean
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
    """Print the effective configuration (TOML) for PATHS."""
    from testaudit import api
    from testaudit.docs import effective_config_toml

    def run() -> None:
        config = api.load(list(paths), config_file)
        click.echo(effective_config_toml(config), nl=False)

    _guard(run, False)
