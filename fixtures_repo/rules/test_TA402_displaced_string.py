from __future__ import annotations

"""Thread persistence.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: conversations survive restarts
- Strategic Impact: fewer support tickets
"""
# expect@3: TA402
# Only the displaced string above is reported: this comment's own mention of the BVJ and the
# class docstring below are not separate findings (one TA402 per file).
from rules.helpers import make_user


class TestThreads:
    """BVJ: threads belong to exactly one user."""

    def test_owner(self):
        assert make_user("ada").name == "ada"
