"""Which files to check (SPEC §3): walking, default and configured excludes, git-ignore.

Exclude patterns are gitignore-style: a pattern without ``/`` matches a file or directory name
at any depth (``backup*``); a pattern with ``/`` matches a path relative to the project root
(``tests/legacy/*``; a leading ``/`` is optional, a trailing ``/`` matches directories only).
Symlinked directories are never followed; symlinked files are skipped when they leave the root.
"""
from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, takewhile
from pathlib import Path
from typing import AbstractSet, Callable, Dict, FrozenSet, List, Mapping, Optional, Pattern, Sequence, Set, Tuple

from testaudit.config import Config, relpath
from testaudit.errors import TestauditError
from testaudit.gitcmd import run_git
from testaudit.model import FileFacts, Warning_

DEFAULT_EXCLUDES: Tuple[str, ...] = (
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", "__pycache__",
    "build", "dist", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".testaudit_cache", "*.egg-info",
)


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute
    rel: str  # POSIX, relative to the project root
    explicit: bool = False
    data: Optional[bytes] = None  # the content to audit instead of the file's (``--since``: at a revision)


CONFIG_NAMES = frozenset({"testaudit.toml", "pyproject.toml"})


@dataclass(frozen=True)
class Discovery:
    files: Tuple[SourceFile, ...]
    warnings: Tuple[Warning_, ...]
    # the directories the walk listed (root-relative, "" for the root) and those holding a
    # configuration file: nested configurations are looked for there without another stat
    walked: FrozenSet[str] = frozenset()
    config_dirs: FrozenSet[str] = frozenset()
    under_test: int = 0  # modules of the code under test left out of a walk of the root (below)


def matches_any(rel: str, patterns: Sequence[str], is_dir: bool = False) -> bool:
    """Gitignore-style match of a root-relative POSIX path against ``patterns``."""
    return _matches(rel, _matchers(tuple(patterns), is_dir))


def _matches(rel: str, matchers: Tuple[Optional[Pattern[str]], Optional[Pattern[str]]]) -> bool:
    by_name, by_path = matchers
    if by_name is not None and by_name.match(rel.rsplit("/", 1)[-1]):
        return True
    return by_path is not None and by_path.match(rel) is not None


@lru_cache(maxsize=64)
def _matchers(patterns: Tuple[str, ...], is_dir: bool) -> Tuple[Optional[Pattern[str]], Optional[Pattern[str]]]:
    """One regex for the name patterns and one for the path patterns (fnmatch semantics)."""
    names: List[str] = []
    paths: List[str] = []
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if pattern.endswith("/") and not is_dir:
            continue
        if "/" in pat:
            pat = pat.lstrip("/")
            paths += [fnmatch.translate(pat), fnmatch.translate(pat + "/*")]
        else:
            names.append(fnmatch.translate(pat))
    return (re.compile("|".join(names)) if names else None, re.compile("|".join(paths)) if paths else None)


def is_test_file(rel: str, config: Config) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for pattern in config.test_files:
        target = rel if "/" in pattern else name
        if fnmatch.fnmatchcase(target, pattern):
            return True
    return False


