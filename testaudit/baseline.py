"""The baseline: adopt testaudit on a legacy suite in one step without hiding its debt.

``testaudit baseline`` records every current finding in ``.testaudit-baseline.json``; ``check``
then reports only findings that are not recorded, and recorded ones neither fail the run nor
disappear from the score (SPEC §6: a baseline changes the exit code, never the score).

An entry identifies a finding without line or column numbers (see :class:`BaselineEntry`): its
path, its code, its *scope* (the node id of the enclosing test, else the enclosing function or
class, else the module), a hash of the flagged source with all whitespace removed, and its
*occurrence* among findings of the same file with those same four values. So adding lines
above, moving code within the file, reformatting whitespace or renaming another test keeps an
entry matching; renaming its test or changing the flagged code does not.

The file is JSON, sorted, one entry per line, so its diffs read well in review::

    {
      "version": 1,
      "tool": "testaudit 1.0.0",
      "score": 17.1,
      "score_formula": 2,
      "entries": [
        {"path": "tests/test_a.py", "code": "TA101", "scope": "tests/test_a.py::test_x", "hash": "…", "occurrence": 0, "message": "…"},
        …
      ]
    }

``score`` is the project's score when the file was written: ``--fail-on-regression`` fails a run
whose score is lower (the ratchet); updates only ever raise it unless ``--allow-new`` is given.
``score_formula`` 2 marks a score that counts complying test modules (SPEC §6). A file without it
recorded the old weighted mean of per-rule compliance, which cannot be compared with today's
figure: that score is ignored (a warning says so) and the next write records today's.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, List, Optional, Sequence, Tuple

from testaudit._version import __version__
from testaudit.errors import ConfigError
from testaudit.model import WHOLE_MODULE, BaselineEntry, BaselineStatus, Finding, Location, RunResult, Warning_
from testaudit.score import format_score

BASELINE_FILE = ".testaudit-baseline.json"
MAX_BASELINE_BYTES = 512 * 2**20  # a baseline of a million findings is ~200 MB
FORMAT_VERSION = 1
SCORE_FORMULA = 2  # the share of complying test modules; files without the key hold the old mean
_KEYS = ("path", "code", "scope", "hash", "occurrence", "message")


def source_hash(lines: Sequence[str], loc: Location) -> str:
    """Hash of the source a finding flags, whitespace removed (an empty range hashes as empty)."""
    first, last = loc.line - 1, loc.end_line - 1
    if not 0 <= first < len(lines):
        text = ""
    elif first == last or last >= len(lines) or last < first:
        text = lines[first][loc.column - 1:loc.end_column - 1] if first == last else lines[first][loc.column - 1:]
    else:
        text = "\n".join([lines[first][loc.column - 1:], *lines[first + 1:last], lines[last][:loc.end_column - 1]])
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()[:16]


def finding_hash(f: Finding, lines: Sequence[str]) -> str:
    """``f.source_hash`` when it has one, else :func:`source_hash` of what it flags in ``lines``
    (none for a whole-module finding). A worker hashes the findings of the file it analysed,
    whose lines it holds; the engine only those of project rules."""
    return f.source_hash or source_hash(() if WHOLE_MODULE in f.tags else lines, f.location)


def entries_of(findings: Iterable[Finding]) -> List[BaselineEntry]:
    """An entry per finding, in the findings' order (occurrences counted in that order)."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        scope = f.scope or f.path
        key = (f.path, f.code, scope, f.source_hash)
        out.append(BaselineEntry(f.path, f.code, scope, f.source_hash, seen[key], f.message))
        seen[key] += 1
    return out


@dataclass(frozen=True)
class Baseline:
    entries: Tuple[BaselineEntry, ...]
    score: Optional[float] = None
    legacy_score: Optional[float] = None  # a score of the old formula, read and ignored


def load(path: str) -> Baseline:
    """Read a baseline file; anything malformed is a configuration error naming the file."""
    try:
        if not os.path.isfile(path):  # a device or FIFO (a link to /dev/zero) would be read forever
            raise ConfigError("the baseline is not a regular file", path)
        if os.path.getsize(path) > MAX_BASELINE_BYTES:
            raise ConfigError(f"the baseline is larger than {MAX_BASELINE_BYTES // 2**20} MiB; is it one?", path)
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read the baseline: {exc.strerror or exc}", path) from None
    except ValueError as exc:
        raise ConfigError(f"the baseline is not valid JSON ({exc})", path) from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(f"not a testaudit baseline (expected an object with \"version\": {FORMAT_VERSION} "
                          "and an \"entries\" list)", path)
    score = data.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))
                              or not 0 <= score <= 100):  # NaN and infinities too: JSON's parser takes them
        raise ConfigError(f"\"score\" must be a number from 0 to 100, not {score!r}", path)
    entries = []
    for i, raw in enumerate(data["entries"]):
        try:
            entries.append(BaselineEntry(str(raw["path"]), str(raw["code"]), str(raw["scope"]), str(raw["hash"]),
                                         int(raw["occurrence"]), str(raw.get("message", ""))))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"entry {i + 1} needs path, code, scope, hash and occurrence", path) from None
    if score is not None and data.get("score_formula") != SCORE_FORMULA:
        return Baseline(tuple(entries), None, float(score))
    return Baseline(tuple(entries), None if score is None else float(score))


