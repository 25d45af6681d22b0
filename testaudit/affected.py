"""What a change to a support file does to the tests that depend on it (pre-commit, issue 31).

A run that names a support module — a conftest, a helper, a base-class module: any named file
that is not a test module — also reports the findings that the change to it causes in the test
modules reaching it: a fixture that now returns a ``MagicMock``, a helper that starts patching, a
``setUp`` that starts mocking. "Causes" is measured, not guessed: the test modules that can reach
a changed file are checked twice, with the file as it is and as it was at ``HEAD`` (read from
git's objects; a file new to git did not exist), and only the findings the second run does not
have are reported. A finding the tests already had is therefore never blamed on the change, and
one that does not pass through a changed file cannot appear. With a baseline, the CLI then keeps
only those the baseline does not record.

Which test modules can reach a file is bounded by the import statements of the project's text
(no parse), so a cold run checks the reach of the change, not the project: those below a changed
conftest's directory, and those whose imports load a changed module, or a support module or
conftest that loads one, transitively (importing ``a.b.c`` runs ``a`` and ``a.b`` too). The two
runs judge reach exactly; the import lines only choose what they check.

The findings are reported on the affected tests, their message ending in ``[affected by the
change to tests/integration/conftest.py]``; the score still covers only the named test modules.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from testaudit.config import Config
from testaudit.discover import DOTTED_STRING, discover, is_test_file, module_name
from testaudit.model import FINDING_ORDER, Finding, RunResult
from testaudit.source import read_regular

if TYPE_CHECKING:
    from testaudit.workers import Progress

Identity = Tuple[str, str, str, str]


def affected(result: RunResult, paths: Sequence[str], config: Config, *, select: Optional[Sequence[str]] = None,
             ignore: Sequence[str] = (), jobs: Optional[int] = None, cache: bool = False,
             progress: Optional["Progress"] = None) -> RunResult:
    """``result`` (a run over ``paths``) with the findings its named support files' changes cause
    in the test modules that reach them."""
    from testaudit import engine
    from testaudit.gitrev import contents_at_head

    files = {os.path.abspath(p) for p in paths if os.path.isfile(p)}
    named = [rel for rel in result.paths if os.path.abspath(os.path.join(config.root, rel)) in files]
    support = [rel for rel in named if not is_test_file(rel, config)]
    if not support:
        return result
    then = contents_at_head(config.root, support) or {}
    changed = [rel for rel in support if then.get(rel) != _read(os.path.join(config.root, rel))]
    if not changed:
        return result
    reach = sorted(reaching(config, changed) - set(named))
    if not reach:
        return result
    targets = [os.path.join(config.root, rel) for rel in reach]
    # the state at HEAD first: right after an edit the cache still holds its per-file outcomes
    before = engine.run(targets, config, select=select, ignore=ignore, jobs=jobs, cache=cache,
                        overlay={rel: then.get(rel) for rel in changed})
    now = engine.run(targets, config, select=select, ignore=ignore, jobs=jobs, cache=cache, progress=progress)
    caused = _new(now.findings, before.findings)
    if not caused:
        return result
    marked = [replace(f, message=f"{f.message} [affected by the change to {_cause(f, changed)}]") for f in caused]
    return replace(result, findings=tuple(sorted((*result.findings, *marked), key=FINDING_ORDER)))


def _read(path: str, limit: int = -1) -> Optional[bytes]:
    """The file's bytes (at most ``limit``) through the engine's reader, which never blocks on a
    FIFO swapped in for a file; None when it cannot be read."""
    try:
        return read_regular(path, limit)
    except OSError:
        return None


def _identity(f: Finding) -> Identity:
    """A finding without its line numbers or message (as the baseline identifies one): a chain
    that only moved, or a line inserted above a test, is not a new finding."""
    return (f.path, f.code, f.scope or f.path, f.source_hash)


def _new(now: Iterable[Finding], before: Iterable[Finding]) -> List[Finding]:
    """The findings of ``now`` that ``before`` does not have (counting repeats)."""
    left = Counter(_identity(f) for f in before)
    out = []
    for f in now:
        key = _identity(f)
        if left[key]:
            left[key] -= 1
        else:
            out.append(f)
    return out


def _cause(f: Finding, changed: Sequence[str]) -> str:
    """The changed file the finding's chain names, else every changed file."""
    text = " ".join(f.chain) + " " + f.message
    named = [rel for rel in changed if rel in text]
    return ", ".join(named or changed)


