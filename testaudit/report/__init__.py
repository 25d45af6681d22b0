"""Output formats: one module per format, registered by subclassing :class:`Reporter`."""
from __future__ import annotations

import importlib
from typing import ClassVar, Dict, Sequence, Tuple, Type

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
                 statistics: bool = False, quiet: bool = False, width: int = 100) -> None:
        self.color = color
        self.fail_under = fail_under  # the overall threshold (--fail-under or fail-under), "" for none
        self.floors = tuple(floors)  # fail-under-category: (category, threshold)
        self.statistics = statistics
        self.quiet = quiet
        self.width = width

    def gates(self, result: RunResult) -> Tuple[Gate, ...]:
        """The thresholds this run is held to, each with its verdict (SPEC §6)."""
        return gates(result, self.fail_under, self.floors)

    def render(self, result: RunResult) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def get_reporter(name: str) -> Type[Reporter]:
    importlib.import_module(f"testaudit.report.{name}")
    return Reporter.registry[name]
