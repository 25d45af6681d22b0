"""Rule documentation: ``rules/*.md`` pages, ``testaudit rule CODE``, ``testaudit rules``, and
``testaudit config``. Pages are generated from each rule's docstring, options and examples;
``python -m testaudit.docs`` (or ``TESTAUDIT_UPDATE=1 pytest``) rewrites them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Type

from testaudit.config import Config
from testaudit.registry import all_rules, option_fields
from testaudit.rule import EngineRule, ProjectRule, RuleBase

_FILES = {"test": "test modules", "all": "test and support modules"}
_APPLIES = {"all": "every test module", "categories": "test modules with tests of the rule's `categories`",
            "classes": "test modules with test classes"}


def _kind(cls: Type[RuleBase]) -> str:
    if issubclass(cls, EngineRule):
        return "reported by the engine"
    if issubclass(cls, ProjectRule):
        return "cross-file (project graph)"
    return "per file"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value))


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() else json.dumps(key)


def _defaults(cls: Type[RuleBase]) -> Dict[str, Any]:
    opts = cls.Options()
    return {key: getattr(opts, f.name) for key, f, _ in option_fields(cls)}


def render_rule(cls: Type[RuleBase]) -> str:
    doc = cls.documentation()
    parts: List[str] = [f"# {cls.CODE} {cls.NAME}", ""]
    parts.append(f"- **Default severity:** {cls.SEVERITY.value}")
    parts.append(f"- **Checked in:** {_FILES.get(cls.FILES, cls.FILES)} ({_kind(cls)})")
    parts.append(f"- **In the score:** a finding of severity error keeps its test module from complying; "
                 f"a warning never does. Per-rule compliance is measured over "
                 f"{_APPLIES.get(cls.APPLIES, cls.APPLIES)}")
    parts.append(f"- **Summary:** {cls.MESSAGE}")
    parts += ["", doc, ""]
    fields = option_fields(cls)
    parts += ["## Option reference", "",
              f"Set in `[tool.testaudit.rules.{cls.CODE}]` (or `[tool.testaudit.rules.{cls.NAME}]`).", "",
              "| option | type | default |", "| --- | --- | --- |"]
    defaults = _defaults(cls)
    for key, _, tstr in fields:
        default = toml_value(defaults[key]).replace("|", "\\|")  # a Markdown table cell
        parts.append(f"| `{key}` | {tstr} | `{default}` |")
    parts.append(f"| `severity` | \"error\" or \"warning\" | `\"{cls.SEVERITY.value}\"` |")
    parts.append("")
    for title, examples in (("Example", cls.INVALID), ("Use instead", cls.VALID)):
        if not examples:
            continue
        parts += [f"## {title}", ""]
        for ex in examples:
            parts += ["```python", ex.strip("\n"), "```", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


# What the score means, in the words `testaudit config` and the README use (SPEC §6).
SCORE_MEANING = (
    "score: the share of test modules that comply. A test module complies when it parses and no selected",
    "rule reports a finding of severity error in it; warnings never fail a module, a baseline never changes",
    "the score.",
)


def render_index() -> str:
    lines = ["# testaudit rules", "", "Generated from the rule modules in `testaudit/rules/`; "
             "do not edit by hand (`python -m testaudit.docs` rewrites these pages).", "",
             "| code | name | severity | summary |", "| --- | --- | --- | --- |"]
    for cls in all_rules():
        lines.append(f"| [{cls.CODE}]({cls.CODE}.md) | {cls.NAME} | {cls.SEVERITY.value} | {cls.MESSAGE} |")
    return "\n".join(lines) + "\n"


def expected_pages() -> Dict[str, str]:
    pages = {f"{cls.CODE}.md": render_rule(cls) for cls in all_rules()}
    pages["README.md"] = render_index()
    return pages


def write_pages(directory: Path) -> List[str]:
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_pages().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed


def rules_table() -> str:
    rows = [(c.CODE, c.NAME, c.SEVERITY.value, c.MESSAGE) for c in all_rules()]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    out = [f"{'code':<{w0}}  {'name':<{w1}}  {'severity':<{w2}}  summary"]
    for r in rows:
        out.append(f"{r[0]:<{w0}}  {r[1]:<{w1}}  {r[2]:<{w2}}  {r[3]}")
    return "\n".join(out) + "\n"


def effective_config_toml(config: Config, for_path: Optional[str] = None) -> str:
    """The effective configuration as TOML, each value's origin in a comment; with ``for_path``
    (root-relative, a file or a directory) the nested configurations that apply to it too."""
    from testaudit.nested_config import chain
    from testaudit.registry import parse_options, rule_by_key
    from testaudit.verify.settings import keys, phrases_from

    pytest_source = config.pytest.where(config.root) + (f" (unusable: {config.pytest.problem})"
                                                         if config.pytest.problem else "")
    lines = [f"# project root: {config.root}", f"# configuration: {config.source or '(defaults)'}",
             f"# pytest configuration: {pytest_source}",
             *(f"# {line}" for line in SCORE_MEANING), ""]
    top = {
        "select": list(config.select or ("ALL",)), "ignore": list(config.ignore),
        "exclude": list(config.exclude), "extend-exclude": list(config.extend_exclude),
        "respect-gitignore": config.respect_gitignore,
        "report-unreached": config.report_unreached, "test-files": list(config.test_files),
        "python-classes": list(config.python_classes), "python-functions": list(config.python_functions),
        "src": list(config.src),
    }
    origins = dict(config.origins)
    nested = chain(config.nested, for_path) if for_path else []
    ignored = list(config.ignore)
    for n in nested:  # outermost first: the closest file's select wins, every ignore adds
        if n.select is not None:
            top["select"] = list(n.select)
            origins["select"] = n.source
        if n.ignore:
            ignored += n.ignore
            top["ignore"] = list(ignored)
            before = origins.get("ignore") or ("the root configuration" if config.ignore else None)
            origins["ignore"] = ", ".join(filter(None, [before, n.source]))
    top["force-exclude"] = config.force_exclude
    # keys without a value are shown as comments saying what applies instead, so that every key
    # a configuration can set appears (tests/test_cli_and_config.py holds this to _TOP_KEYS)
    unset = {"fail-under": "not set: no score threshold",
             "jobs": "not set: the usable CPUs",
             "baseline": "not set: .testaudit-baseline.json at the project root, when it exists"}
    if config.fail_under is not None:
        top["fail-under"] = float(config.fail_under)
    if config.jobs is not None:
        top["jobs"] = config.jobs
    if config.baseline is not None:
        top["baseline"] = config.baseline
    top.update({"max-file-size": config.max_file_size, "max-file-seconds": config.max_file_seconds,
                "max-file-memory": config.max_file_memory})
    for key, value in top.items():
        lines.append(f"{key} = {toml_value(value)}" + (f"  # from {origins[key]}" if key in origins else ""))
    lines += [f"# {key}: {why}" for key, why in unset.items() if key not in top]
    if for_path:
        applied = ", ".join(n.source for n in nested) or "none"
        lines.insert(3, f"# nested configurations for {for_path}: {applied}")
        for n in nested:
            for glob, codes in n.per_file_ignores:
                lines.append(f"# per-file-ignores from {n.source} (globs below {n.directory}/): "
                             f"{_key(glob)} = {toml_value(list(codes))}")
    lines += ["", "[fail-under-category]"]
    lines += [f"{_key(name)} = {float(value)!r}" for name, value in config.fail_under_category]
    lines += ["", "[per-file-ignores]"]
    for glob, codes in config.per_file_ignores:
        lines.append(f"{_key(glob)} = {toml_value(list(codes))}")
    for cat in config.categories:
        lines += ["", f"[categories.{cat.name}]", f"rank = {cat.rank}",
                  f"markers = {toml_value(list(cat.markers))}", f"paths = {toml_value(list(cat.paths))}"]
        if cat.decorators:
            lines.append(f"decorators = {toml_value(list(cat.decorators))}")
        if cat.bases:
            lines.append(f"bases = {toml_value(list(cat.bases))}")
    supplied = {}
    for key, table in config.rule_options.items():
        cls = rule_by_key(key)
        if cls is not None:
            supplied[cls.CODE] = table
    for cls in all_rules():
        options, severity = parse_options(cls, supplied.get(cls.CODE, {}), config.source, f"rules.{cls.CODE}")
        lines += ["", f"[rules.{cls.CODE}]  # {cls.NAME}", f"severity = \"{severity.value}\""]
        for key, fld, _ in option_fields(cls):
            lines.append(f"{key} = {toml_value(getattr(options, fld.name))}")
    lines += ["", "[verify]  # the phrase lists `testaudit verify` reads claims with"]
    phrases = phrases_from(config.verify, config.source)
    for key, attr in keys().items():
        lines.append(f"{key} = {toml_value(list(getattr(phrases, attr)))}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m testaudit.docs [DIR]``: write the rule pages (default: the checkout's rules/)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m testaudit.docs",
                                     description="Write one Markdown page per rule, and an index, to DIR.")
    parser.add_argument("directory", nargs="?", type=Path, default=Path(__file__).resolve().parent.parent / "rules",
                        help="where to write the pages (default: rules/ next to the package)")
    target = parser.parse_args(argv).directory
    for name in write_pages(target):
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
