"""Session cleanup, disabled line by line by a syntax fixer.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: expired sessions are removed
- Strategic Impact: a disabled suite is not counted as coverage
"""
# REMOVED_SYNTAX_ERROR: import asyncio  # expect@1: TA602
# REMOVED_SYNTAX_ERROR: from rules.helpers import make_user

# REMOVED_SYNTAX_ERROR: SESSIONS = [make_user("a"), make_user("b")]

# REMOVED_SYNTAX_ERROR: async def expire_all(sessions):
    # REMOVED_SYNTAX_ERROR: for session in sessions:
        # REMOVED_SYNTAX_ERROR: await asyncio.sleep(0)
        # REMOVED_SYNTAX_ERROR: session.expired = True
    # REMOVED_SYNTAX_ERROR: return sessions

# REMOVED_SYNTAX_ERROR: def check_expired(sessions):
    # REMOVED_SYNTAX_ERROR: return all(s.expired for s in sessions)
