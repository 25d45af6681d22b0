"""Errors the tool reports to its user as one line (exit code 2)."""
from __future__ import annotations

from typing import Iterable, Optional


class TestauditError(Exception):
    """A usage or internal error; the CLI prints ``str(err)`` and exits 2."""

    __test__ = False  # not a pytest test class, despite the name


class ConfigError(TestauditError):
    """A configuration problem, naming the file and the key at fault."""

    def __init__(self, message: str, path: Optional[str] = None, key: Optional[str] = None) -> None:
        self.message = message
        self.path = path
        self.key = key
        where = ""
        if path:
            where = f"{path}: "
        if key:
            where += f"`{key}`: "
        super().__init__(f"{where}{message}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib  # only a misspelt key or name gets here

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
