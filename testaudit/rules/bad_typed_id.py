"""
## What it does
Reports string literals used as typed IDs that do not match their type's format. For each type
in `id-types` (default: `UserID`), a literal is checked where it is used as an ID of that type:

- the first positional argument of a call of one of the type's `constructors` (default
  `UserID(…)`, `ensure_user_id(…)`; resolved through imports, so `types.UserID(…)` and an
  alias count);
- the value of a keyword argument named exactly like one of the type's `keys` (default
  `user_id="…"`), and of a dict-literal entry whose key is exactly such a string
  (`{"user_id": "…"}`);
- the value assigned to a name or attribute ending in a key (`user_id = "…"`,
  `self.admin_user_id = "…"`, `TEST_USER_ID: str = "…"`; the ending is matched regardless of
  case).

A literal matching one of the type's `valid` regexes passes. One matching a `legacy` regex is
reported at **warning** severity (a format the codebase still tolerates but should migrate from);
anything else is an error. F-strings are checked on their constant parts only when those alone
prove a mismatch: `f"test-user-{i}"` cannot become a valid ID whatever `i` is, so it is
reported, while `f"user_{ts}_{n}_{suffix}"` can, so it is not.

Not reported: literals inside `with pytest.raises(…)` / `with self.assertRaises(…)` (and
`assertRaisesRegex`) blocks; literals inside a function or class whose name contains a match of
`negative-tests` (searched case-insensitively), and literals assigned to a name that does
(`invalid_user_id = "x"`) — those are deliberately bad IDs; empty strings (`user_id=""`, a
"no user" value rather than an ID) and values that are not string literals (calls, names,
concatenations, `%`/`.format()` strings).

## Why is this bad?
IDs such as `"test_user"` or `"user-1"` pass in a test only because the code path under test
does not validate them; the production ID generators and validators (`UnifiedIdGenerator`,
`ensure_user_id`) reject or re-route them. Tests built on hand-written IDs miss the bugs that real
IDs trigger (prefix parsing, per-user isolation keyed on the ID, collisions between tests) and
break when validation tightens. Generate IDs with the project's ID generator, or use a literal
in the real format.

## Options
- `id-types`: a table of type name → `{ constructors, keys, valid, legacy }`, each a list of
  strings; `valid` and `legacy` are regexes (searched, so anchor them). The table replaces the
  default one. Defaults for `UserID`: constructors `UserID`, `ensure_user_id`; keys `user_id`;
  valid: the formats the reference ID generators produce (`^user_\\d+_[0-9a-f]{8}$`, prefixed
  `…_user_<n>_<hex8>`, `^user_\\d{13}_\\d+_[0-9a-f]{8}$`) and any UUID (canonical or 32 hex
  digits); legacy: `test-user-1` / `test_user_1`, `user_1` / `user-1` / `user1`,
  `concurrent_user_1`, `staging-e2e-user-001`, `user-12345-abcdef`, and 15–21 digit OAuth
  numeric IDs.
  For example: `id-types = { ThreadID = { constructors = ["ThreadID"], keys = ["thread_id"],
  valid = ["^thread_\\\\d+_[0-9a-f]{8}$"], legacy = [] } }`.
- `negative-tests`: a regex; a literal inside a function or class whose name it matches
  (unanchored, case-insensitive search) is a deliberately invalid ID and is not reported.
  Default `invalid|malformed|reject|inject|xss|sql`.

## Known limitations
Only literals at the sinks above are checked: an ID built in one place and passed elsewhere
through a variable not named after a key, a subscript assignment (`payload["user_id"] = "x"`),
or a function parameter default is not seen. Calls are matched by the constructor's name (its
last component when the option gives no dotted path), not by its type. An f-string counts as
possibly valid when any of a set of typical fillers for its placeholders (numbers, hex runs,
UUIDs, whole generated IDs) or any example of a valid format fits its constant parts; rare
templates that pin parts of a valid ID with constants the fillers do not cover may be reported.
"""
from __future__ import annotations

