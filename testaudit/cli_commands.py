"""The commands besides ``check``: ``verify``, ``baseline``, ``trend``, ``rule``, ``rules``,
``config``, ``badge`` and ``init``, each flags → api → output, registered on the group by
:mod:`testaudit.cli`. Heavy modules are imported inside the commands."""
from __future__ import annotations

import os
import sys
from typing import Optional, Tuple

import click

from testaudit.cli_support import (
    config_option, jobs_option, no_cache_option, run_options, verbose_option,
    _baseline_path, _fail, _guard, _paths_or_default, _progress_display, _split, _write_baseline,
)


@click.command()
@click.argument("report", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--root", type=click.Path(file_okay=False, exists=True),
              help="The project the report describes  [default: the project root found from the current directory]")
@click.option("--junit", type=click.Path(dir_okay=False, exists=True),
              help="A real run's JUnit XML (pytest --junitxml): checks pass-rate claims, unverifiable without it.")
@click.option("--format", "--output-format", "fmt", type=click.Choice(("text", "markdown", "json")), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the verdicts to FILE.")
@run_options
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


@click.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="The file to write  [default: `baseline` in the configuration, else .testaudit-baseline.json "
                   "at the project root]")
@click.option("--prune", is_flag=True, help="Only remove entries that no longer match a finding; add nothing.")
@click.option("--allow-new", is_flag=True, help="Also record findings an existing baseline does not have.")
@run_options
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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--last", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the latest commits that touched Python files.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write to FILE; trend.html gets a chart, trend.json the figures.")
@click.option("--format", "--output-format", "fmt", type=click.Choice(TREND_FORMATS),
              help="Output format  [default: from the --output suffix (.html, .json), else text]")
@click.option("--select", multiple=True, help="Rules to run (codes, prefixes or names; comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip (codes, prefixes or names; comma-separated).")
@run_options
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


@click.command()
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


@click.command()
def rules() -> None:
    """List every rule: code, name, default severity and summary."""
    from testaudit.docs import rules_table

    click.echo(rules_table(), nl=False)


@click.command("config")
@click.argument("paths", nargs=-1, type=click.Path())
@config_option
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


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("svg", "shields")), default="svg", show_default=True,
              help="An SVG image, or the JSON a shields.io endpoint badge reads.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Badge file ('-' for stdout)  [default: testaudit-badge.svg / testaudit-badge.json]")
@click.option("--from-json", "from_json", type=click.Path(dir_okay=False, exists=True),
              help="Take the score from a `check --format json` report instead of running the check.")
@jobs_option
@config_option
@verbose_option
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


@click.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@click.option("--stdout", "to_stdout", is_flag=True,
              help="Print the configuration instead of writing it (also when the project already has one).")
@jobs_option
@no_cache_option
@verbose_option
def init(directory: Optional[str], to_stdout: bool, jobs: Optional[int], no_cache: bool, verbose: bool) -> None:
    """Write a starting configuration fitted to the project at DIRECTORY (default: the project
    root found from the current directory): appended to pyproject.toml as [tool.testaudit], else
    a new testaudit.toml. It checks the project with the defaults first, keeps the reference
    policy's rules on only where the project already follows them, maps the category names it
    finds, and starts fail-under at today's score. A project that already has a configuration is
    left alone (--stdout prints the proposal)."""
    from testaudit import api
    from testaudit.init_config import write

    def run() -> int:
        with _progress_display(enabled=True) as progress:
            proposal = api.propose_config(directory or ".", jobs=jobs, cache=not no_cache, progress=progress)
        if to_stdout:
            click.echo(proposal.text, nl=False)
            return 0
        write(proposal)
        where = f"{proposal.target} [tool.testaudit]" if proposal.pyproject else proposal.target
        complying, modules = proposal.survey.score
        click.echo(f"testaudit: wrote {where}: {complying:,} of {modules:,} test modules comply under it. Run "
                   "`testaudit check`; `testaudit baseline` records today's findings so CI fails only on new ones",
                   err=True)
        return 0

    sys.exit(_guard(run, verbose))


COMMANDS = (verify, baseline_command, trend, rule, rules, show_config, badge, init)
