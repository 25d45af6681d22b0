"""Mocks that arrive through helper objects: a context manager's entry, a method called on an
instance, a base-class helper called through self.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: e2e tests talk to the deployed chat and database services
- Strategic Impact: a release cannot pass its e2e suite against doubles
"""
import pytest

from scenarios.helper_objects.clients import (
    DatabaseTestManager, DriverClient, OptionalDriverClient, QueueClient, RealRedisClient, StagingBase,
    WebSocketTestClient,
)


@pytest.mark.e2e
async def test_chat_roundtrip():  # expect: TA102
    async with WebSocketTestClient("ws://chat.example.test/ws") as ws:
        assert await ws.send("hello")


@pytest.mark.e2e
async def test_query_after_connect():  # expect: TA102
    db = DatabaseTestManager()
    await db.connect()
    assert await db.fetch("select 1")


@pytest.mark.e2e
async def test_query_without_connect():
    db = DatabaseTestManager()  # its mocking methods are never called here
    assert db.pool is None


@pytest.mark.e2e
def test_queue_connected_for_real():
    queue = QueueClient()
    assert queue.connect()  # `mock_mode` not passed: the MagicMock under `if mock_mode:` is never made


@pytest.mark.e2e
def test_queue_in_mock_mode():  # expect: TA102
    queue = QueueClient()
    assert queue.connect(mock_mode=True)


@pytest.mark.e2e
def test_queue_mock_mode_passed_by_position():  # expect: TA102
    queue = QueueClient()
    assert queue.connect(5.0, True)


@pytest.mark.e2e
def test_real_redis_helper():
    client = RealRedisClient("redis://cache.example.test")
    assert client.ping()


@pytest.mark.e2e
class TestStaging(StagingBase):
    def test_services_started(self):  # expect: TA102
        assert self.start_services()

    def test_real_services_listed(self):
        assert self.real_services() == ["postgres", "redis"]


@pytest.mark.e2e
def test_driver_import_fallback_never_runs():
    client = DriverClient()
    assert client.connect()


@pytest.mark.e2e
def test_connection_failure_falls_back_to_a_double():  # expect: TA102
    client = OptionalDriverClient()
    assert client.connect()


@pytest.mark.e2e
async def test_connect_with_an_argument_it_does_not_take():
    db = DatabaseTestManager()
    await db.connect(retries=3)  # a TypeError before connect's body runs: its double is never made
    assert db.pool is None
