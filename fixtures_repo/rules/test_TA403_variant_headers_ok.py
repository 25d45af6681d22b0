"""Quota accounting.

**Business Value Justification (BVJ)**
1. **Segment**: Growth, Enterprise
2. **Business Goal**: Expansion
3. **Value Impact:** customers see usage before they are billed
4. __Strategic/Revenue Impact__: upsell when quotas run out
"""


def test_quota_remaining():
    assert 100 - 40 == 60
