"""Output formats: one module per format, registered by subclassing :class:`Reporter`."""
from __future__ import annotations

import importlib
from typing import ClassVar, Dict, Optional, Sequence, Tuple, Type

from testaudit.model import RunResult
from testaudit.score import Gate, gates

FORMATS = ("text", "concise", "json", "sarif", "junit", "github", "markdown", "html")


class Reporter:
    NAME: ClassVar[str] = ""
    registry: ClassVar[Dict[str, Type["Reporter"]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.NAME:
            Reporter.registry[cls.NAME] = cls

    def __init__(self, *, color: bool = False, fail_under: str = "", floors: Sequence[Tuple[str, str]] = (),
                 statistics: bool = False, quiet: bool = False, width: int = 100, exit_zero: bool = False,
                 limit: Optional[int] = None, show_warnings: bool = True) -> None:
        self.color = color
        self.fail_under = fail_under  # the overall threshold (--fail-under or fail-under), "" for none
        self.floors = tuple(floors)  # fail-under-category: (category, threshold)
        self.statistics = statistics
        self.quiet = quiet
        self.width = width
        self.exit_zero = exit_zero  # missed thresholds are reported, not announced as failing
        self.limit = limit  # text: findings shown with a code frame (None: all)
        self.show_warnings = show_warnings  # text: False only with -qq

    def gates(self, result: RunResult) -> Tuple[Gate, ...]:
        """The thresholds this run is held to, each with its verdict (SPEC §6)."""
        return gates(result, self.fail_under, self.floors, enforced=not self.exit_zero)

    def render(self, result: RunResult) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def get_reporter(name: str) -> Type[Reporter]:
    importlib.import_module(f"testaudit.report.{name}")
    return Reporter.registry[name]
