"""Find, load and validate configuration into a frozen :class:`Config`.

Sources, first hit wins: ``--config FILE``; ``testaudit.toml`` at the project root (keys at
its top level); ``[tool.testaudit]`` in the root's ``pyproject.toml``. Keys are kebab-case.
Unknown keys and wrong types raise :class:`ConfigError` naming the file and key, with a
did-you-mean. Rule options (``[tool.testaudit.rules.<code-or-name>]``) are validated by the
registry, which knows each rule's ``Options``.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import AbstractSet, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from testaudit.collection import PytestSettings, find_pytest_settings
from testaudit.errors import ConfigError, did_you_mean
from testaudit.nested_config import NESTED_KEYS, NestedConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib


@dataclass(frozen=True)
class CategorySpec:
    """A test category and what maps to it. ``rank``: strictness for ties (higher = stricter).

    ``bases`` empty means: the category's ``required`` bases of TA501. ``decorators``: names of
    decorators other than pytest marks (``requires_aws``, ``tests.live.requires_aws``) that say a
    test belongs to the category, matched against the decorator's dotted name or its tail.
    """

    name: str
    rank: int
    markers: Tuple[str, ...]
    paths: Tuple[str, ...]
    bases: Tuple[str, ...] = ()
    decorators: Tuple[str, ...] = ()


DEFAULT_CATEGORIES: Tuple[CategorySpec, ...] = (
    CategorySpec("e2e", 4, ("e2e",), ("e2e",)),
    CategorySpec("integration", 3, ("integration",), ("integration",)),
    CategorySpec("mission_critical", 2, ("mission_critical",), ("mission_critical",)),
    CategorySpec("unit", 1, ("unit",), ("unit",)),
)

DEFAULT_TEST_FILES = ("test_*.py", "*_test.py")
UNCATEGORIZED = "uncategorized"  # the category of a test nothing maps to (SPEC §3)


DEFAULT_SRC = (".", "src")


@dataclass(frozen=True)
class Config:
    root: str
    source: Optional[str] = None
    select: Optional[Tuple[str, ...]] = None
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    report_unreached: bool = False  # report on support modules under the paths that no test reaches
    test_files: Tuple[str, ...] = DEFAULT_TEST_FILES
    python_classes: Tuple[str, ...] = ("Test*",)
    python_functions: Tuple[str, ...] = ("test*",)
    src: Tuple[str, ...] = DEFAULT_SRC  # like ruff: a src/ layout resolves without configuration
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    fail_under: Optional[str] = None
    fail_under_category: Tuple[Tuple[str, str], ...] = ()  # (category, threshold), SPEC §6
    jobs: Optional[int] = None
    baseline: Optional[str] = None
    max_file_size: int = 4_000_000
    max_file_seconds: int = 60  # CPU seconds one file's analysis may take (testaudit.budget)
    max_file_memory: int = 2_000_000_000  # bytes one file's analysis may allocate in a worker
    categories: Tuple[CategorySpec, ...] = DEFAULT_CATEGORIES
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    pytest: PytestSettings = PytestSettings()  # the project's own pytest configuration
    origins: Tuple[Tuple[str, str], ...] = ()  # (key, where its value came from) for keys pytest shares
    verify: Mapping[str, Any] = field(default_factory=dict)  # [tool.testaudit.verify], checked by verify.settings
    nested: Tuple[NestedConfig, ...] = ()  # the nested configurations of the run's files (testaudit.nested_config)
    hierarchical: bool = True  # False with --config FILE: that file alone applies, as in ruff

    @property
    def all_excludes(self) -> Tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# key -> (python attribute, expected type description)
_TOP_KEYS: Dict[str, Tuple[str, str]] = {
    "select": ("select", "list of rule codes or names"),
    "ignore": ("ignore", "list of rule codes or names"),
    "exclude": ("exclude", "list of glob patterns"),
    "extend-exclude": ("extend_exclude", "list of glob patterns"),
    "respect-gitignore": ("respect_gitignore", "boolean"),
    "force-exclude": ("force_exclude", "boolean"),
    "report-unreached": ("report_unreached", "boolean"),
    "test-files": ("test_files", "list of glob patterns"),
    "python-classes": ("python_classes", "list of glob patterns"),
    "python-functions": ("python_functions", "list of glob patterns"),
    "src": ("src", "list of directories"),
    "per-file-ignores": ("per_file_ignores", "table of glob -> list of rule codes"),
    "fail-under": ("fail_under", "number from 0 to 100"),
    "fail-under-category": ("fail_under_category", "table of category -> number from 0 to 100"),
    "jobs": ("jobs", "positive integer"),
    "baseline": ("baseline", "path of the baseline file, relative to the project root"),
    "max-file-size": ("max_file_size", "positive integer (bytes)"),
    "max-file-seconds": ("max_file_seconds", "positive integer (CPU seconds per file)"),
    "max-file-memory": ("max_file_memory", "positive integer (bytes per file)"),
    "categories": ("categories", "table of category -> {markers, decorators, paths, bases, rank}"),
    "rules": ("rule_options", "table of rule code or name -> options table"),
    "verify": ("verify", "table of phrase list -> list of regular expressions"),
}
_CATEGORY_KEYS = {"markers", "decorators", "paths", "bases", "rank"}
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")


def find_project_root(paths: Sequence[str]) -> Path:
    """SPEC §3: the nearest ancestor of the first path holding a config file or ``.git``. A
    nested configuration that only narrows rules (:mod:`testaudit.nested_config`) is passed over:
    it belongs to the project above it, unless nothing is above it. One path given as a string
    is that path (not its first character: `"/work/project"[0]` would make `/` the root)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [os.fspath(paths)]
    first = Path(paths[0] if paths else ".").absolute()
    start = first if first.is_dir() else first.parent
    nested: Optional[Path] = None
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
        pyproject = candidate / "pyproject.toml"
        if (candidate / "testaudit.toml").is_file() or (pyproject.is_file() and _has_tool_section(pyproject)):
            if not is_narrowing_only(candidate):
                return candidate
            nested = nested or candidate
    if nested is not None:
        return nested
    cwd = Path.cwd()
    if start == cwd or cwd in start.parents:
        return cwd
    return start


