"""Agent registry lookups."""
from rules.helpers import make_user


class TestRegistry:
    """Registry lookups.

    Business Value Justification (BVJ):
    - Segment: Enterprise
    - Business Goal: Stability
    - Value Impact: agents are found by name
    - Strategic Impact: reliable automation
    """

    def test_lookup(self):
        assert make_user("agent").name == "agent"


# expect@6: TA402
