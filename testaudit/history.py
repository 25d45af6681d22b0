"""The score at each of the last N commits that touched Python files (``testaudit trend``).

Each commit is checked the way ``--since`` checks a revision: the files whose content there
differs from the disk are read from git's objects (``git diff`` + one ``git cat-file --batch``,
the batched ``git show REV:PATH``) and handed to the engine as an overlay, so nothing is checked
out and the work tree and index stay untouched. The engine reads the content-hash cache without
writing it (files unchanged since the commit are not parsed again), and each commit's result is
recorded in the cache under its commit id, paths and configuration, so a repeated trend costs a
``git log`` and a lookup per commit. The configuration is today's: the trend shows the code
against the current policy.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from testaudit.config import Config, relpath
from testaudit.model import RunResult, TrendPoint, Warning_

Progress = Callable[[int, int], None]


def point_of(commit: str, date: str, subject: str, result: RunResult) -> TrendPoint:
    from testaudit import score

    value = score.overall(result)
    rules = tuple((r.code, round(r.compliance * 100, 1)) for r in value.rules if r.applicable)
    return TrendPoint(commit, date, subject, value.value, value.modules, len(result.findings), rules, value.complying)


def score_history(paths: Sequence[str], config: Config, last: int, *, select: Optional[Sequence[str]] = None,
                  ignore: Sequence[str] = (), jobs: Optional[int] = None, cache: bool = True,
                  progress: Optional[Progress] = None) -> Tuple[TrendPoint, ...]:
    """Oldest first; fewer than ``last`` points when history is shorter."""
    from testaudit import engine, plan
    from testaudit.cache import Cache, key_of
    from testaudit.gitrev import changes_since, python_commits

    commits = list(reversed(python_commits(config.root, last)))
    paths = [str(Path(p)) for p in (list(paths) or ["."])]
    scope = tuple(sorted(relpath(os.path.abspath(p), config.root) for p in paths))
    check = plan.check_key(config, select, ignore)
    keys = [key_of(check, scope, c.sha) for c in commits]
    warnings: List[Warning_] = []
    known: List[Optional[TrendPoint]] = [None] * len(commits)
    store = Cache.open(config.root, warnings) if cache else None
    if store is not None:
        known = [store.trend_point(k) for k in keys]
        store.close()
    points: List[TrendPoint] = []
    fresh: List[Tuple[str, TrendPoint]] = []
    for i, (c, key, point) in enumerate(zip(commits, keys, known)):
        if point is None or point.commit != c.sha:
            overlay = changes_since(config.root, c.sha, what="trend").then
            result = engine.run(paths, config, select=select, ignore=ignore, jobs=jobs, cache=cache, overlay=overlay)
            point = point_of(c.sha, c.date, c.subject, result)
            fresh.append((key, point))
        points.append(point)
        if progress is not None:
            progress(i + 1, len(commits))
    if fresh and cache:
        store = Cache.open(config.root, warnings)
        if store is not None:
            for key, point in fresh:
                store.put_trend_point(key, point)
            store.close()
    return tuple(points)