import difflib
import itertools
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import cast, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from testaudit.model import Severity
from testaudit.names import callee, dotted, string_value
from testaudit.rule import Rule, compiled

try:  # Python 3.11+
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_parse as _sre_parse

UUID = r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$"
TYPE_FIELDS = ("constructors", "keys", "valid", "legacy")


def _default_id_types() -> Dict[str, Dict[str, Tuple[str, ...]]]:
    return {
        "UserID": {
            "constructors": ("UserID", "ensure_user_id"),
            "keys": ("user_id",),
            "valid": (
                r"^user_\d+_[0-9a-f]{8}$",
                r"^[A-Za-z0-9]+(_[A-Za-z0-9]+)*_user_\d+_[0-9a-f]{8}$",
                r"^user_\d{13}_\d+_[0-9a-f]{8}$",
                UUID,
            ),
            "legacy": (
                r"^test[-_]user[-_]\d+$",
                r"^user[-_]?\d+$",
                r"^concurrent_user_\d+$",
                r"^staging-e2e-user-\d+$",
                r"^user-\d+-[0-9a-fA-F]+$",
                r"^\d{15,21}$",
            ),
        },
    }


@dataclass(frozen=True)
class Options:
    id_types: Dict[str, Dict[str, Tuple[str, ...]]] = field(
        default_factory=_default_id_types, metadata={"regex": True}, hash=False)
    negative_tests: str = field(default="invalid|malformed|reject|inject|xss|sql", metadata={"regex": True})

    def __post_init__(self) -> None:
        # Rules may not import the config layer (tests/test_architecture.py), so a malformed
        # table is a ValueError naming the key; the registry has already checked the types
        # and every regex.
        for name, spec in self.id_types.items():
            where = f"rules.TA701.id-types.{name}"
            if not isinstance(spec, dict):
                raise ValueError(f"`{where}`: expected a table with keys {', '.join(TYPE_FIELDS)}")
            for key in spec:
                if key not in TYPE_FIELDS:
                    close = difflib.get_close_matches(key, TYPE_FIELDS, n=1)
                    hint = f" (did you mean `{close[0]}`?)" if close else f" (expected one of {', '.join(TYPE_FIELDS)})"
                    raise ValueError(f"`{where}.{key}`: unknown key{hint}")
            if not spec.get("valid"):
                raise ValueError(f"`{where}.valid`: each ID type needs at least one `valid` regex")


# -- what an f-string can become ---------------------------------------------------------------
_MAX_EXAMPLES = 48


@lru_cache(maxsize=256)
def regex_examples(pattern: str) -> Tuple[str, ...]:
    """A few strings the (anchored) regex matches, built from its parse tree; () if unsure.

    Cached per pattern: rules are instantiated per file, the patterns are the configuration's."""
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - a pattern the option validator let through
        return ()
    counter = itertools.count()

    def chars_of(items: Sequence[Tuple[object, object]]) -> List[str]:
        out: List[str] = []
        for op, av in items:
            name = getattr(op, "name", str(op))
            if name == "NEGATE":
                return ["x"]
            if name == "LITERAL":
                out.append(chr(av))  # type: ignore[arg-type]
            elif name == "RANGE":
                lo, hi = cast(Tuple[int, int], av)
                out.extend(chr(c) for c in range(lo, min(hi, lo + 15) + 1))
            elif name == "CATEGORY":
                out.extend(_category(str(getattr(av, "name", av))))
        return out or ["x"]

    def gen(sub: Iterable[Tuple[object, object]]) -> List[str]:
        results = [""]
        for op, av in sub:
            name = getattr(op, "name", str(op))
            options: List[str]
            if name == "LITERAL":
                options = [chr(av)]  # type: ignore[arg-type]
            elif name == "NOT_LITERAL":
                options = ["x" if av != ord("x") else "y"]
            elif name == "ANY":
                options = ["a"]
            elif name == "IN":
                chars = chars_of(av)  # type: ignore[arg-type]
                options = [chars[next(counter) % len(chars)]]
            elif name == "CATEGORY":
                options = _category(str(getattr(av, "name", av)))[:1]
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                lo, hi, inner = cast(Tuple[int, int, Iterable[Tuple[object, object]]], av)
                hi = min(hi, lo + 3)
                counts = sorted({lo, max(lo, min(hi, 1)), min(hi, lo + 1)})
                options = []
                for n in counts:
                    parts = [gen(inner)[0] for _ in range(n)]
                    options.append("".join(parts))
            elif name == "SUBPATTERN":
                options = gen(av[-1])  # type: ignore[index]
            elif name == "ATOMIC_GROUP":
                options = gen(av)  # type: ignore[arg-type]
            elif name == "BRANCH":
                options = [s for branch in av[1] for s in gen(branch)]  # type: ignore[index]
            else:  # AT (anchors), assertions, group references: contribute nothing
                options = [""]
            results = [r + o for r in results for o in options][:_MAX_EXAMPLES]
        return results

    try:
        candidates = gen(tree)
    except Exception:  # noqa: BLE001 - an exotic construct: no examples
        return ()
    regex = compiled(pattern)
    return tuple(c for c in dict.fromkeys(candidates) if regex.search(c))


