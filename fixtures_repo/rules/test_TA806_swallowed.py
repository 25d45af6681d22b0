"""Exceptions swallowed inside tests.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a failure inside a test fails it
- Strategic Impact: honest green builds
"""
import asyncio
import contextlib
import logging

import pytest

try:
    import ujson as json
except ImportError:
    pass

logger = logging.getLogger(__name__)


def test_sync_users(api):  # expect: TA801
    try:
        result = api.sync()
        assert result.count > 0
    except Exception:  # expect: TA806
        # the sync service is flaky in CI
        pass


def test_bare_except(api):
    try:
        assert api.health() == "ok"
    except:  # expect: TA806
        ...
    assert api


def test_every_endpoint(client):
    for path in ["/a", "/b"]:
        try:
            assert client.get(path).ok
        except (ConnectionError, AssertionError):  # expect: TA806
            continue
    assert client


async def test_nested_reader(ws):
    async def reader():
        try:
            return await ws.recv()
        except Exception:  # expect: TA806
            pass

    assert await reader() is None or ws.closed


class TestCleanup:
    def test_cleanup_in_body(self, conn):
        try:
            conn.rollback()
        except RuntimeError:  # a specific exception, no assertion in the `try`: expected, not hidden
            pass
        assert conn.closed

    def test_check_skipped_by_a_specific_exception(self, api):
        try:
            payload = api.fetch()["payload"]
            assert payload["id"] == 1
        except KeyError:  # expect: TA806
            pass


async def test_timeout_hides_the_missing_event(ws):  # expect: TA801
    try:
        event = await asyncio.wait_for(ws.recv(), timeout=5)
        assert event["type"] == "agent_completed"
    except Exception:  # expect: TA806
        pass


# -- look-alikes -------------------------------------------------------------------------------
def test_logs_and_reraises(api):
    try:
        assert api.sync().count > 0
    except Exception as exc:
        logger.error(f"sync failed: {exc}")
        raise


def test_expected_failure_is_asserted(api):
    try:
        api.sync(token="bad")
    except PermissionError as exc:
        assert "token" in str(exc)
    else:
        raise AssertionError("bad token accepted")


async def test_cancelled_task(worker):
    task = asyncio.create_task(worker.run())
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert worker.stopped


def test_cleanup_in_finally(conn):
    try:
        assert conn.query("select 1") == [(1,)]
    finally:
        try:
            conn.close()
        except Exception:
            pass


def test_suppress_is_explicit(conn):
    with contextlib.suppress(ConnectionError):
        conn.close()
    assert conn.closed


def close_quietly(conn):
    try:
        conn.close()
    except Exception:
        pass


@pytest.fixture
def conn(db):
    connection = db.connect()
    yield connection
    try:
        connection.close()
    except Exception:
        pass


class QuietClient:
    """Not a test class."""

    def test_request(self, session):
        try:
            return session.get("/")
        except Exception:
            pass


def test_psycopg2_is_not_installed():
    try:
        import psycopg2

        pytest.fail(f"psycopg2 {psycopg2.__version__} must not be installed")
    except ImportError:
        pass


def test_unknown_user_raises(api):
    try:
        api.user("nobody")
    except KeyError:
        pass
    else:
        raise AssertionError("unknown user accepted")


async def test_cleanup_at_the_end(client, engines):
    assert await client.ping()
    for engine in engines:
        try:
            await engine.cleanup_engine()
        except Exception:
            pass


async def test_polls_for_the_next_message(ws):
    events = []
    for _ in range(10):
        try:
            events.append(await asyncio.wait_for(ws.recv(), timeout=1))
        except asyncio.TimeoutError:
            continue
    assert events


def test_probes(deque, routes):
    try:
        deque.pop()
    except IndexError:
        pass
    try:
        import orjson  # noqa: F401
    except ImportError:
        pass
    pages = iter(routes)
    try:
        next(pages)
    except StopIteration:
        pass
    assert deque is not None


async def test_no_message_for_another_user(ws):
    try:
        message = await asyncio.wait_for(ws.recv(), timeout=1)
        assert message["user_id"] == "user-a"
    except asyncio.TimeoutError:  # no message at all is fine for an isolation check
        pass


def test_counts_successes(validator):
    ok = 0
    for _ in range(100):
        try:
            validator.validate()
            ok += 1
        except Exception:
            pass
    assert ok / 100 >= 0.95


async def test_closes_sockets(connections):
    assert connections
    for connection in connections:
        try:
            await connection["websocket"].close()
        except:
            pass


def test_uses_json():
    assert json.dumps({}) == "{}"


def test_exception_context_is_kept(reporter):
    try:
        raise ValueError("dummy")  # exception state on purpose: nothing here can fail the test
    except:
        pass
    assert reporter.last_error() is None


def test_raise_beside_work_is_still_swallowed(client):
    try:
        client.sync()
        raise ValueError("dummy")
    except Exception:  # expect: TA806
        pass
    assert client


def retry(check, retries=10, sleep=1.0):
    for _ in range(retries):
        try:
            return check()
        except AssertionError:
            pass
    raise AssertionError("gave up")


def test_link_is_gone_once_deleted(client, link_id):
    client.delete_link(link_id)

    def _deleted():
        try:
            assert client.get_link(link_id)["status"] == "DELETED"
        except client.exceptions.NotFoundException:  # "gone" is the answer: the retry decides
            pass

    retry(_deleted, retries=10)


def test_link_check_that_can_never_fail(client, link_id):
    def _deleted():
        try:
            assert client.get_link(link_id)["status"] == "DELETED"
        except Exception:  # expect: TA806
            pass

    retry(_deleted)
    assert client


def test_function_is_updated_when_it_exists(client, code):
    exists = False
    try:
        client.get_function("orders")
        exists = True
    except Exception:  # a probe: its answer is the flag
        pass
    client.deploy("orders", code, update=exists)
    assert client.invoke("orders").ok


def test_request_reaches_a_terminal_state(client, token):
    try:
        client.get_waiter("request_done").wait(token=token)
    except Exception:  # only waits: the state is checked below
        pass
    assert client.status(token) in ("SUCCESS", "FAILED")