def _has_tool_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*\[tool\.testaudit(\]|\.)", text, re.M) is not None


def _read_toml(path: Path) -> Dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"invalid TOML: not UTF-8 ({exc.reason} at byte {exc.start})", str(path)) from None
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deeply", str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", str(path)) from None


def load_config(root: Path, config_file: Optional[str] = None) -> Config:
    """Load and validate the configuration for the project at ``root``."""
    raw: Dict[str, Any] = {}
    source: Optional[Path] = None
    prefix = ""
    hierarchical = not config_file
    if config_file:
        source = Path(config_file)
        if not source.is_file():
            raise ConfigError("config file not found", str(source))
        data = _read_toml(source)
        if source.name == "pyproject.toml":
            raw = data.get("tool", {}).get("testaudit", {})
            prefix = "tool.testaudit."
        else:
            raw = data
    elif (root / "testaudit.toml").is_file():
        source = root / "testaudit.toml"
        raw = _read_toml(source)
    elif (root / "pyproject.toml").is_file():
        data = _read_toml(root / "pyproject.toml")
        tool = data.get("tool", {})
        if isinstance(tool, dict) and "testaudit" in tool:
            source = root / "pyproject.toml"
            raw = tool["testaudit"]
            prefix = "tool.testaudit."
    src_name = str(source) if source else None
    if not isinstance(raw, dict):
        raise ConfigError("expected a table", src_name, prefix.rstrip("."))
    config = parse_config(raw, root=str(root), source=src_name, prefix=prefix)
    if not hierarchical:
        config = replace(config, hierarchical=False)
    return with_pytest_settings(config, find_pytest_settings(root), raw)


# testaudit's key → (Config attribute, pytest's ini option)
SHARED_WITH_PYTEST = (("test-files", "test_files", "python_files"), ("python-classes", "python_classes", "python_classes"),
                      ("python-functions", "python_functions", "python_functions"))


