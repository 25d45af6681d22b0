"""Doubles that reach integration tests through a fixture's or a helper's return value.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise the real cache and mail relay
- Strategic Impact: a green integration suite means the services work together
"""
from scenarios.doubles_delivered.helpers import CacheClient, build_environment, make_mailer, make_real_mailer


def test_cache_hit(redis):  # expect: TA103
    assert redis.get("user:1") is None


def test_cache_layer(cache):  # expect: TA103
    assert cache.backend is not None


def test_real_mail(mailer):
    assert mailer.send("ops@example.test", "hi")


def test_queue(queue):
    assert queue.items == []


def test_helper_hands_back_a_stub():  # expect: TA103
    assert make_mailer().send("ops@example.test", "hi")


def test_helper_through_another_helper():  # expect: TA103
    assert build_environment()["mailer"]


def test_helper_hands_back_the_real_client():
    assert make_real_mailer().send("ops@example.test", "hi")


def test_cache_client_against_the_real_service():
    client = CacheClient()
    assert client.attach() is None


def test_cache_client_offline():  # expect: TA103
    assert CacheClient(offline=True).backend


def test_cache_client_attached_to_the_fake():  # expect: TA103
    client = CacheClient()
    assert client.attach(use_fake=True)