def _category(name: str) -> List[str]:
    if "DIGIT" in name and "NOT" not in name:
        return ["1", "2"]
    if "WORD" in name and "NOT" not in name:
        return ["a", "b"]
    if "SPACE" in name and "NOT" not in name:
        return [" "]
    return ["x"]


_FILLERS = ("", "1", "42", "1700000000000", "a", "user", "test", "0a1b2c3d", "1_0a1b2c3d",
            "1700000000000_1_0a1b2c3d", "user_1_0a1b2c3d", "123e4567-e89b-12d3-a456-426614174000")
_MAX_COMBINATIONS = 20000


class _IdTypes:
    """The configured ID types' matchers, and an assigned name's lowered ending → its ID type:
    longest key first (an assignment takes the longest key its name ends with), keys of equal
    length in the order of the configuration; ``endings`` tests them all at once."""

    def __init__(self, id_types: Dict[str, Dict[str, Tuple[str, ...]]]) -> None:
        self.matchers = [Matcher(name, spec) for name, spec in id_types.items()]
        keys = [(key, i, n) for i, m in enumerate(self.matchers) for n, key in enumerate(m.keys) if key]
        self.suffixes = [(key.lower(), i) for key, i, _ in sorted(keys, key=lambda k: (-len(k[0]), k[1], k[2]))]
        self.endings = tuple(key for key, _ in self.suffixes)


_BUILT: Dict[int, Tuple[object, _IdTypes]] = {}


def _id_types(id_types: Dict[str, Dict[str, Tuple[str, ...]]]) -> _IdTypes:
    """Built once per configuration: the rule is made anew for every file, its options object
    lives for the run (and is kept here, so its id is not reused)."""
    hit = _BUILT.get(id(id_types))
    if hit is None or hit[0] is not id_types:
        hit = _BUILT[id(id_types)] = (id_types, _IdTypes(id_types))
    return hit[1]


