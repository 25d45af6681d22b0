"""Test categories (SPEC §3): markers, then category base classes, then the path.

Decided per test (function or method), first hit wins:
1. a marker on the function, then its class, then the module's ``pytestmark`` — a category's
   ``markers`` (``@pytest.mark.integration``) or its ``decorators`` (``@requires_aws``, recorded
   in the facts as the label ``@<dotted name>``, matched by its whole name or its tail);
2. a category base class in the class's resolved ancestry;
3. the path: the deepest directory that a category's ``paths`` name — a pattern without ``/``
   matches a directory's name at any depth (``integration``), one with ``/`` a directory's path
   from the project root (``tests/aws``, ``tests/*/live``; ``*`` may cross directories, a trailing
   ``/**`` or ``/`` means the same); at the same depth a path pattern wins over a name;
4. otherwise ``uncategorized``.
A module's category is the category of most of its tests; ties go to the stricter one.
"""
from __future__ import annotations

import fnmatch
from collections import Counter
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple

from testaudit.config import UNCATEGORIZED, CategorySpec, path_pattern


def default_required_bases() -> Dict[str, Tuple[str, ...]]:
    """TA501's default ``required`` option: category → the bases its test classes must have
    (here, so a run that only categorizes does not import the rules and libcst)."""
    return {
        "integration": ("test_framework.base_integration_test.BaseIntegrationTest",),
        "e2e": ("test_framework.base_e2e_test.BaseE2ETest",),
    }


class Categorizer:
    def __init__(self, specs: Sequence[CategorySpec], bases: Mapping[str, Tuple[str, ...]]) -> None:
        self.specs = tuple(specs)
        self.rank: Dict[str, int] = {s.name: s.rank for s in specs}
        self.rank[UNCATEGORIZED] = -1
        self._marker: Dict[str, Optional[str]] = {}  # marker name or decorator label → category
        self._decorators: Dict[str, str] = {}  # configured decorator name → category
        for spec in sorted(specs, key=lambda s: s.rank):  # stricter wins a shared marker
            for m in spec.markers:
                self._marker[m] = spec.name
            for d in spec.decorators:
                self._decorators[d] = spec.name
        self._bases: Dict[str, str] = {}
        for spec in specs:
            for b in spec.bases or bases.get(spec.name, ()):
                self._bases.setdefault(b, spec.name)
        self._by_rank = sorted(self.specs, key=lambda s: -s.rank)
        # (category, patterns matched against a directory's name / its root-relative path)
        self._names = [(s.name, [q for a, q in map(path_pattern, s.paths) if not a]) for s in self._by_rank]
        self._anchored = [(s.name, [q for a, q in map(path_pattern, s.paths) if a]) for s in self._by_rank]
        self._dirs: Dict[str, Optional[Tuple[str, int]]] = {}  # directory → (category, depth of the match)

    def strictest(self, names: Iterable[str]) -> Optional[str]:
        best = None
        for n in names:
            if best is None or self.rank.get(n, 0) > self.rank.get(best, 0):
                best = n
        return best

    def marker_category(self, marker: str) -> Optional[str]:
        """The category a marker name or a decorator label (``@tests.live.requires_aws``) names."""
        if marker in self._marker:
            return self._marker[marker]
        found = None
        if marker.startswith("@"):
            name = marker[1:]
            found = next((c for d, c in self._decorators.items() if name == d or name.endswith("." + d)), None)
        self._marker[marker] = found
        return found

    def from_markers(self, markers: Iterable[str]) -> Optional[str]:
        return self.strictest(c for c in map(self.marker_category, markers) if c)

    def from_bases(self, ancestors: Iterable[str]) -> Optional[str]:
        return self.strictest(self._bases[a] for a in ancestors if a in self._bases)

    def base_category(self, qualified: str) -> Optional[str]:
        return self._bases.get(qualified)

    def from_path(self, rel: str) -> Optional[str]:
        found = self._match(rel.rpartition("/")[0])
        return found[0] if found else None

    def folder(self, rel: str) -> Optional[str]:
        """The directory of ``rel`` that decides its category by path (None: none does)."""
        directory = rel.rpartition("/")[0]
        found = self._match(directory)
        return "/".join(directory.split("/")[:found[1]]) if found else None

    def path_names(self, rel: str, category: str) -> bool:
        """Whether any directory of ``rel`` is named for ``category`` (``tests/e2e/integration/``
        names both e2e and integration), not only the deepest."""
        segments = rel.split("/")[:-1]
        return any(name == category and any(fnmatch.fnmatchcase(seg, p) for p in patterns)
                   for seg in segments for name, patterns in self._names) or \
            any(name == category and any(fnmatch.fnmatchcase("/".join(segments[:i]), p) for p in patterns)
                for i in range(1, len(segments) + 1) for name, patterns in self._anchored)

    def _match(self, directory: str) -> Optional[Tuple[str, int]]:
        if directory not in self._dirs:
            self._dirs[directory] = self._deepest(directory.split("/") if directory else [])
        return self._dirs[directory]

    def _deepest(self, segments: Sequence[str]) -> Optional[Tuple[str, int]]:
        for depth in range(len(segments), 0, -1):
            prefix = "/".join(segments[:depth])
            for name, patterns in self._anchored:
                if any(fnmatch.fnmatchcase(prefix, p) for p in patterns):
                    return name, depth
            for name, patterns in self._names:
                if any(fnmatch.fnmatchcase(segments[depth - 1], p) for p in patterns):
                    return name, depth
        return None

    def decide(self, rel: str, function_markers: Sequence[str] = (), class_markers: Sequence[str] = (),
               module_markers: Sequence[str] = (), ancestors: Sequence[str] = ()) -> str:
        for markers in (function_markers, class_markers, module_markers):
            hit = self.from_markers(markers)
            if hit:
                return hit
        return self.from_bases(ancestors) or self.from_path(rel) or UNCATEGORIZED

    def majority(self, categories: Iterable[str], fallback: str) -> str:
        counts = Counter(categories)
        if not counts:
            return fallback
        top = max(counts.values())
        return self.strictest(c for c, n in counts.items() if n == top) or fallback


