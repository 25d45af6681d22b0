"""Thread persistence."""
"""
BVJ:
- Segment: Mid
- Business Goal: Retention
- Value Impact: history is never lost
- Strategic Impact: lower churn
"""
# expect@2: TA402


def test_history_is_kept():
    history = ["hello", "again"]
    assert history[-1] == "again"
