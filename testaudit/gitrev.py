"""What changed since a git revision, and the changed files' contents at that revision.

Read from git's object database (``git diff``, ``git ls-files``, one ``git cat-file --batch``
for every file — the batched form of ``git show REV:PATH``), never by checking the revision out:
the work tree and the index are untouched. ``testaudit trend`` reads each commit the same way.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from testaudit.config import relpath
from testaudit.errors import TestauditError
from testaudit.gitcmd import run_git


@dataclass(frozen=True)
class Changes:
    """Python files of the project changed since ``rev``.

    ``changed``: files that exist now and differ from ``rev`` (edited, added, untracked), the
    ones to report on. ``then``: every root-relative path whose content at ``rev`` differs from
    the disk — its bytes there, or None when it did not exist (an overlay for the engine).
    """

    rev: str
    changed: Tuple[str, ...]
    then: Dict[str, Optional[bytes]]


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # committer date, strict ISO 8601
    subject: str


def python_commits(root: str, last: int, what: str = "trend") -> List[Commit]:
    """The last ``last`` commits (newest first) that touched a ``*.py`` file under ``root``."""
    if not _ok(root, "rev-parse", "--show-toplevel"):
        raise TestauditError(f"{what}: {root} is not in a git work tree")
    if not _ok(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"):
        return []  # a repository without commits yet
    # one NUL-terminated record per commit, fields split by US: a subject may hold any line
    # break (U+2028 ended a record when the output was split into lines)
    out = _git(root, "log", "-z", f"-n{last}", "--format=%H%x1f%cI%x1f%s", "--", "*.py", what=what)
    commits = []
    for record in out.decode("utf-8", "replace").split("\0"):
        sha, date, subject = (record.split("\x1f", 2) + ["", ""])[:3]
        if sha.strip():
            commits.append(Commit(sha.strip(), date, subject))
    return commits


def changes_since(root: str, rev: str, what: str = "--since") -> Changes:
    top = _git(root, "rev-parse", "--show-toplevel", what=what).decode("utf-8", "replace").strip()
    if not _ok(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"):
        raise TestauditError(f"{what}: `{rev}` is not a commit in {top}")
    entries: List[Tuple[str, str]] = []
    raw = _git(top, "diff", "--name-status", "-z", "--no-renames", rev, "--", what=what).split(b"\0")
    for code, name in zip(raw[0::2], raw[1::2]):
        entries.append((code.decode("ascii", "replace")[:1], os.fsdecode(name)))
    for name in _git(top, "ls-files", "--others", "--exclude-standard", "-z", what=what).split(b"\0"):
        if name:
            entries.append(("A", os.fsdecode(name)))
    changed: List[str] = []
    then: Dict[str, Optional[bytes]] = {}
    wanted: List[Tuple[str, str]] = []
    for status, path in entries:
        if not path.endswith(".py"):
            continue
        rel = relpath(os.path.join(top, path), root)
        if rel.startswith("/"):  # outside the project
            continue
        if status != "D":
            changed.append(rel)
        if status == "A":
            then[rel] = None
        else:
            wanted.append((rel, path))
    for (rel, _), data in zip(wanted, _contents(top, rev, [path for _, path in wanted], what)):
        then[rel] = data
    return Changes(rev, tuple(sorted(set(changed))), then)


def _contents(top: str, rev: str, paths: Sequence[str], what: str = "--since") -> List[Optional[bytes]]:
    """Each path's bytes at ``rev`` (None when absent), with one ``git cat-file --batch``."""
    if not paths:
        return []
    if any("\n" in p or "\r" in p for p in paths):  # the batch reads one request per line
        return [_content(top, rev, p, what) for p in paths]
    request = b"".join(f"{rev}:{p}\n".encode("utf-8", "surrogateescape") for p in paths)
    out = _git(top, "cat-file", "--batch", stdin=request, what=what)
    blobs: List[Optional[bytes]] = []
    pos = 0
    for _ in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs.append(out[pos:pos + size])
            pos += size + 1
        else:  # "<name> missing", or not a file
            blobs.append(None)
    return blobs


def _content(top: str, rev: str, path: str, what: str) -> Optional[bytes]:
    """One path's bytes at ``rev`` (None when absent), for names the batch protocol cannot carry."""
    try:
        done = run_git(top, ["cat-file", "blob", f"{rev}:{path}"])
    except OSError as exc:
        raise TestauditError(f"{what} needs git: {exc.strerror or exc}") from None
    return done.stdout if done.returncode == 0 else None


def _git(cwd: str, *args: str, stdin: Optional[bytes] = None, what: str = "--since") -> bytes:
    try:
        done = run_git(cwd, args, stdin=stdin)
    except OSError as exc:
        raise TestauditError(f"{what} needs git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TestauditError(f"{what}: git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _ok(cwd: str, *args: str) -> bool:
    try:
        return run_git(cwd, args).returncode == 0
    except OSError:
        return False


def contents_at_head(root: str, rels: Sequence[str]) -> Optional[Dict[str, Optional[bytes]]]:
    """Each root-relative file's bytes at HEAD (None: not in HEAD), read like ``--since`` reads a
    revision; None when ``root`` is not in a git work tree or it has no commit yet."""
    try:  # one call: the work tree's top and whether HEAD is a commit (it fails when not)
        done = run_git(root, ["rev-parse", "--show-toplevel", "HEAD^{commit}"])
    except OSError:
        return None
    if done.returncode != 0:
        return None
    top = done.stdout.decode("utf-8", "replace").splitlines()[0].strip()
    real = os.path.realpath(root)  # git names the top by its real path
    names = [relpath(os.path.join(real, rel), os.path.realpath(top)) for rel in rels]
    return dict(zip(rels, _contents(top, "HEAD", names)))
