"""``testaudit init``: a starting configuration fitted to the project it inspects (SPEC §7).

:func:`survey` runs a check with the default configuration and reads the project's facts;
:func:`render` (pure) turns what it saw into TOML with a comment on each choice:

- the rules of the reference policy (no mocks in integration and e2e tests, absolute imports,
  the environment accessor, BVJ docstrings, base classes, typed IDs) stay on only where the
  project already follows them — at least :data:`FOLLOWED` of the modules they apply to comply —
  and are ignored, with the figure, where it does not; the generic rules stay on everywhere;
- directories and markers that name a category by a common synonym (``end_to_end/``,
  ``@pytest.mark.acceptance``) are mapped to it; other markers and decorators the tests carry are
  listed, with their counts, for the team to map;
- ``fail-under`` starts at today's score under that configuration (computed by a second check,
  served by the cache), so the first CI run passes and the gate can only be raised.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from testaudit.config import DEFAULT_CATEGORIES, CategorySpec, Config, parse_config, with_pytest_settings

# the reference policy's rules; every other rule is generic (good practice in any pytest suite)
POLICY: Tuple[Tuple[str, ...], ...] = (
    ("TA101", "TA102", "TA103"),  # real services in integration and e2e tests
    ("TA201",), ("TA301",),
    ("TA401", "TA402", "TA403"),  # BVJ docstrings: decided together, by TA401
    ("TA501",), ("TA701",),
)
FOLLOWED = 0.8  # share of applicable modules that comply, from which a project follows a rule

# directory and marker names that say a category in real suites, besides the category's own name
SYNONYMS: Mapping[str, Tuple[str, ...]] = {
    "e2e": ("end_to_end", "end2end", "endtoend", "acceptance"),
    "integration": ("integration_tests", "integrationtests", "integ", "integration_test"),
    "unit": ("unit_tests", "unittests", "unit_test"),
}
Progress = Callable[[str, int, int], None]
SHOWN = 6  # markers and decorators listed for the team to map
# markers of pytest and of common plugins that never say what a test needs (not listed)
PLUMBING_MARKERS = frozenset({"filterwarnings", "skip", "skipif", "xfail", "parametrize", "usefixtures",
                              "tryfirst", "trylast", "asyncio", "anyio", "trio", "timeout", "flaky", "order"})


@dataclass(frozen=True)
class RuleFigure:
    code: str
    name: str
    applicable: int
    failing: int

    @property
    def compliance(self) -> float:
        return 1.0 if not self.applicable else 1.0 - self.failing / self.applicable


@dataclass(frozen=True)
class Survey:
    """What :func:`survey` saw, all :func:`render` needs."""

    pytest_source: str  # where the project's pytest configuration was read
    testpaths: Tuple[str, ...]
    test_modules: int
    rules: Tuple[RuleFigure, ...]  # every rule, under the default configuration
    findings: Tuple[Tuple[str, int], ...]  # (code, count) under the generated configuration
    category_paths: Tuple[Tuple[str, Tuple[str, ...]], ...]  # category → synonym directory names found
    category_markers: Tuple[Tuple[str, Tuple[str, ...]], ...]  # category → synonym markers in use
    categories: Tuple[Tuple[str, int], ...]  # module counts per category, under the generated configuration
    other_markers: Tuple[Tuple[str, int], ...]  # markers on tests that name no category, by tests carrying them
    decorators: Tuple[Tuple[str, int], ...]  # the project's own decorators on tests, likewise
    score: Tuple[int, int]  # (complying, modules) under the generated configuration
    # policy rules whose convention the project does not have at all, with why (code, reason)
    absent: Tuple[Tuple[str, str], ...] = ()


def survey(config: Config, paths: Sequence[str], *, jobs: Optional[int] = None, cache: bool = True,
           progress: Optional[Progress] = None) -> Survey:
    from testaudit.engine import project_view, run
    from testaudit.registry import all_rules
    from testaudit.score import overall

    first = run(list(paths), config, jobs=jobs, progress=progress, cache=cache)
    by_code = {r.code: r for r in overall(first).rules}
    figures = tuple(RuleFigure(cls.CODE, cls.NAME, by_code[cls.CODE].applicable if cls.CODE in by_code else 0,
                               by_code[cls.CODE].failing if cls.CODE in by_code else 0) for cls in all_rules())
    marker_tests: Counter = Counter()
    dirs = set()
    accessor, constructors = _conventions(config)
    constructs_ids = False
    with project_view(config, cache=cache) as project:
        has_accessor = project.files.has_module(accessor.rpartition(".")[0])
        for m in first.modules:
            dirs.update(m.path.split("/")[:-1])
            facts = project.file(m.path)
            if facts is None:
                continue
            constructs_ids = constructs_ids or any(c.target.rsplit(".", 1)[-1] in constructors
                                                   for fn in facts.functions for c in fn.calls)
            for fn in facts.tests():
                cls = project.class_of(facts, fn.class_name)
                marks = set(fn.markers) | set(facts.module_markers) | set(cls.markers if cls else ())
                marker_tests.update(marks)
    absent = []
    if not has_accessor:
        absent.append(("TA301", f"its accessor `{accessor}` is not in this project; set `[rules.TA301] env-accessor` "
                                "to yours to adopt it"))
    if not constructs_ids:
        names = ", ".join(f"`{c}`" for c in sorted(constructors))
        absent.append(("TA701", f"no test calls a typed-ID constructor ({names}); describe your ID types in "
                                "`[rules.TA701] id-types` to adopt it"))
    known = {n for spec in config.categories for n in spec.markers}
    found_paths = tuple((cat, tuple(sorted(d for d in dirs if d.lower() in names)))
                        for cat, names in SYNONYMS.items())
    found_markers = tuple((cat, tuple(sorted(m for m in marker_tests if m.lower() in names)))
                          for cat, names in SYNONYMS.items())
    mapped = known | {m for _, ms in found_markers for m in ms}
    others = _top((m, n) for m, n in marker_tests.items()
                  if not m.startswith("@") and m not in mapped and m not in PLUMBING_MARKERS)
    decorators = _top((m, n) for m, n in marker_tests.items() if m.startswith("@"))
    draft = Survey(config.pytest.where(config.root), config.pytest.testpaths, len(first.modules), figures, (),
                   tuple((c, p) for c, p in found_paths if p), tuple((c, m) for c, m in found_markers if m),
                   (), others, decorators, (0, 0), tuple(absent))
    fitted = apply(config, draft)
    second = first if fitted == config else run(list(paths), fitted, jobs=jobs, cache=cache)
    score = overall(second)
    return replace(draft, findings=tuple(sorted(Counter(f.code for f in second.findings).items())),
                   categories=tuple(sorted(Counter(m.category for m in second.modules).items())),
                   score=(score.complying, score.modules))


def _conventions(config: Config) -> Tuple[str, frozenset]:
    """The reference conventions the default options of TA301 and TA701 assume: the environment
    accessor, and the names of the typed-ID constructors."""
    from testaudit.registry import parse_options, rule_by_key

    ta301, ta701 = rule_by_key("TA301"), rule_by_key("TA701")
    assert ta301 is not None and ta701 is not None
    env, _ = parse_options(ta301, {}, config.source, "rules.TA301")
    ids, _ = parse_options(ta701, {}, config.source, "rules.TA701")
    return env.env_accessor, frozenset(c.rsplit(".", 1)[-1] for spec in ids.id_types.values()
                                       for c in spec.get("constructors", ()))


def _top(counts: Iterable[Tuple[str, int]]) -> Tuple[Tuple[str, int], ...]:
    return tuple(sorted(counts, key=lambda item: (-item[1], item[0]))[:SHOWN])


def ignored(draft: Survey) -> List[Tuple[Tuple[str, ...], str]]:
    """The policy groups the project does not follow, each with why: its convention is absent
    from the project, or too few of the modules the rule applies to comply."""
    by_code = {f.code: f for f in draft.rules}
    absent = dict(draft.absent)
    out = []
    for group in POLICY:
        lead = by_code.get(group[0])
        if lead is None:
            continue
        compliant = f"{lead.applicable - lead.failing:,} of {lead.applicable:,} modules comply"
        if group[0] in absent:
            out.append((group, f"{lead.name}: {absent[group[0]]} ({compliant})"))
        elif lead.applicable and lead.compliance < FOLLOWED:
            out.append((group, f"{lead.name}: {compliant}"))
    return out


def _categories(draft: Survey) -> Dict[str, CategorySpec]:
    """The categories whose directory or marker names the survey found synonyms for."""
    paths = dict(draft.category_paths)
    markers = dict(draft.category_markers)
    out = {}
    for spec in DEFAULT_CATEGORIES:
        extra_paths, extra_markers = paths.get(spec.name, ()), markers.get(spec.name, ())
        if extra_paths or extra_markers:
            out[spec.name] = replace(spec, paths=spec.paths + extra_paths, markers=spec.markers + extra_markers)
    return out


def _raw(draft: Survey, with_score: bool = True) -> Dict[str, object]:
    """The generated configuration as the TOML table it renders to (what :func:`apply` parses)."""
    raw: Dict[str, object] = {}
    codes = [c for group, _ in ignored(draft) for c in group]
    if codes:
        raw["ignore"] = codes
    if with_score and draft.score[1]:
        raw["fail-under"] = _floor(draft.score)
    cats = _categories(draft)
    if cats:
        raw["categories"] = {name: {"markers": list(s.markers), "paths": list(s.paths)} for name, s in cats.items()}
    return raw


def apply(config: Config, draft: Survey) -> Config:
    """``config`` (the defaults) with the generated choices, for the second check."""
    return with_pytest_settings(parse_config(_raw(draft, with_score=False), root=config.root), config.pytest, {})


def _floor(score: Tuple[int, int]) -> int:
    return math.floor(100 * score[0] / score[1]) if score[1] else 100


def render(draft: Survey, pyproject: bool) -> str:
    """The configuration as TOML: top-level keys for ``testaudit.toml``, or a ``[tool.testaudit]``
    section to append to ``pyproject.toml``. Every choice carries its reason."""
    from testaudit.docs import toml_value

    table = "tool.testaudit." if pyproject else ""
    lines = ["# Written by `testaudit init` from what the project does today; each choice says why.",
             "# `testaudit check` runs it; `testaudit config` shows every effective value."]
    if pyproject:
        lines.append("[tool.testaudit]")
    if draft.pytest_source != "pytest's defaults":
        lines.append(f"# Test files, classes and functions follow pytest's configuration ({draft.pytest_source}).")
    if draft.testpaths:
        lines.append(f"# `testaudit check` with no path checks pytest's testpaths: {', '.join(draft.testpaths)}.")
    else:
        lines.append("# pytest names no testpaths: `testaudit check` with no path checks the current directory.")
    lines.append(f"# {draft.test_modules:,} test module{'s' if draft.test_modules != 1 else ''} by category: "
                 + (", ".join(f"{c} {n:,}" for c, n in draft.categories) or "none") + ".")
    skipped = ignored(draft)
    if skipped:
        lines += ["", "# Rules of the reference policy this project does not follow: its convention is absent, or fewer",
                  f"# than {FOLLOWED:.0%} of the modules a rule applies to comply. They stay off so the first run shows",
                  "# what the project can act on; remove one to adopt it.",
                  "ignore = ["]
        for group, why in skipped:
            lines.append(f"    {', '.join(toml_value(c) for c in group)},  # {why}")
        lines.append("]")
    off = {group[0] for group, _ in skipped}
    kept = [f for group in POLICY for f in draft.rules if f.code == group[0] and f.applicable and f.code not in off]
    if kept:
        lines += ["", "# Policy rules kept on, as the project follows them: " + ", ".join(
            f"{f.code} {f.name} ({f.applicable - f.failing:,} of {f.applicable:,} comply)" for f in kept) + "."]
    if draft.score[1]:
        complying, modules = draft.score
        lines += ["", f"# Today's score under this configuration: {100 * complying / modules:.1f}% ({complying:,} of "
                      f"{modules:,} test modules comply). The gate starts there; raise it as the suite improves.",
                  f"fail-under = {_floor(draft.score)}"]
    if draft.findings:
        lines.append("# First run: " + ", ".join(f"{code} {n:,}" for code, n in draft.findings) + ".")
    found_paths, found_markers = dict(draft.category_paths), dict(draft.category_markers)
    for name, spec in _categories(draft).items():
        seen = ([f"directories {', '.join(d + '/' for d in found_paths[name])}"] if name in found_paths else []) + \
               ([f"markers {', '.join(found_markers[name])}"] if name in found_markers else [])
        lines += ["", f"[{table}categories.{name}]", f"# the tests use {' and '.join(seen)} for {name} tests",
                  f"markers = {toml_value(list(spec.markers))}", f"paths = {toml_value(list(spec.paths))}"]
    if draft.other_markers or draft.decorators:
        lines += ["", "# Markers and decorators on the tests that name no category (tests carrying each). If one says",
                  "# a test needs real services, add it to a category: `[categories.integration]` `markers = [...]`,",
                  "# or `decorators = [...]` for the project's own decorators."]
        for label, n in draft.other_markers:
            lines.append(f"#   @pytest.mark.{label}: {n:,}")
        for label, n in draft.decorators:
            lines.append(f"#   {label}: {n:,}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Proposal:
    """A generated configuration and where it goes: appended to ``pyproject.toml`` as
    ``[tool.testaudit]`` when that file exists, else a new ``testaudit.toml``. ``configured``
    names an existing testaudit configuration (then nothing may be written)."""

    survey: Survey
    text: str
    target: str
    pyproject: bool
    configured: Optional[str] = None


def propose(root: str, *, jobs: Optional[int] = None, cache: bool = True,
            progress: Optional[Progress] = None) -> Proposal:
    """Survey the project at ``root`` under the default configuration (whatever testaudit
    configuration it already has is not read) and generate its starting configuration."""
    import os
    from pathlib import Path

    from testaudit.collection import find_pytest_settings
    from testaudit.config import _has_tool_section

    base = Path(root)
    config = with_pytest_settings(parse_config({}, root=root), find_pytest_settings(base), {})
    paths = config.pytest.test_dirs(root) or [root]
    draft = survey(config, paths, jobs=jobs, cache=cache, progress=progress)
    own, pyproject = base / "testaudit.toml", base / "pyproject.toml"
    configured = str(own) if own.is_file() else str(pyproject) if pyproject.is_file() and _has_tool_section(pyproject) \
        else None
    in_pyproject = pyproject.is_file() and not own.is_file()
    target = os.fspath(pyproject if in_pyproject else own)
    return Proposal(draft, render(draft, in_pyproject), target, in_pyproject, configured)


def write(proposal: Proposal) -> None:
    """Write the proposal; a project that already has a configuration is left alone, and
    ``pyproject.toml`` is only appended to when the result still parses."""
    import os

    from testaudit.atomic import write_text_atomic
    from testaudit.config import tomllib
    from testaudit.errors import ConfigError

    if proposal.configured:
        raise ConfigError("the project already has a testaudit configuration; `testaudit init --stdout` prints a "
                          "fresh proposal to compare with it", proposal.configured)
    text = proposal.text
    if proposal.pyproject:
        if os.path.islink(proposal.target) or not os.path.isfile(proposal.target):
            # a link may lead out of the project (or to a device): not read, not replaced
            raise ConfigError("not a regular file of the project; `testaudit init --stdout` prints the section to "
                              "add by hand", proposal.target)
        with open(proposal.target, encoding="utf-8") as fh:
            current = fh.read()
        text = current + ("" if current.endswith("\n") or not current else "\n") + "\n" + proposal.text
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:  # e.g. a `tool = {…}` inline table already defines `tool`
            raise ConfigError(f"the [tool.testaudit] section cannot be appended ({exc}); `testaudit init --stdout` "
                              "prints it to add by hand", proposal.target) from None
    write_text_atomic(proposal.target, text)
