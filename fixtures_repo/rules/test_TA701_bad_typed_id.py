"""Typed user IDs written by hand instead of generated.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: tests use the ID formats production validates
- Strategic Impact: per-user isolation bugs surface in CI, not in production
"""
import uuid

import pytest

from rules import id_defaults  # the support module's IDs are checked too
from rules.helpers import make_user
from shared.types import core_types
from shared.types.core_types import UserID, ensure_user_id
from shared.types.core_types import UserID as TypedUserId

ADMIN_USER_ID = "admin"  # expect: TA701
LEGACY_USER_ID = "test-user-1"  # expect: TA701  (legacy format: warning)
GENERATED_USER_ID = "user_1700000000000_1_a1b2c3d4"
UUID_USER_ID = "123e4567-e89b-12d3-a456-426614174000"
UUID_HEX_USER_ID = "123e4567e89b12d3a456426614174000"
OAUTH_USER_ID = "105945141827451681156"  # expect: TA701  (legacy format: warning)


def build_context(**fields):
    return dict(fields)


def test_constructor_literals():
    first = UserID("test_user")  # expect: TA701
    second = ensure_user_id("user_42")  # expect: TA701  (legacy format: warning)
    third = core_types.UserID("alice")  # expect: TA701
    aliased = TypedUserId("bob")  # expect: TA701
    generated = UserID("user_7_0a1b2c3d")
    prefixed = UserID("tenant_acme_user_3_deadbeef")
    timestamped = ensure_user_id("user_1700000000000_12_a1b2c3d4")
    from_uuid = UserID(str(uuid.uuid4()))
    assert len({first, second, third, aliased, generated, prefixed, timestamped, from_uuid}) == 8


def test_keyword_and_dict_sinks():
    context = build_context(user_id="test_user_123", thread_id="thread-1")  # expect: TA701  (legacy format: warning)
    payload = {"user_id": "bob", "amount": 10}  # expect: TA701
    owner = build_context(owner_user_id="carol")  # a keyword must equal the key exactly
    entries = {"owner_user_id": "dave", "user_id": "user_9_0a1b2c3d"}
    wrapped = build_context(user_id=UserID("user_5_0a1b2c3d"))
    assert context["thread_id"] == "thread-1"
    assert payload["amount"] == 10 and owner and entries and wrapped


def test_assignment_sinks():
    user_id = "customer-7"  # expect: TA701
    admin_user_id: str = "user-2"  # expect: TA701  (legacy format: warning)
    holder = make_user("holder")
    holder.user_id = "root"  # expect: TA701
    result_user_id = make_user("from-a-call").name
    user_ids = ["erin", "frank"]
    assert user_id and admin_user_id and holder.user_id and result_user_id and user_ids


def test_fstring_ids():
    contexts = []
    for i in range(3):
        contexts.append(build_context(user_id=f"test-user-{i}"))  # expect: TA701  (legacy format: warning)
        contexts.append(build_context(user_id=f"customer-{i}-x"))  # expect: TA701
        contexts.append(build_context(user_id=f"user_{i}_{uuid.uuid4().hex[:8]}"))
        contexts.append(build_context(user_id=f"user_{1700000000000 + i}_{i}_{uuid.uuid4().hex[:8]}"))
        contexts.append(build_context(user_id=f"{uuid.uuid4()}"))
    assert len(contexts) == 15


def test_values_that_are_not_ids():
    anonymous = build_context(user_id="")
    numeric = build_context(user_id=42)
    missing = build_context(user_id=None)
    from_generator = build_context(user_id=GENERATED_USER_ID)
    assert anonymous["user_id"] == "" and numeric and missing and from_generator


def test_rejects_malformed_user_ids():
    assert build_context(user_id="not a valid id")["user_id"]
    assert UserID("x")


def test_raising_blocks_are_deliberately_invalid():
    invalid_user_id = "zzz"
    with pytest.raises(ValueError):
        ensure_user_id("bad id")
    with pytest.raises(TypeError):
        build_context(user_id="also bad")
    assert invalid_user_id


class TestInjectionAttempts:
    def test_payload(self):
        assert build_context(user_id="<script>alert(1)</script>")