def reaching(config: Config, changed: Sequence[str],
             read: Optional[Callable[[str], Optional[bytes]]] = None) -> Set[str]:
    """Test modules of the project that may reach a changed file: a superset (see the module
    docstring), which the two runs narrow exactly. The test modules looked at are those under
    pytest's ``testpaths`` when the project names them (the suite pytest runs), else the root's;
    the support modules followed are those there and in the changed files' top directories."""
    roots = config.pytest.test_dirs(config.root) or [config.root]
    tops = {rel.split("/", 1)[0] for rel in changed if "/" in rel}
    roots += [os.path.join(config.root, top) for top in sorted(tops)]
    files = [f.rel for f in discover(roots, config).files]
    in_suite = [os.path.relpath(p, config.root).replace(os.sep, "/") for p in roots[:len(roots) - len(tops)]]
    conftest_dirs: Set[str] = set()
    reached: Set[str] = set()  # dotted names of the modules (and packages) reached
    texts: Dict[str, str] = {}

    def add(rel: str) -> None:
        if rel.rsplit("/", 1)[-1] == "conftest.py":
            conftest_dirs.add(rel.rpartition("/")[0])
        else:
            reached.add(module_name(rel, config.src))

    def loads(rel: str) -> bool:
        """Whether ``rel``'s imports load a reached module (its text is read once, and parsed
        only when it holds the last name of one)."""
        if rel not in texts:
            path = os.path.join(config.root, rel)
            data = read(path) if read is not None else _read(path, config.max_file_size)  # a larger file is not analysed either
            texts[rel] = (data or b"").decode("utf-8", "replace")
        text = texts[rel]
        if not any(name.rpartition(".")[2] in text for name in reached):
            return False
        return bool(imported(text, module_name(rel, config.src), rel.endswith("__init__.py"),
                             rel.endswith("conftest.py")) & reached)

    for rel in changed:
        add(rel)
    support = [rel for rel in files if rel not in changed and not is_test_file(rel, config)]
    grew = bool(reached)
    while grew:  # support modules importing what is reached are reached too, transitively
        grew = False
        for rel in support:
            if _not_yet(rel, config, reached, conftest_dirs) and loads(rel):
                add(rel)
                grew = True
    out = set()
    for rel in files:
        if not is_test_file(rel, config) or not any(not d or d == "." or rel.startswith(d + "/") for d in in_suite):
            continue
        if any(not d or rel.startswith(d + "/") for d in conftest_dirs) or (reached and loads(rel)):
            out.add(rel)
        texts.pop(rel, None)
    return out


def _not_yet(rel: str, config: Config, reached: Set[str], conftest_dirs: Set[str]) -> bool:
    if rel.rsplit("/", 1)[-1] == "conftest.py":
        return rel.rpartition("/")[0] not in conftest_dirs
    return module_name(rel, config.src) not in reached


_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.M)


def imported(text: str, module: str, is_package: bool, is_conftest: bool = False) -> Set[str]:
    """The dotted names the imports of a module's text may load, read from the text alone (a
    superset: an import inside a string counts too): ``import a.b`` gives ``a.b``, ``from a.b
    import c`` gives ``a.b`` and ``a.b.c``, relative imports are resolved against ``module``. A
    conftest's dotted strings count as imports too (``pytest_plugins = ["tests.fixtures.db"]``)."""
    out: Set[str] = set()
    for match in _IMPORT.finditer(text):
        for part in match.group(1).split(","):
            words = part.split()
            if words:
                out.add(words[0])
    for match in _FROM.finditer(text):
        base = _absolute(match.group(1), module, is_package)
        if base is None:
            continue
        if base:
            out.add(base)
        for part in match.group(2).strip().strip("()").split(","):
            words = part.split()
            if words and words[0] != "*":
                out.add(f"{base}.{words[0]}" if base else words[0])
    if is_conftest:
        out.update(DOTTED_STRING.findall(text))
    return out


def _absolute(name: str, module: str, is_package: bool) -> Optional[str]:
    """``from ..x import`` in ``module`` → the absolute dotted name (None: above the top)."""
    dots = len(name) - len(name.lstrip("."))
    if not dots:
        return name
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if dots - 1 > len(parts):
        return None
    base = parts[:len(parts) - (dots - 1)]
    rest = name[dots:]
    return ".".join(base + ([rest] if rest else []))
