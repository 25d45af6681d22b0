"""Output formats: one module per format, registered by subclassing :class:`Reporter`."""
from __future__ import annotations

import importlib
from typing import ClassVar, Dict, Type

from testaudit.model import RunResult

FORMATS = ("text", "concise", "json", "sarif", "junit", "github", "markdown", "html")


class Reporter:
    NAME: ClassVar[str] = ""
    registry: ClassVar[Dict[str, Type["Reporter"]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.NAME:
            Reporter.registry[cls.NAME] = cls

    def __init__(self, *, color: bool = False, fail_under: str = "", statistics: bool = False,
                 quiet: bool = False, width: int = 100) -> None:
        self.color = color
        self.fail_under = fail_under
        self.statistics = statistics
        self.quiet = quiet
        self.width = width

    def render(self, result: RunResult) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def get_reporter(name: str) -> Type[Reporter]:
    importlib.import_module(f"testaudit.report.{name}")
    return Reporter.registry[name]
