"""Running git on a repository testaudit audits, without letting that repository run anything.

A checkout's ``.git/config`` (and the system's and user's config) can name commands git runs on
its own: ``core.fsmonitor`` on every ``ls-files`` or ``diff``, clean/smudge/process filters and
textconv or external diff drivers when file contents are compared, hooks, pagers. testaudit
audits trees people did not write, so every git call goes through :func:`run_git`:

- ``-c core.fsmonitor=false -c core.hooksPath=/dev/null`` and ``--no-pager``; system and global
  config ignored (``GIT_CONFIG_NOSYSTEM``, ``GIT_CONFIG_GLOBAL``), no prompts, no optional locks;
- each filter the configuration defines is replaced by ``cat`` and made optional (its name comes
  from ``git config --get-regexp``, which runs nothing), and ``diff`` gets ``--no-ext-diff
  --no-textconv``. testaudit itself compares contents by their hash, never through git's filters.
"""
from __future__ import annotations

import os
import subprocess
from typing import Dict, List, Optional, Sequence

SAFE = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.untrackedCache=false",
        "-c", "diff.external=", "--no-pager")


# where the repository is (kept: pre-commit and worktree setups rely on them); every other GIT_*
# variable may name a command, a config file or an exec path, and is dropped
LOCATION = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
                      "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
                      "GIT_DISCOVERY_ACROSS_FILESYSTEM"})


def git_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in LOCATION}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
                "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def _filter_overrides(cwd: str, env: Dict[str, str]) -> List[str]:
    """``-c filter.<name>.clean=cat …`` for every filter the repository's configuration names."""
    try:
        done = subprocess.run(["git", *SAFE, "config", "-z", "--get-regexp", r"^filter\."], cwd=cwd, env=env,
                              capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    names = set()
    for entry in done.stdout.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "replace")
        if key.startswith("filter.") and key.count(".") >= 2:
            names.add(key[len("filter."):key.rindex(".")])
    out: List[str] = []
    for name in sorted(names):
        out += ["-c", f"filter.{name}.clean=cat", "-c", f"filter.{name}.smudge=cat",
                "-c", f"filter.{name}.process=", "-c", f"filter.{name}.required=false"]
    return out


def run_git(cwd: str, args: Sequence[str], stdin: Optional[bytes] = None,
            timeout: Optional[float] = None) -> "subprocess.CompletedProcess[bytes]":
    """``git ARGS`` in ``cwd`` with the repository's config-driven commands disabled (module doc).
    Raises OSError when git cannot be started, ``subprocess.TimeoutExpired`` after ``timeout``."""
    env = git_env()
    extra = list(args)
    if extra and extra[0] == "diff":
        extra[1:1] = ["--no-ext-diff", "--no-textconv"]
    # rev-parse reads no content and cat-file (without --filters or --textconv, never passed
    # here) hands out blobs as stored: neither runs a filter, so the lookup of filters is spared
    filters = [] if extra[:1] == ["rev-parse"] or extra[:2] == ["cat-file", "--batch"] else \
        _filter_overrides(cwd, env)
    command = ["git", *SAFE, *filters, *extra]
    return subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=timeout, check=False)