def render(baseline: Baseline) -> str:
    """The file's text: sorted entries, one per line, deterministic."""
    entries = sorted(baseline.entries, key=lambda e: e.key)
    lines = [json.dumps(dict(zip(_KEYS, (e.path, e.code, e.scope, e.source_hash, e.occurrence, e.message))),
                        ensure_ascii=False) for e in entries]
    body = ",\n    ".join(lines)
    score = "null" if baseline.score is None else json.dumps(baseline.score)
    return ("{\n"
            f'  "version": {FORMAT_VERSION},\n'
            f'  "tool": "testaudit {__version__}",\n'
            f'  "score": {score},\n'
            f'  "score_formula": {SCORE_FORMULA},\n'
            f'  "entries": [{chr(10) + "    " + body + chr(10) + "  " if lines else ""}]\n'
            "}\n")


def apply(result: RunResult, baseline: Baseline, path: str, show: bool = False) -> RunResult:
    """Split the run's findings into new and baselined; entries of checked files that match
    nothing are *fixed*. The score is untouched."""
    recorded = {e.key for e in baseline.entries}
    new: List[Finding] = []
    matched: List[Finding] = []
    current = set()
    for f, entry in zip(result.findings, entries_of(result.findings)):
        current.add(entry.key)
        (matched if entry.key in recorded else new).append(f)
    checked = set(result.paths)
    fixed = tuple(e for e in sorted(baseline.entries, key=lambda e: e.key)
                  if e.path in checked and e.key not in current)
    status = BaselineStatus(path, tuple(matched), fixed, baseline.score, show)
    warnings = result.warnings
    if baseline.legacy_score is not None:
        warnings += (Warning_(path, legacy_notice(baseline.legacy_score)),)
    return replace(result, findings=result.findings if show else tuple(new), baseline=status, warnings=warnings)


def legacy_notice(score: float) -> str:
    return (f"the recorded score {format_score(score)} is the old weighted mean of rule compliance and is ignored "
            "(the score now counts complying test modules); `testaudit baseline` records today's")


def new_findings(result: RunResult) -> Tuple[Finding, ...]:
    """The findings that count for the exit code: all of them, less the baselined ones."""
    if result.baseline is None or not result.baseline.shown:
        return result.findings
    baselined = {id(f) for f in result.baseline.baselined}
    return tuple(f for f in result.findings if id(f) not in baselined)


@dataclass(frozen=True)
class Update:
    """What writing the baseline did: entries kept, added, removed as fixed, new ones left out."""

    baseline: Baseline
    kept: int
    added: int
    pruned: int
    refused: int
    legacy_score: Optional[float] = None  # the old file's score of the old formula, replaced


def update(result: RunResult, old: Optional[Baseline], score: float, allow_new: bool, prune_only: bool) -> Update:
    """The baseline after a run: a fresh one records every finding; an existing one drops the
    entries of checked files that match nothing (fixed), adds new findings only with
    ``allow_new`` (and never with ``prune_only``), keeps entries of files not checked, and keeps
    its score unless the new one is higher (or ``allow_new`` accepts a lower one)."""
    current = entries_of(result.findings)
    if old is None:
        return Update(Baseline(tuple(current), score), 0, len(current), 0, 0)
    checked = set(result.paths)
    current_keys = {e.key for e in current}
    recorded = {e.key for e in old.entries}
    kept = [e for e in old.entries if e.path not in checked or e.key in current_keys]
    new = [e for e in current if e.key not in recorded]
    add = new if allow_new and not prune_only else []
    if old.score is None or score >= old.score or (allow_new and not prune_only):
        recorded_score: Optional[float] = score
    else:
        recorded_score = old.score
    return Update(Baseline(tuple(kept + add), recorded_score), len(kept), len(add),
                  len(old.entries) - len(kept), len(new) - len(add))


def write_file(path: str, result: RunResult, allow_new: bool, prune_only: bool) -> Tuple[Update, bool]:
    """Create or update the baseline file at ``path`` from a run; written (atomically) only when
    its text changes. Returns the update and whether the file was written."""
    from testaudit.atomic import write_text_atomic
    from testaudit.score import overall

    old = load(path) if os.path.exists(path) else None
    score = float(format_score(overall(result).value))
    upd = update(result, old, score, allow_new=allow_new, prune_only=prune_only)
    if old is not None and old.legacy_score is not None:
        upd = replace(upd, legacy_score=old.legacy_score)
    text = render(upd.baseline)
    current = None
    if old is not None:
        with open(path, encoding="utf-8") as fh:
            current = fh.read()
    if text == current:
        return upd, False
    write_text_atomic(path, text)
    return upd, True
