"""Shared session data for the cleanup suite; no tests here yet, and little is disabled.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: one source of session fixtures
- Strategic Impact: consistent test data
"""
from rules.helpers import make_user

# REMOVED_SYNTAX_ERROR: LEGACY_SESSIONS = [make_user("old")]
SESSIONS = [make_user("a"), make_user("b")]


def session_names():
    return [s.name for s in SESSIONS]
