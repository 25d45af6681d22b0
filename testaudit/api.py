"""The one entry point for the CLI, tests and users: :func:`check_paths`."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple

from testaudit.config import Config, find_project_root, load_config
from testaudit.model import FileFacts, RunResult, TrendPoint

if TYPE_CHECKING:
    from testaudit.init_config import Proposal
    from testaudit.verify.run import VerifyResult


def load(paths: Sequence[str], config_file: Optional[str] = None) -> Config:
    """The effective configuration for a run over ``paths``."""
    root = find_project_root(paths)
    return load_config(root, config_file)


def default_paths(config: Config) -> Tuple[List[str], str]:
    """What a command given no path checks, and a one-line notice saying so: pytest's
    ``testpaths`` when the project names them and the current directory is its root (as pytest
    decides), else the current directory."""
    import os

    dirs = config.pytest.test_dirs(config.root)
    here = os.path.realpath(os.getcwd())
    if dirs and here == os.path.realpath(config.root) == os.path.realpath(os.path.dirname(config.pytest.path or "")):
        shown = ", ".join(os.path.relpath(d, config.root) for d in dirs)
        return dirs, f"no path given: checking pytest's testpaths ({shown}) from {config.pytest.where(config.root)}"
    why = "pytest names no testpaths" if not dirs else "pytest's testpaths apply from the project root"
    return ["."], f"no path given: checking the current directory ({why})"


def check_paths(paths: Sequence[str], config: Optional[Config] = None, *, select: Optional[Sequence[str]] = None,
                ignore: Sequence[str] = (), jobs: Optional[int] = None,
                progress: Optional[Callable[[str, int, int], None]] = None, cache: bool = False) -> RunResult:
    """Audit ``paths`` and return every finding, the per-module summaries and warnings.

    ``cache=True`` reads and updates ``.testaudit_cache/`` at the project root (the CLI's default).
    """
    from testaudit import engine

    paths = list(paths) or ["."]
    if config is None:
        config = load(paths)
    return engine.run([str(Path(p)) for p in paths], config, select=select, ignore=ignore, jobs=jobs,
                      progress=progress, cache=cache)


def propose_config(directory: str = ".", *, jobs: Optional[int] = None, cache: bool = True,
                   progress: Optional[Callable[[str, int, int], None]] = None) -> "Proposal":
    """``testaudit init``: a starting configuration fitted to the project holding ``directory``
    (see :mod:`testaudit.init_config`); :func:`testaudit.init_config.write` writes it."""
    from testaudit.init_config import propose

    return propose(str(find_project_root([directory])), jobs=jobs, cache=cache, progress=progress)


def files(paths: Sequence[str], config: Optional[Config] = None) -> Tuple[Tuple[str, bool], ...]:
    """The files a check of ``paths`` reads, root-relative and sorted, each with whether it is a
    test module (``check --show-files``); nothing is parsed."""
    from testaudit.discover import discover, is_test_file

    paths = list(paths) or ["."]
    if config is None:
        config = load(paths)
    return tuple((f.rel, is_test_file(f.rel, config)) for f in discover([str(Path(p)) for p in paths], config).files)


def facts_of(paths: Sequence[str], config: Optional[Config] = None) -> Dict[str, FileFacts]:
    """The facts of every file under ``paths`` (by root-relative path): imports, classes, tests…"""
    from testaudit import engine

    paths = list(paths) or ["."]
    if config is None:
        config = load(paths)
    return engine.collect_facts([str(Path(p)) for p in paths], config)


def trend(paths: Sequence[str], config: Config, last: int = 10, *, select: Optional[Sequence[str]] = None,
          ignore: Sequence[str] = (), jobs: Optional[int] = None, cache: bool = True,
          progress: Optional[Callable[[int, int], None]] = None) -> Tuple[TrendPoint, ...]:
    """The score of ``paths`` at each of the last ``last`` commits that touched Python files,
    oldest first, read from git's objects (nothing is checked out); see :mod:`testaudit.history`."""
    from testaudit.history import score_history

    return score_history(paths, config, last, select=select, ignore=ignore, jobs=jobs, cache=cache,
                         progress=progress)


def affected(result: RunResult, paths: Sequence[str], config: Config, *, select: Optional[Sequence[str]] = None,
             ignore: Sequence[str] = (), jobs: Optional[int] = None, cache: bool = False) -> RunResult:
    """``result`` plus the findings that the changes (since ``HEAD``) to the support files named
    in ``paths`` cause in the test modules reaching them; see :mod:`testaudit.affected`."""
    from testaudit.affected import affected as with_affected

    return with_affected(result, [str(Path(p)) for p in (list(paths) or ["."])], config, select=select,
                         ignore=ignore, jobs=jobs, cache=cache)


def since(result: RunResult, paths: Sequence[str], config: Config, rev: str, *,
          select: Optional[Sequence[str]] = None, ignore: Sequence[str] = (), jobs: Optional[int] = None,
          cache: bool = False) -> RunResult:
    """``--since REV``: keep the findings (and fixed baseline entries) of the Python files changed
    since ``rev``, and add the whole project's score then and now. The score at ``rev`` comes
    from a second run over the same paths with the changed files' contents read from git (the
    rest is identical, so the cache serves it)."""
    from dataclasses import replace

    from testaudit import engine, score
    from testaudit.gitrev import changes_since
    from testaudit.model import ScoreDelta

    changes = changes_since(config.root, rev)
    paths = [str(Path(p)) for p in (list(paths) or ["."])]
    before = engine.run(paths, config, select=select, ignore=ignore, jobs=jobs, cache=cache, overlay=changes.then)
    changed = set(changes.changed) & set(result.paths)
    then, now = score.overall(before), score.overall(result)
    delta = ScoreDelta(rev, then.value, now.value, tuple(sorted(changed)), then.complying, then.modules,
                       now.complying, now.modules)
    status = result.baseline
    if status is not None:
        status = replace(status, fixed=tuple(e for e in status.fixed if e.path in changed),
                         baselined=tuple(f for f in status.baselined if f.path in changed))
    return replace(result, findings=tuple(f for f in result.findings if f.path in changed), baseline=status,
                   delta=delta)


def verify(report: str, root: Optional[str] = None, *, junit: Optional[str] = None, config_file: Optional[str] = None,
           cache: bool = True, jobs: Optional[int] = None, text: Optional[str] = None) -> "VerifyResult":
    """Check the claims of the report at ``report`` (or of ``text``, named ``report``) against the
    project at ``root`` (default: the project root found from the current directory); SPEC §12."""
    from testaudit.verify.run import verify_text

    if text is None:
        with open(report, "rb") as fh:
            data = fh.read()
        text = data.decode("utf-8-sig", errors="replace")
    config = load([root or "."], config_file)
    return verify_text(text, report, config, junit=junit, cache=cache, jobs=jobs)
