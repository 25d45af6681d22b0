"""Workspace invitations.

BVJ:
  * Segments: Mid, Enterprise
  • goal: team adoption
  1) VALUE IMPACT: invitations reach the right people
  - Revenue Impact: more seats per account
"""


def test_invitation_code_length():
    code = "x" * 12
    assert len(code) == 12