class Matcher:
    """The compiled formats of one ID type."""

    def __init__(self, name: str, spec: Dict[str, Tuple[str, ...]]) -> None:
        self.name = name
        self.constructors = tuple(spec.get("constructors", ()))
        self.keys = tuple(spec.get("keys", ()))
        self.valid = tuple(spec.get("valid", ()))
        self.legacy = tuple(spec.get("legacy", ()))
        self._examples: Optional[Dict[str, Tuple[str, ...]]] = None

    def examples(self) -> Dict[str, Tuple[str, ...]]:
        if self._examples is None:
            self._examples = {p: regex_examples(p) for p in (*self.valid, *self.legacy)}
        return self._examples

    @staticmethod
    def matches(value: str, patterns: Sequence[str]) -> bool:
        return any(compiled(p).search(value) for p in patterns)

    def example(self) -> str:
        for p in self.valid:
            ex = self.examples().get(p)
            if ex:
                return ex[0]
        return ""

    def template_can_match(self, parts: Sequence[Optional[str]], patterns: Sequence[str]) -> bool:
        """Whether some filling of the holes (None) of an f-string could match a pattern."""
        skeleton = compiled("".join("(?:.*)" if p is None else re.escape(p) for p in parts), re.S)
        for p in patterns:
            if any(skeleton.fullmatch(ex) for ex in self.examples().get(p, ())):
                return True
        holes = sum(1 for p in parts if p is None)
        fillers = list(dict.fromkeys(_FILLERS + tuple(
            ex for p in patterns for ex in self.examples().get(p, ())[:4])))
        if len(fillers) ** holes > _MAX_COMBINATIONS:
            return True  # too many to try: give the f-string the benefit of the doubt
        for combo in itertools.product(fillers, repeat=holes):
            it = iter(combo)
            text = "".join(next(it) if p is None else p for p in parts)
            if self.matches(text, patterns):
                return True
        return False


def fstring_parts(node: cst.BaseExpression) -> Optional[List[Optional[str]]]:
    """Constant text and holes (None) of a (possibly concatenated) f-string; None if unknown."""
    if isinstance(node, cst.ConcatenatedString):
        left = fstring_parts(node.left)
        right = fstring_parts(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.SimpleString):
        value = string_value(node)
        return None if value is None else [value]
    if isinstance(node, cst.FormattedString):
        out: List[Optional[str]] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if "\\" in part.value and "r" not in node.prefix.lower():
                    return None
                out.append(part.value.replace("{{", "{").replace("}}", "}"))
            else:
                out.append(None)
        return out
    return None


_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})


