"""Rule discovery, selection and per-rule options.

Registration is discovery: every module in ``testaudit/rules/`` is imported and each
:class:`RuleBase` subclass with a ``CODE`` is a rule. ``select``/``ignore`` accept codes, code
prefixes (``TA1``), names (``mock-in-integration``) and ``ALL``. Options come from
``[tool.testaudit.rules.<code-or-name>]``; their keys are the kebab-case spelling of the
rule's ``Options`` fields, plus ``severity`` for every rule. Types and regexes are checked here
so a bad value fails before any file is read.
"""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

from testaudit.config import Config
from testaudit.errors import did_you_mean
from testaudit.errors import ConfigError
from testaudit.model import Severity
from testaudit.rule import Rule, RuleBase


@lru_cache(maxsize=1)
def all_rules() -> Tuple[Type[RuleBase], ...]:
    """Every rule class, sorted by code."""
    import testaudit.rules as pkg

    found: Dict[str, Type[RuleBase]] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, RuleBase) and obj.CODE
                    and obj.__module__ == module.__name__):
                found[obj.CODE] = obj
    return tuple(found[c] for c in sorted(found))


def rule_by_key(key: str) -> Optional[Type[RuleBase]]:
    for cls in all_rules():
        if key.upper() == cls.CODE or key == cls.NAME:
            return cls
    return None


def rule_matches(cls: Type[RuleBase], selector: str) -> bool:
    """Whether a selector (``ALL``, a code, a code prefix such as ``TA1``, or a name) names a rule."""
    return selector == "ALL" or cls.NAME == selector or cls.CODE.startswith(selector.upper())


def _check_selectors(selectors: Sequence[str], key: str, config: Config) -> None:
    for sel in selectors:
        if sel == "ALL" or any(rule_matches(c, sel) for c in all_rules()):
            continue
        choices = [c.CODE for c in all_rules()] + [c.NAME for c in all_rules()]
        raise ConfigError(f"unknown rule `{sel}`{did_you_mean(sel, choices)}", config.source, key)


# Rule weights fed the old weighted-mean score; the score now counts complying test modules
# (SPEC §6), so a configured weight would silently mean nothing: it is refused, with the way out.
WEIGHT_REMOVED = ("rule weights were removed: the score is now the share of test modules with no error "
                  "finding, so only `severity` decides whether a rule counts (\"error\" counts, \"warning\" "
                  "does not); delete this key")


@dataclass(frozen=True)
class ActiveRule:
    cls: Type[RuleBase]
    options: Any
    severity: Severity

    @property
    def code(self) -> str:
        return self.cls.CODE


@dataclass(frozen=True)
class RuleSet:
    rules: Tuple[ActiveRule, ...]

    def by_code(self) -> Dict[str, ActiveRule]:
        return {r.code: r for r in self.rules}

    def file_rules(self) -> Tuple[ActiveRule, ...]:
        return tuple(r for r in self.rules if issubclass(r.cls, Rule))

    def codes(self) -> Tuple[str, ...]:
        return tuple(r.code for r in self.rules)


def build_ruleset(config: Config, select: Optional[Sequence[str]] = None,
                  ignore: Sequence[str] = ()) -> RuleSet:
    """The selected rules with validated options. CLI ``select``/``ignore`` override config."""
    prefix = "tool.testaudit." if config.source and config.source.endswith("pyproject.toml") else ""
    sel = tuple(select) if select else (config.select or ("ALL",))
    ign = tuple(config.ignore) + tuple(ignore)
    _check_selectors(sel, prefix + "select", config)
    _check_selectors(ign, prefix + "ignore", config)
    both = sorted(set(config.select or ()) & set(config.ignore), key=str.upper)
    if both:
        raise ConfigError(f"`{both[0]}` is both selected and ignored; keep it in one of the two lists",
                          config.source, prefix + "ignore")
    for glob, codes in config.per_file_ignores:
        _check_selectors(codes, f"{prefix}per-file-ignores.{glob}", config)
    raw_options: Dict[str, Tuple[str, Mapping[str, Any]]] = {}
    for key, table in config.rule_options.items():
        cls = rule_by_key(key)
        if cls is None:
            choices = [c.CODE for c in all_rules()] + [c.NAME for c in all_rules()]
            raise ConfigError(f"unknown rule{did_you_mean(key, choices)}", config.source, f"{prefix}rules.{key}")
        if cls.CODE in raw_options:
            raise ConfigError(f"configures the same rule as `{raw_options[cls.CODE][0]}`; configure it once",
                              config.source, f"{prefix}rules.{key}")
        raw_options[cls.CODE] = (f"{prefix}rules.{key}", table)
    active: List[ActiveRule] = []
    for cls in all_rules():
        key, table = raw_options.get(cls.CODE, (f"{prefix}rules.{cls.CODE}", {}))
        options, severity = parse_options(cls, table, config.source, key)
        if not any(rule_matches(cls, s) for s in sel) or any(rule_matches(cls, s) for s in ign):
            continue
        active.append(ActiveRule(cls, options, severity))
    return RuleSet(tuple(active))


