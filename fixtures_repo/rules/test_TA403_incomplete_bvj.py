# expect@2: TA403
"""Billing webhooks.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Revenue protection
The Value Impact: written mid-sentence, so it is not a label.
"""


def test_webhook_signature_length():
    signature = "a" * 64
    assert len(signature) == 64