class BadTypedId(Rule):
    CODE = "TA701"
    NAME = "bad-typed-id"
    MESSAGE = "typed-ID literal in the wrong format"
    FILES = "all"
    Options = Options
    INVALID = (
        "from shared.types.core_types import UserID\n\n\ndef test_context_isolation():\n"
        "    context = build_context(user_id=UserID('test_user'))\n    assert context.user_id == 'test_user'\n",
        "def test_payload():\n    payload = {'user_id': 'alice', 'amount': 10}\n    assert charge(payload)\n",
        "def test_two_users():\n    for i in range(2):\n        assert start_session(user_id=f'test-user-{i}')\n",
    )
    VALID = (
        "import uuid\n\nfrom shared.id_generation import UnifiedIdGenerator\n"
        "from shared.types.core_types import UserID\n\n\ndef test_context_isolation():\n"
        "    user_id = UserID(UnifiedIdGenerator.generate_base_id('user'))\n"
        "    other = UserID('user_1700000000000_1_a1b2c3d4')\n"
        "    third = UserID(str(uuid.uuid4()))\n    assert build_context(user_id=user_id, other=other, third=third)\n",
        "import pytest\n\nfrom shared.types.core_types import ensure_user_id\n\n\n"
        "def test_rejects_malformed_ids():\n    assert not is_valid(user_id='not-an-id')\n\n\n"
        "def test_ensure_user_id_raises():\n    with pytest.raises(ValueError):\n        ensure_user_id('bad id')\n",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.types = _id_types(self.options.id_types)
        self.matchers = self.types.matchers
        self.negative = compiled(self.options.negative_tests, re.IGNORECASE) if self.options.negative_tests else None
        source = self.ctx.source
        lowered = source.lower()
        self.active = any(c.rsplit(".", 1)[-1] in source for m in self.matchers for c in m.constructors) or \
            any(k.lower() in lowered for m in self.matchers for k in m.keys)
        self.scopes: List[str] = []
        self.raises_blocks: Set[int] = set()
        # what a call must have to concern any ID type (visit_Call's quick exits): a constructor's
        # last name, or a keyword among the keys
        self.constructor_names = {c.rsplit(".", 1)[-1] for m in self.matchers for c in m.constructors}
        self.all_keys = {k for m in self.matchers for k in m.keys}

    # -- context ---------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node.name.value)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_With(self, node: cst.With) -> None:
        if self.active and any(self._is_raises(item.item) for item in node.items):
            self.raises_blocks.add(id(node))

    def leave_With(self, node: cst.With) -> None:
        self.raises_blocks.discard(id(node))

    def _is_raises(self, expr: cst.BaseExpression) -> bool:
        name = callee(expr) if isinstance(expr, cst.Call) else None
        if not name:
            return False
        resolved = self.ctx.imports.resolve(name) or name
        return resolved == "pytest.raises" or resolved.rsplit(".", 1)[-1] in _RAISES

    def _suppressed(self) -> bool:
        if self.raises_blocks:
            return True
        return self.negative is not None and any(self.negative.search(s) for s in self.scopes)

    # -- sinks -----------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        name = callee(node)
        if name:
            resolved = self.ctx.imports.resolve(name) or name
            if resolved.rsplit(".", 1)[-1] in self.constructor_names:
                for m in self.matchers:
                    if any(self._is_constructor(c, resolved) for c in m.constructors):
                        first = next((a for a in node.args if a.keyword is None and not a.star), None)
                        if first is not None:
                            self._check(first.value, m, f"passed to `{name}()`")
                        break
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in self.all_keys:
                for m in self.matchers:
                    if arg.keyword.value in m.keys:
                        self._check(arg.value, m, f"passed as `{arg.keyword.value}=`")
                        break

    @staticmethod
    def _is_constructor(constructor: str, resolved: str) -> bool:
        if "." in constructor:
            return resolved == constructor or resolved.endswith("." + constructor)
        return resolved.rsplit(".", 1)[-1] == constructor

    def visit_Dict(self, node: cst.Dict) -> None:
        if not self.active:
            return
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = element.key
            if isinstance(key, cst.SimpleString):
                text = string_value(key)
                if text is None:
                    continue
                for m in self.matchers:
                    if text in m.keys:
                        self._check(element.value, m, f"under the key `\"{text}\"`")
                        break

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.active:
            for target in node.targets:
                self._assignment(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.active and node.value is not None:
            self._assignment(node.target, node.value)

    def _assignment(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            name = target.value
        elif isinstance(target, cst.Attribute):
            name = target.attr.value
        else:
            return
        lowered = name.lower()
        if not lowered.endswith(self.types.endings):  # one test for the names of no ID type
            return
        best = next(self.matchers[i] for key, i in self.types.suffixes if lowered.endswith(key))
        if self.negative is not None and self.negative.search(name):
            return
        shown = dotted(target) or name
        self._check(value, best, f"assigned to `{shown}`")

    # -- the check -------------------------------------------------------------------------
    def _check(self, value: cst.BaseExpression, m: Matcher, where: str) -> None:
        if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return
        parts = fstring_parts(value)
        if parts is None or self._suppressed():
            return
        if all(p is not None for p in parts):
            text = "".join(p for p in parts if p is not None)
            if not text or m.matches(text, m.valid):
                return
            legacy = m.matches(text, m.legacy)
            shown = text if len(text) <= 60 else text[:57] + "…"
            shown = f'"{shown}"'
        else:
            if not any(p for p in parts if p):  # only placeholders: nothing to judge
                return
            if m.template_can_match(parts, m.valid):
                return
            legacy = bool(m.legacy) and m.template_can_match(parts, m.legacy)
            shown = cst.Module([]).code_for_node(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
        example = m.example()
        hint = f"use a generated ID (e.g. `{example}`)" if example else "use a generated ID"
        if legacy:
            self.report(value, f"legacy {m.name} format `{shown}` {where}; {hint}", severity=Severity.WARNING)
        else:
            self.report(value, f"`{shown}` {where} is not a valid {m.name}; {hint}")
