"""Report labels.  (the marker for this docstring is on the line after it)"""
# expect@1: TA401
from __future__ import annotations

LABELS = {"bvj": "Business Value Justification"}
bvj = LABELS["bvj"]


def test_label_lookup():
    """Prose that mentions the business justification of a report is not one."""
    # the words only occur in code and prose here: check the business justification mapping
    assert "BVJ" in bvj.upper() or bvj.endswith("Justification")
