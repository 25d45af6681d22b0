"""Export scheduling.

Business Justification
- Target Segment: Enterprise
- Goal: Retention
- Value Impact: reports arrive before the Monday meeting
- Strategic Impact: sticky workflows
"""


def test_schedule_is_weekly():
    assert 7 * 24 == 168