def with_pytest_settings(config: Config, settings: PytestSettings, raw: Mapping[str, Any]) -> Config:
    """``config`` with pytest's collection options as defaults: a key testaudit's own
    configuration sets wins; else the project's pytest configuration; else pytest's defaults."""
    changes: Dict[str, Any] = {}
    origins: List[Tuple[str, str]] = []
    for key, attr, option in SHARED_WITH_PYTEST:
        value = getattr(settings, option)
        if key in raw:
            origins.append((key, f"{relpath(config.source or '', config.root)} (testaudit)"))
        elif value is not None:
            changes[attr] = value
            origins.append((key, f"{settings.where(config.root)} ({option})"))
        else:
            origins.append((key, "pytest's default"))
    return replace(config, pytest=settings, origins=tuple(origins), **changes)


def parse_config(raw: Mapping[str, Any], root: str, source: Optional[str] = None, prefix: str = "") -> Config:
    """Validate a raw TOML table into a :class:`Config` (rule options are checked later)."""
    values: Dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _TOP_KEYS:
            raise ConfigError(f"unknown key{did_you_mean(key, _TOP_KEYS)}", source, prefix + key)
        attr, expected = _TOP_KEYS[key]
        full = prefix + key
        if attr in {"select", "ignore", "exclude", "extend_exclude", "test_files", "python_classes",
                    "python_functions", "src"}:
            values[attr] = _str_list(value, source, full, expected)
            outside = [d for d in values[attr] if attr == "src" and _leaves(d)]
            if outside:
                raise ConfigError(f"expected directories inside the project root, got {outside[0]!r}", source, full)
        elif attr in {"respect_gitignore", "force_exclude", "report_unreached"}:
            if not isinstance(value, bool):
                raise ConfigError(f"expected {expected}, got {_tname(value)}", source, full)
            values[attr] = value
        elif attr == "fail_under":
            values[attr] = _fail_under(value, source, full)
        elif attr == "fail_under_category":
            if not isinstance(value, dict):
                raise ConfigError(f"expected a {expected}, got {_tname(value)}", source, full)
            values[attr] = tuple((name, _fail_under(v, source, f"{full}.{name}")) for name, v in sorted(value.items()))
        elif attr in {"jobs", "max_file_size", "max_file_seconds", "max_file_memory"}:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"expected {expected}, got {value!r}", source, full)
            if value > LIMITS[attr]:  # a size past what a file or a pool can have (2**63 overflowed os calls)
                raise ConfigError(f"expected at most {LIMITS[attr]:,}, got {value:,}", source, full)
            values[attr] = value
        elif attr == "baseline":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"expected {expected}, got {value!r}", source, full)
            if _leaves(value):  # the baseline is written: never outside the project
                raise ConfigError(f"expected a path inside the project root, got {value!r}", source, full)
            values[attr] = value
        elif attr == "per_file_ignores":
            values[attr] = _per_file_ignores(value, source, full)
        elif attr == "categories":
            values[attr] = _categories(value, source, full)
        elif attr == "verify":
            if not isinstance(value, dict):
                raise ConfigError(f"expected a {expected}, got {_tname(value)}", source, full)
            from testaudit.verify.settings import phrases_from  # checked here: a bad key fails every command

            phrases_from(value, source, full)
            values[attr] = dict(value)
        elif attr == "rule_options":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"expected {expected}", source, full)
            values[attr] = {k: dict(v) for k, v in value.items()}
    config = Config(root=root, source=source, **values)
    known = [c.name for c in config.categories] + [UNCATEGORIZED]
    for name, _ in config.fail_under_category:
        if name not in known:
            raise ConfigError(f"unknown category{did_you_mean(name, known)}; categories: {', '.join(known)}",
                              source, f"{prefix}fail-under-category.{name}")
    return config


def _tname(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


def _str_list(value: Any, source: Optional[str], key: str, expected: str) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"expected {expected}, got {_tname(value)}", source, key)
    return tuple(value)


# a thousand processes; a terabyte; eleven days; a petabyte
LIMITS = {"jobs": 1024, "max_file_size": 2**40, "max_file_seconds": 10**6, "max_file_memory": 2**50}


