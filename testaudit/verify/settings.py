"""``[tool.testaudit.verify]``: the phrase lists behind claim extraction, from configuration.

Every list of :class:`~testaudit.verify.phrases.Phrases` is a key in kebab-case (``no-mocks``,
``score-excluded``, ``plan-titles`` …): set it to replace the default list, or set
``extend-<key>`` to add to it. Values are lists of regular expressions (matched
case-insensitively). Unknown keys, wrong types and regexes that do not compile are
configuration errors naming the key, with a did-you-mean, like every other key.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any, Dict, Mapping, Optional

from testaudit.errors import did_you_mean
from testaudit.errors import ConfigError
from testaudit.verify.phrases import DEFAULT_PHRASES, Phrases

EXTEND = "extend-"


def keys() -> Dict[str, str]:
    """Configuration key → Phrases field."""
    return {f.name.replace("_", "-"): f.name for f in fields(Phrases)}


def phrases_from(table: Mapping[str, Any], source: Optional[str] = None,
                 prefix: str = "tool.testaudit.verify") -> Phrases:
    """The phrases a ``[tool.testaudit.verify]`` table gives (the defaults where it says nothing)."""
    names = keys()
    changes: Dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}.{key}"
        base = key[len(EXTEND):] if key.startswith(EXTEND) else key
        if base not in names:
            choices = list(names) + [EXTEND + k for k in names]
            raise ConfigError(f"unknown key{did_you_mean(key, choices)}", source, full)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError("expected a list of regular expressions", source, full)
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"bad regular expression {pattern!r}: {exc}", source, full) from None
        field = names[base]
        current = changes.get(field, getattr(DEFAULT_PHRASES, field))
        changes[field] = tuple(current) + tuple(value) if key.startswith(EXTEND) else tuple(value)
    return replace(DEFAULT_PHRASES, **changes) if changes else DEFAULT_PHRASES
