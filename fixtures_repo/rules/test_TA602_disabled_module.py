"""Refund rules; every test in this module was commented out.

Business Value Justification (BVJ):
- Segment: Mid, Enterprise
- Business Goal: Revenue protection
- Value Impact: refunds never exceed the charge
- Strategic Impact: a disabled suite is not counted as coverage
"""
# expect@1: TA602


def refund_total(amounts):
    return sum(amounts)


# def test_refund_is_never_negative():  # expect: TA601
#     assert refund_total([0]) == 0


# class TestPartialRefunds:  # expect: TA601
#     def test_partial_refund(self):
#         assert refund_total([5, 5]) == 10