def option_fields(cls: Type[RuleBase]) -> List[Tuple[str, dataclasses.Field, str]]:
    """(kebab-case key, field, type string) for each option of a rule."""
    hints = typing.get_type_hints(cls.Options)
    return [(f.name.replace("_", "-"), f, _type_string(hints[f.name])) for f in dataclasses.fields(cls.Options)]


def _type_string(tp: Any) -> str:
    if tp in (bool, int, float, str):
        return tp.__name__
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is tuple:
        return "list[int]" if args and args[0] is int else "list[str]"
    if origin is dict:
        return f"table[str, {_type_string(args[1])}]"
    return str(tp)


def parse_options(cls: Type[RuleBase], table: Mapping[str, Any], source: Optional[str],
                  key: str) -> Tuple[Any, Severity]:
    fields = {k: (f, t) for k, f, t in option_fields(cls)}
    values: Dict[str, Any] = {}
    severity = cls.SEVERITY
    for name, value in table.items():
        full = f"{key}.{name}"
        if name == "severity":
            if value not in ("error", "warning"):
                raise ConfigError(f"expected \"error\" or \"warning\", got {value!r}", source, full)
            severity = Severity(value)
            continue
        if name == "weight":
            raise ConfigError(WEIGHT_REMOVED, source, full)
        if name not in fields:
            choices = list(fields) + ["severity"]
            raise ConfigError(f"unknown option of {cls.CODE}{did_you_mean(name, choices)}", source, full)
        fld, tstr = fields[name]
        values[fld.name] = _convert(value, tstr, source, full, fld.metadata.get("regex", False))
    try:
        options = cls.Options(**values)
    except (TypeError, ValueError) as exc:  # an Options.__post_init__ that checks its own shape
        message = str(exc)
        if message.startswith("`"):
            sub, _, message = message[1:].partition("`: ")
            raise ConfigError(message, source, f"{key.rsplit('.rules.', 1)[0]}.{sub}" if ".rules." in key
                              else sub) from None
        raise ConfigError(message, source, key) from None
    return options, severity


def _convert(value: Any, tstr: str, source: Optional[str], key: str, regex: bool) -> Any:
    def fail(expected: str) -> ConfigError:
        return ConfigError(f"expected {expected}, got {value!r}", source, key)

    if tstr == "bool":
        if not isinstance(value, bool):
            raise fail("a boolean")
        return value
    if tstr == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("an integer")
        return value
    if tstr == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail("a number")
        return float(value)
    if tstr == "str":
        if not isinstance(value, str):
            raise fail("a string")
        if regex:
            _check_regex(value, source, key)
        return value
    if tstr == "list[str]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("a list of strings")
        if regex:
            for v in value:
                _check_regex(v, source, key)
        return tuple(value)
    if tstr == "list[int]":
        if isinstance(value, int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise fail("a list of integers")
        return tuple(value)
    if tstr.startswith("table[str, "):
        inner = tstr[len("table[str, "):-1]
        if not isinstance(value, dict):
            raise fail("a table")
        return {k: _convert(v, inner, source, f"{key}.{k}", regex) for k, v in value.items()}
    raise fail(tstr)  # pragma: no cover - an option type this module does not know


def _check_regex(pattern: str, source: Optional[str], key: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"invalid regular expression {pattern!r}: {exc}", source, key) from None
