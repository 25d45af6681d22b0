"""Test categories (SPEC §3): markers, then category base classes, then the path.

Decided per test (function or method), first hit wins:
1. a marker on the function, then its class, then the module's ``pytestmark``;
2. a category base class in the class's resolved ancestry;
3. the nearest directory segment of the path naming a category;
4. otherwise ``uncategorized``.
A module's category is the category of most of its tests; ties go to the stricter one.
"""
from __future__ import annotations

import fnmatch
from collections import Counter
from typing import Dict, Iterable, Mapping, Optional, Sequence, Tuple

from testaudit.config import UNCATEGORIZED, CategorySpec


class Categorizer:
    def __init__(self, specs: Sequence[CategorySpec], bases: Mapping[str, Tuple[str, ...]]) -> None:
        self.specs = tuple(specs)
        self.rank: Dict[str, int] = {s.name: s.rank for s in specs}
        self.rank[UNCATEGORIZED] = -1
        self._marker: Dict[str, str] = {}
        for spec in sorted(specs, key=lambda s: s.rank):  # stricter wins a shared marker
            for m in spec.markers:
                self._marker[m] = spec.name
        self._bases: Dict[str, str] = {}
        for spec in specs:
            for b in spec.bases or bases.get(spec.name, ()):
                self._bases.setdefault(b, spec.name)
        self._by_rank = sorted(self.specs, key=lambda s: -s.rank)
        self._dirs: Dict[str, Optional[str]] = {}  # directory → category (asked once per test)

    def strictest(self, names: Iterable[str]) -> Optional[str]:
        best = None
        for n in names:
            if best is None or self.rank.get(n, 0) > self.rank.get(best, 0):
                best = n
        return best

    def from_markers(self, markers: Iterable[str]) -> Optional[str]:
        return self.strictest(self._marker[m] for m in markers if m in self._marker)

    def from_bases(self, ancestors: Iterable[str]) -> Optional[str]:
        return self.strictest(self._bases[a] for a in ancestors if a in self._bases)

    def base_category(self, qualified: str) -> Optional[str]:
        return self._bases.get(qualified)

    def from_path(self, rel: str) -> Optional[str]:
        directory = rel.rpartition("/")[0]
        if directory not in self._dirs:
            self._dirs[directory] = self._from_segments(directory.split("/") if directory else [])
        return self._dirs[directory]

    def _from_segments(self, segments: Sequence[str]) -> Optional[str]:
        for seg in reversed(segments):
            for spec in self._by_rank:
                if any(fnmatch.fnmatchcase(seg, p) for p in spec.paths):
                    return spec.name
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
