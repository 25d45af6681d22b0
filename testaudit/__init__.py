"""testaudit: a static auditor for pytest test suites.

Public API: :func:`check_paths` and the model types. Heavy modules (libcst, rich, networkx)
are imported lazily so that ``testaudit --version`` stays cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from testaudit._version import __version__

__all__ = ["__version__", "check_paths", "Finding", "FileResult", "RunResult", "Severity", "Location"]

if TYPE_CHECKING:  # pragma: no cover
    from testaudit.api import check_paths
    from testaudit.model import FileResult, Finding, Location, RunResult, Severity


def __getattr__(name: str) -> Any:
    if name == "check_paths":
        from testaudit.api import check_paths

        return check_paths
    if name in {"Finding", "FileResult", "RunResult", "Severity", "Location"}:
        from testaudit import model

        return getattr(model, name)
    raise AttributeError(name)