def _git_ignored(root: str) -> Optional[FrozenSet[str]]:
    """Root-relative paths git ignores (directories end with ``/``), or None outside git."""
    try:
        proc = run_git(root, ["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
                       timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = proc.stdout.decode("utf-8", "surrogateescape")
    return frozenset(p for p in out.split("\0") if p)


def _is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def discover(paths: Sequence[str], config: Config, whole: bool = False) -> Discovery:
    """Resolve command-line ``paths`` into the sorted list of Python files to check; walking the
    project root, the code under test is left out (:func:`in_test_tree`) unless ``whole``."""
    root = config.root
    excludes = DEFAULT_EXCLUDES + config.all_excludes
    ignored = _git_ignored(root) if config.respect_gitignore else None
    ignored_set: Set[str] = set(ignored or ())
    found: dict = {}
    warnings: List[Warning_] = []
    walked: Set[str] = set()
    config_dirs: Set[str] = set()
    real_root = os.path.realpath(root)

    matchers = {is_dir: _matchers(tuple(excludes), is_dir) for is_dir in (False, True)}  # once, not per entry

    norecurse = config.pytest.norecursedirs  # directories pytest does not collect from are not test code

    def excluded(rel: str, is_dir: bool) -> bool:
        if _matches(rel, matchers[is_dir]):
            return True
        if is_dir and norecurse and any(_norecurse_match(rel, p) for p in norecurse):
            return True
        if ignored_set:
            if (rel + "/" if is_dir else rel) in ignored_set:
                return True
        return False

    root_walked = False
    named_dirs: List[str] = []  # directories named below the root: everything in them is checked
    for raw in paths or ["."]:
        absolute = os.path.abspath(raw)
        if not os.path.lexists(absolute):
            raise TestauditError(f"{raw}: no such file or directory")
        rel = relpath(absolute, root)
        if not _inside(os.path.realpath(absolute), real_root) and _inside(absolute, os.path.abspath(root)):
            # a link under the root that leads out of it (to /proc/self/environ, to a home directory)
            warnings.append(Warning_(rel, "skipped: it links outside the project root"))
            continue
        if os.path.isfile(absolute):
            if (config.force_exclude and (excluded(rel, False) or _under_excluded_dir(rel, excluded))):
                continue
            found[absolute] = SourceFile(absolute, rel, explicit=True)
            continue
        if config.force_exclude and rel != "." and (excluded(rel, True) or _under_excluded_dir(rel, excluded)):
            continue
        if not os.path.isdir(absolute):  # a FIFO, socket, device or dangling symlink: never opened
            warnings.append(Warning_(rel, "not a regular file or directory, skipped"))
            continue
        if rel == ".":
            root_walked = True
        else:
            named_dirs.append(rel + "/")
        _walk(absolute, root, real_root, excluded, found, warnings, walked, config_dirs)
    files = tuple(sorted(found.values(), key=lambda f: f.rel))
    under_test = 0
    if root_walked and not whole:
        holders = test_dirs(files, config)
        kept = tuple(f for f in files
                     if f.explicit or f.rel.startswith(tuple(named_dirs)) or in_test_tree(f.rel, holders))
        files, under_test = kept, len(files) - len(kept)
    return Discovery(files=files, warnings=tuple(warnings), walked=frozenset(walked),
                     config_dirs=frozenset(config_dirs), under_test=under_test)


# a directory named for tests: `tests`, `test`, `testing`, `test_framework`, `testutils`, `unit_tests`,
# `e2e-tests` (not `latest` or `contest`)
_TEST_DIR = re.compile(r"^test|[_\-.]tests?(?:$|[_\-.])", re.I)


def test_dirs(files: Sequence[SourceFile], config: Config) -> FrozenSet[str]:
    """The directories holding a test module or a conftest directly ("" for the root)."""
    return frozenset(f.rel.rpartition("/")[0] for f in files
                     if f.rel.rsplit("/", 1)[-1] == "conftest.py" or is_test_file(f.rel, config))


def in_test_tree(rel: str, holders: AbstractSet[str]) -> bool:
    """Whether ``rel``, found by walking the whole project, is test code: a file in one of the
    ``holders`` (:func:`test_dirs`), or below one that is not the root, or named for tests
    (``testutils.py``), or below a directory named for tests (``tests/``, ``test_framework/``). The rest is the code under test: the
    project phase still reads what the tests reach of it, but a check of the project root does
    not report on it (a relative import in ``httpx/_client.py`` is not a test-suite finding)."""
    directory, _, name = rel.rpartition("/")
    if directory in holders or _TEST_DIR.search(name[:-3] if name.endswith(".py") else name):  # testutils.py
        return True
    parts = directory.split("/") if directory else []
    return any("/".join(parts[:i]) in holders or _TEST_DIR.search(parts[i - 1])
               for i in range(1, len(parts) + 1))


def support_candidates(files: Sequence[SourceFile], config: Config, paths: Sequence[str]) -> Tuple[str, ...]:
    """The files found by walking a directory of ``paths`` that holds tests, and that are neither
    test modules nor conftests: test code only when a test reaches them (:func:`reached_support`).
    A file named on the command line is always checked, and so is every file of a directory
    holding no test module or conftest (``testaudit check test_framework/``: its helpers)."""
    if config.report_unreached:
        return ()
    dirs = [relpath(os.path.abspath(p), config.root) for p in paths or ["."]]
    dirs = ["" if d == "." else d + "/" for d, p in zip(dirs, paths or ["."]) if os.path.isdir(p)]
    tests = [f.rel for f in files if f.rel.rsplit("/", 1)[-1] == "conftest.py" or is_test_file(f.rel, config)]
    holding = tuple(d for d in dirs if any(rel.startswith(d) for rel in tests))
    if not holding:
        return ()
    kept = set(tests)
    return tuple(f.rel for f in files if not f.explicit and f.rel not in kept and f.rel.startswith(holding))


# a dotted module name in quotes: what a conftest's ``pytest_plugins = ["tests.fixtures.db"]`` loads
DOTTED_STRING = re.compile(r"[\"']([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)[\"']")


UNKNOWN_IMPORTS = ("*",)  # a file that did not parse (or killed its worker) may import anything


def imported_names(facts: FileFacts, lines: Sequence[str] = ()) -> Tuple[str, ...]:
    """The absolute dotted names ``facts`` import (modules and imported names) or subclass, and,
    given a conftest's ``lines``, the plugin modules its ``pytest_plugins`` names."""
    if not facts.parsed:
        return UNKNOWN_IMPORTS
    names = {name for imp in facts.imports for name in (imp.module, imp.target) if name}
    names.update(b for cls in facts.classes for b in cls.bases if b and not b.startswith("?"))
    text = "".join(lines)
    if "pytest_plugins" in text:
        names.update(DOTTED_STRING.findall(text[text.index("pytest_plugins"):]))
    return tuple(sorted(names))


def reached_support(candidates: Sequence[str], imports: Mapping[str, Sequence[str]], src_roots: Sequence[str],
                    is_package: Optional[Callable[[str], bool]] = None) -> FrozenSet[str]:
    """The ``candidates`` (:func:`support_candidates`) that the other checked files reach: imported
    by one of them (``imports``: each checked file's imported dotted names, see
    :attr:`Outcome.imports`), directly or through candidates reached before, or the package
    ``__init__.py`` of a file reached. A candidate is known by its name under the ``src`` roots
    and, when the first directory above it without ``__init__.py`` is a test's or conftest's too,
    by its name counted from there (pytest's default import mode puts that directory on
    ``sys.path``: ``from helpers import x`` beside the tests; not a ``sys.path.insert``), and, for
    the imports of a test or conftest itself, by the dotted names of two parts or more its path
    ends with (:func:`_dotted_tails`: a package under a source root the configuration does not
    name, ``localstack-core/localstack/testing/config.py`` imported as
    ``localstack.testing.config``; the module named, not its packages); what such a module
    imports in turn (its relative imports too) is not followed: under a root the configuration
    does not name, that is most often the internals of the code under test. A test module never
    reaches the module it is named after (``test_azp.py`` importing ``…ci.azp``, ``test_hello.py``
    importing ``…modules.hello``): that is its subject, the code under test; another test may
    still reach it. A file that did not parse reaches the modules in its directory and below.
    The rest — Lambda handler sources deployed by the tests, scripts, the tool a suite tests — is
    not test code.
    ``is_package`` says whether a directory holds ``__init__.py`` (the tree's answer; by default,
    whether one is among ``imports``' files). No file is opened."""
    pending = set(candidates)
    if not pending:
        return frozenset()
    if is_package is None:
        is_package = {rel[:-len("/__init__.py")] for rel in imports if rel.endswith("/__init__.py")}.__contains__
    basedirs: Dict[str, str] = {}  # a directory → its basedir: the same for every file in it
    on_path = {_basedir(rel, is_package, basedirs)[0] for rel in imports if rel not in pending}  # on sys.path
    by_name: Dict[str, List[str]] = {}
    by_tail: Dict[str, List[str]] = {}
    for rel in candidates:
        basedir, name = _basedir(rel, is_package, basedirs)
        for known in {module_name(rel, src_roots), name if basedir in on_path else ""}:
            if known:
                by_name.setdefault(known, []).append(rel)
        for tail in _dotted_tails(rel):
            by_tail.setdefault(tail, []).append(rel)
    hits_of: Dict[str, List[str]] = {}  # an imported name → the candidates of it and its prefixes

    def hits(name: str) -> List[str]:
        found = hits_of.get(name)
        if found is None:
            parts = name.split(".")
            found = hits_of[name] = [c for i in range(1, len(parts) + 1)
                                     for c in by_name.get(".".join(parts[:i]), ())]
        return found

    stems = {rel: _stem(rel) for rel in candidates}
    ordered = sorted(pending)  # the candidates below a directory are one slice of it
    # Each distinct imported name is looked up once; a file's names that reach no candidate (most
    # of a run's ~150,000) are skipped by a set intersection.
    distinct: Set[str] = set()
    for names in imports.values():
        distinct.update(names)
    can_hit = {name for name in distinct if name in by_tail or hits(name)}.intersection
    inits_of: Dict[str, List[str]] = {}  # a directory → its packages' ``__init__.py`` files
    reached: Set[str] = set()
    tailed: Set[str] = set()  # reached by a tail name only: not followed
    todo = [rel for rel in imports if rel not in pending]
    while todo:
        rel = todo.pop()
        directory = rel.rpartition("/")[0]
        inits = inits_of.get(directory)
        if inits is None:
            inits = inits_of[directory] = [f"{d}/__init__.py" for d in _parents(rel)]
        found = list(inits)
        if imports.get(rel) == UNKNOWN_IMPORTS:  # what it imports is unknown: the modules beside and below it
            below = rel.rpartition("/")[0] + "/" if "/" in rel else ""
            start = bisect_left(ordered, below)
            found.extend(takewhile(lambda c: c.startswith(below), islice(ordered, start, None)))
        subject = _subject(rel)
        source = rel not in pending  # a test's or conftest's own imports
        for name in can_hit(imports.get(rel, ())):
            candidates_of = hits(name)
            if candidates_of:
                found.extend(c for c in candidates_of if not subject or stems[c] != subject)
            if source and name in by_tail:  # the module named (not its packages): reached, not followed
                tailed.update(t for t in by_tail[name] if stems[t] != subject)
        for hit in found:
            if hit in pending and hit not in reached:
                reached.add(hit)
                todo.append(hit)
    return frozenset(reached | tailed)


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return rel.rsplit("/", 2)[-2] if name == "__init__.py" and "/" in rel else name[:-3] if name.endswith(".py") else name


_SUBJECT = re.compile(r"^test_(\w+)$|^(\w+)_test$")


def _subject(rel: str) -> str:
    """What a test module is named after (`azp` for `test_azp.py`): the module it tests."""
    match = _SUBJECT.match(_stem(rel))
    return (match.group(1) or match.group(2)) if match else ""


def _dotted_tails(rel: str) -> List[str]:
    """The dotted names of two parts or more that end ``rel``'s path (``localstack.testing.config``
    and ``testing.config`` for ``localstack-core/localstack/testing/config.py``): the name it is
    imported by when an installed distribution or a source root the configuration does not name
    puts its top directory on ``sys.path``."""
    parts = (rel[:-3] if rel.endswith(".py") else rel).split("/")
    if parts[-1] == "__init__":
        parts.pop()
    tails = []
    for start in range(len(parts) - 2, -1, -1):
        if not parts[start].isidentifier():
            break
        tails.append(".".join(parts[start:]))
    return tails if parts and parts[-1].isidentifier() else []


def _parents(rel: str) -> List[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _basedir(rel: str, is_package: Callable[[str], bool], memo: Optional[Dict[str, str]] = None) -> Tuple[str, str]:
    """The first directory above ``rel`` that is not a package (pytest's basedir, which its
    default import mode puts on ``sys.path`` for a test module or conftest there), and ``rel``'s
    dotted name counted from it (``memo``: directory → basedir, shared by a run's files)."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    directory = "/".join(parts[:-1])
    basedir = memo.get(directory) if memo is not None else None
    if basedir is None:
        start = len(parts) - 1  # the module's own name; its package directories before it
        while start > 0 and is_package("/".join(parts[:start])):
            start -= 1
        basedir = "/".join(parts[:start])
        if memo is not None:
            memo[directory] = basedir
    return basedir, ".".join(parts[len(basedir.split("/")) if basedir else 0:])


def _norecurse_match(rel: str, pattern: str) -> bool:
    """pytest's ``fnmatch_ex``: a pattern without a separator matches the directory's name, one
    with a separator the path (a relative one anywhere below the root)."""
    if "/" not in pattern:
        return fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)
    return fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, "*/" + pattern.lstrip("/"))


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _under_excluded_dir(rel: str, excluded) -> bool:
    parts = rel.split("/")
    for i in range(1, len(parts)):
        if excluded("/".join(parts[:i]), True):
            return True
    return False


def _walk(top: str, root: str, real_root: str, excluded, found: dict, warnings: List[Warning_],
          walked: Set[str], config_dirs: Set[str]) -> None:
    top_rel = relpath(top, root)
    stack = [(top, "" if top_rel == "." else top_rel + "/")]
    while stack:
        current, prefix = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            warnings.append(Warning_(relpath(current, root), f"cannot read directory: {exc.strerror}"))
            continue
        walked.add(prefix[:-1])
        for entry in entries:
            rel = prefix + entry.name
            if entry.name in CONFIG_NAMES:
                config_dirs.add(prefix[:-1])
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if excluded(rel, True) or _is_venv(entry.path):
                    continue
                stack.append((entry.path, rel + "/"))
                continue
            if not entry.name.endswith(".py"):
                continue
            if excluded(rel, False):
                continue
            if is_link:
                target = os.path.realpath(entry.path)
                if not (target == real_root or target.startswith(real_root + os.sep)) or not os.path.isfile(target):
                    continue
            elif not entry.is_file(follow_symlinks=False):  # reading a FIFO would wait forever
                warnings.append(Warning_(rel, "not a regular file, skipped"))
                continue
            found[entry.path] = SourceFile(entry.path, rel)


def module_name(rel: str, src_roots: Sequence[str]) -> str:
    """Dotted module name of a root-relative path, against the longest matching ``src`` root."""
    best = ""
    for src in src_roots:
        src_norm = Path(src).as_posix().strip("/")
        if src_norm in ("", "."):
            candidate = ""
        elif rel == src_norm or rel.startswith(src_norm + "/"):
            candidate = src_norm
        else:
            continue
        if len(candidate) >= len(best):
            best = candidate
    inner = rel[len(best) + 1:] if best else rel
    if inner.endswith(".py"):
        inner = inner[:-3]
    parts = [p for p in inner.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=None)
def _src_prefix(src: str) -> str:
    """``src`` as a root-relative path prefix (``""`` for the root); asked for every module name
    a run resolves (hundreds of thousands in a full corpus run), so never rebuilt."""
    base = Path(src).as_posix().strip("/")
    return "" if base in ("", ".") else base + "/"


def module_files(module: str, root: str, src_roots: Sequence[str],
                 exists: Optional[Callable[[str], bool]] = None) -> List[str]:
    """Candidate root-relative files that would define ``module`` (``m.py`` or ``m/__init__.py``);
    ``exists`` (root-relative path → bool) replaces the disk, e.g. with a cached listing."""
    out = []
    path = module.replace(".", "/")
    for src in src_roots:
        prefix = _src_prefix(src)
        for cand in (f"{prefix}{path}.py", f"{prefix}{path}/__init__.py"):
            if exists(cand) if exists is not None else os.path.isfile(os.path.join(root, cand)):
                out.append(cand)
    return out


def module_paths(module: str, src_roots: Sequence[str], exists: Callable[[str], bool]) -> List[str]:
    """The root-relative files whose :func:`module_name` is ``module`` (``m.py``, ``m/__init__.py``
    under a ``src`` root, or under the project root for files outside every ``src`` root), in
    ``src`` order. Import reach (the closure) and the project phase's module lookups both use it,
    so what a rule may consult is what a closure signature covers."""
    parts = module.split(".")
    if not module or "" in parts:
        return []
    out: List[str] = []
    for cand in module_files(module, "", (*src_roots, "."), exists):
        if cand not in out and module_name(cand, src_roots) == module:
            out.append(cand)
    return out


def may_have_submodules(module: str, src_roots: Sequence[str], is_dir: Callable[[str], bool]) -> bool:
    """Whether a directory that could hold ``module``'s submodules exists where :func:`module_paths`
    looks (under a ``src`` root or the project root): without one, no ``module.x`` has a file."""
    path = module.replace(".", "/")
    return any(is_dir(_src_prefix(src) + path) for src in dict.fromkeys((*src_roots, ".")))