def _fail_under(value: Any, source: Optional[str], key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"expected a number from 0 to 100, got {_tname(value)}", source, key)
    text = str(value)
    try:
        number = float(text)
    except ValueError:
        raise ConfigError(f"expected a number from 0 to 100, got {text!r}", source, key) from None
    if not 0 <= number <= 100:
        raise ConfigError(f"expected a number from 0 to 100, got {text}", source, key)
    if "." in text and len(text.split(".", 1)[1].rstrip("0")) > 6:  # beyond any score's precision
        raise ConfigError(f"expected at most 6 decimals, got {text}", source, key)
    if "e" in text.lower():
        raise ConfigError(f"expected a plain decimal number, got {text}", source, key)
    return text


def _per_file_ignores(value: Any, source: Optional[str], key: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table of glob -> list of rule codes, got {_tname(value)}", source, key)
    out = []
    for glob, codes in value.items():
        out.append((glob, _str_list(codes, source, f"{key}.{glob}", "list of rule codes or names")))
    return tuple(out)


def _categories(value: Any, source: Optional[str], key: str) -> Tuple[CategorySpec, ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"expected a table of categories, got {_tname(value)}", source, key)
    by_name = {c.name: c for c in DEFAULT_CATEGORIES}
    for name, spec in value.items():
        ckey = f"{key}.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(f"expected a table with {sorted(_CATEGORY_KEYS)}", source, ckey)
        for sub in spec:
            if sub not in _CATEGORY_KEYS:
                raise ConfigError(f"unknown key{did_you_mean(sub, _CATEGORY_KEYS)}", source, f"{ckey}.{sub}")
        base = by_name.get(name, CategorySpec(name, 0, (name,), (name,)))
        rank = spec.get("rank", base.rank)
        if isinstance(rank, bool) or not isinstance(rank, int):
            raise ConfigError(f"expected an integer, got {_tname(rank)}", source, f"{ckey}.rank")
        by_name[name] = CategorySpec(
            name=name,
            rank=rank,
            markers=_str_list(spec["markers"], source, f"{ckey}.markers", "list of marker names")
            if "markers" in spec else base.markers,
            paths=_category_paths(spec["paths"], source, f"{ckey}.paths") if "paths" in spec else base.paths,
            bases=_str_list(spec["bases"], source, f"{ckey}.bases", "list of qualified class names")
            if "bases" in spec else base.bases,
            decorators=_decorators(spec["decorators"], source, f"{ckey}.decorators")
            if "decorators" in spec else base.decorators,
        )
    for what, field_of in (("marker", lambda c: c.markers), ("decorator", lambda c: c.decorators)):
        owner: Dict[str, str] = {}
        for spec in sorted(by_name.values(), key=lambda c: (c.name in value, c.name)):  # configured ones last
            for name in field_of(spec):
                if name in owner:
                    raise ConfigError(f"{what} `{name}` also belongs to category `{owner[name]}`; a {what} can name "
                                      "one category only", source, f"{key}.{spec.name}.{what}s")
                owner[name] = spec.name
    return tuple(sorted(by_name.values(), key=lambda c: (-c.rank, c.name)))


def _decorators(value: Any, source: Optional[str], key: str) -> Tuple[str, ...]:
    names = _str_list(value, source, key, "list of decorator names")
    for name in names:
        bare = name.lstrip("@")
        if bare.startswith("pytest.mark."):
            raise ConfigError(f"`{name}` is a pytest marker; put `{bare[len('pytest.mark.'):]}` in `markers`", source, key)
        if not _DOTTED.match(bare):
            raise ConfigError(f"`{name}` is not a decorator name; expected a name or dotted name "
                              "(`requires_aws`, `tests.support.live`)", source, key)
    return tuple(n.lstrip("@") for n in names)


def _category_paths(value: Any, source: Optional[str], key: str) -> Tuple[str, ...]:
    paths = _str_list(value, source, key, "list of directory names or root-relative paths")
    for p in paths:
        anchored, glob = path_pattern(p)
        if not glob or glob.strip("*") == "" or (anchored and _leaves(glob)) or "\\" in p:
            raise ConfigError(f"`{p}` names no directory of the project; expected a directory name (`integration`) or a "
                              "path from the project root with `/` (`tests/aws`, `tests/*/live`)", source, key)
    return paths


def path_pattern(pattern: str) -> Tuple[bool, str]:
    """A category's ``paths`` entry as (anchored at the project root, the glob): ``integration``
    names a directory at any depth; ``tests/aws``, ``tests/aws/**`` and ``/aws`` a directory's
    path from the root (a trailing ``/**`` or ``/`` means the same as none)."""
    while pattern.endswith(("/**", "/")) and pattern.strip("/*"):
        pattern = pattern[:-3] if pattern.endswith("/**") else pattern[:-1]
    return "/" in pattern, pattern.lstrip("/")


def _leaves(directory: str) -> bool:
    """Whether a root-relative directory names something outside the root."""
    parts = directory.replace("\\", "/").split("/")
    return directory.startswith(("/", "~")) or bool(re.match(r"^[A-Za-z]:", directory)) or ".." in parts


def relpath(path: str, root: str) -> str:
    """POSIX path of ``path`` relative to ``root`` (absolute POSIX path when outside)."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:  # different drives on Windows
        return Path(path).as_posix()
    if rel.startswith(".."):
        return Path(os.path.abspath(path)).as_posix()
    return Path(rel).as_posix()


# -- nested configurations (testaudit.nested_config) ------------------------------------------

def table_in(directory: Path) -> Optional[Tuple[Path, Dict[str, Any], str]]:
    """The testaudit table a directory's configuration file holds: (file, table, key prefix)."""
    own = directory / "testaudit.toml"
    if own.is_file():
        return own, _read_toml(own), ""
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file() and _has_tool_section(pyproject):
        tool = _read_toml(pyproject).get("tool", {})
        table = tool.get("testaudit") if isinstance(tool, dict) else None
        if isinstance(table, dict):
            return pyproject, table, "tool.testaudit."
    return None


def is_narrowing_only(directory: Path) -> bool:
    """Whether the directory's configuration only narrows rules (a nested one, not a root).
    An unreadable file counts as a root, so loading it reports its error."""
    try:
        found = table_in(directory)
    except ConfigError:
        return False
    return found is not None and bool(found[1]) and set(found[1]) <= set(NESTED_KEYS)


def find_nested(root: str, rels: Iterable[str], walked: AbstractSet[str] = frozenset(),
                config_dirs: AbstractSet[str] = frozenset()) -> Tuple[Tuple[NestedConfig, ...], List[Tuple[str, str]]]:
    """The nested configurations in the directories between the root and each of ``rels``,
    outermost first, and (file, message) warnings for those not applied. A file that is not
    valid TOML, or a key with a wrong value, is a :class:`ConfigError` as at the root.
    Directories in ``walked`` hold a configuration file only if they are in ``config_dirs``
    (what discovery saw): only the others are looked at on disk."""
    dirs: Set[str] = set()
    for rel in rels:
        parent = rel.rpartition("/")[0]
        while parent and parent not in dirs:
            dirs.add(parent)
            parent = parent.rpartition("/")[0]
    found: List[NestedConfig] = []
    warnings: List[Tuple[str, str]] = []
    for directory in sorted(dirs, key=lambda d: (d.count("/"), d)):
        if directory in walked and directory not in config_dirs:
            continue
        located = table_in(Path(root, directory))
        if located is None:
            continue
        path, table, prefix = located
        source = os.path.relpath(path, root).replace(os.sep, "/")
        if not isinstance(table, dict):
            raise ConfigError("expected a table", str(path), prefix.rstrip("."))
        other = sorted(set(table) - set(NESTED_KEYS))
        if other:
            warnings.append((source, f"nested configuration not applied: it sets `{other[0]}`, which only the "
                                     f"root configuration can set (a nested one sets {', '.join(NESTED_KEYS)})"))
            continue
        select = table.get("select")
        found.append(NestedConfig(
            directory, source,
            select=_str_list(select, str(path), prefix + "select", "list of rule codes or names")
            if select is not None else None,
            ignore=_str_list(table.get("ignore", []), str(path), prefix + "ignore", "list of rule codes or names"),
            per_file_ignores=_per_file_ignores(table.get("per-file-ignores", {}), str(path),
                                               prefix + "per-file-ignores")))
    return tuple(found), warnings
