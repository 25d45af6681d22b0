"""Runtime skips that turn a broken service into a skipped test.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a broken service fails integration tests instead of skipping them
- Strategic Impact: outages are not hidden behind yellow dashboards
"""
import pytest


@pytest.fixture
def db_connection(db_url):
    try:
        conn = connect(db_url)
    except ConnectionError as exc:
        pytest.skip(f"database not available: {exc}")  # expect: TA802
    yield conn
    conn.close()


def test_order_saved(db_connection):
    try:
        order = save_order(db_connection, 1)
    except Exception as exc:
        if "connection refused" in str(exc):
            pytest.skip("database went away")  # expect: TA802
        raise
    assert order.id == 1


def test_websocket_roundtrip(ws_url):
    try:
        ws = open_websocket(ws_url)
    except (OSError, TimeoutError):
        pytest.skip()  # expect: TA802
    assert ws.roundtrip("ping") == "pong"


class TestCacheService:
    def test_cache_roundtrip(self, redis_url):
        try:
            cache = connect_cache(redis_url)
        except ConnectionError:
            self.skipTest("redis not running")  # expect: TA802
        assert cache.roundtrip("k", "v") == "v"


# -- look-alikes -------------------------------------------------------------------------------
def test_optional_driver():
    try:
        import asyncpg
    except ImportError:
        pytest.skip("asyncpg not installed")
    assert asyncpg


def test_skip_outside_except(db_connection):
    try:
        rows = db_connection.fetch("select 1")
    except ConnectionError:
        rows = None
    if rows is None:
        pytest.skip("no rows: the database is empty on this runner")
    assert rows == [(1,)]


def test_skip_in_a_nested_function_defined_in_except(db_connection):
    try:
        db_connection.ping()
    except ConnectionError:
        def later():
            pytest.skip("never called from the handler")
        db_connection.on_reconnect(later)
    assert db_connection.ping()


def test_skip_when_the_backend_lacks_the_feature(db_connection):
    try:
        db_connection.listen("orders")
    except NotImplementedError:
        pytest.skip("this backend has no LISTEN/NOTIFY")
    assert db_connection.notifications() == []


def test_skip_when_the_feature_call_fails_otherwise(db_connection):
    try:
        db_connection.listen("orders")
    except (NotImplementedError, ConnectionError):
        pytest.skip("no LISTEN/NOTIFY here")  # expect: TA802
    assert db_connection.notifications() == []
