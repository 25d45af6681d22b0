"""Fixed sleeps in tests and fixtures.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: tests wait for conditions, not for guesses
- Strategic Impact: a fast, deterministic suite
"""
import asyncio
import asyncio as aio
import time
from time import sleep

import anyio
import pytest


def test_job_finishes(queue):
    job = queue.submit("report")
    time.sleep(5)  # expect: TA803
    assert job.done


def test_imported_sleep(queue):
    queue.flush()
    sleep(0.5)  # expect: TA803
    assert queue.empty()


async def test_aliased_asyncio(worker):
    worker.start()
    await aio.sleep(delay=1)  # expect: TA803
    assert worker.started


async def test_token_expiry(tokens):
    token = tokens.issue(ttl=1)
    await asyncio.sleep(2 * 60)  # expect: TA803
    assert tokens.expired(token)


async def test_anyio_sleep(worker):
    worker.start()
    await anyio.sleep(0.25)  # expect: TA803
    assert worker.started


@pytest.fixture
async def server():
    srv = await start_server()
    await asyncio.sleep(0.5)  # expect: TA803
    yield srv


class TestQueue:
    def setup_method(self):
        self.queue = make_queue()
        time.sleep(1)  # expect: TA803

    def test_size(self):
        assert self.queue.size() == 0


# -- look-alikes -------------------------------------------------------------------------------
async def test_yield_to_the_loop(worker):
    worker.start()
    await asyncio.sleep(0)
    time.sleep(0.0)
    assert worker.started


def test_variable_delays(queue, poll_interval):
    backoff = 0.1
    while not queue.empty():
        time.sleep(poll_interval)
        time.sleep(backoff * 2)
    assert queue.empty()


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)  # a helper, not a test
    return False


def test_waits_through_a_helper(queue):
    assert wait_until(queue.empty)


async def test_simulated_slow_operation(monitor):
    async def slow_operation():
        await asyncio.sleep(0.2)  # a stand-in for the code under test, not the test waiting
        return "done"

    assert await monitor.measure(slow_operation) == "done"


class TestClock:
    def sleep(self, seconds):
        self.elapsed = seconds

    def test_own_sleep_method(self, event):
        self.sleep(5)
        assert event.wait(1) and self.elapsed == 5


class SlowClient:
    """Not a test class."""

    def test_connection(self):
        time.sleep(1)
        return True


def test_pool_initializer_is_slow(executor_factory):
    pool = executor_factory(initializer=lambda: time.sleep(0.1))  # code handed to the pool, not the test waiting
    assert pool.submit(len, "abc").result() == 3


def test_waits_beside_a_lambda(queue):
    queue.on_empty(lambda: None)
    time.sleep(1)  # expect: TA803
    assert queue.empty()


def test_polls_until_a_deadline(job):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not job.done:
        time.sleep(0.2)  # the wait this rule asks for: bounded, and it ends when the job does
    assert job.done


def test_polls_a_bounded_number_of_times(job):
    for _ in range(50):
        if job.done:
            break
        time.sleep(0.2)
    assert job.done


async def test_polls_until_a_message_arrives(ws):
    while True:
        message = await ws.receive()
        if message["type"] == "done":
            break
        await asyncio.sleep(0.5)
    assert message["data"]


def test_sleeps_in_a_loop_that_never_checks(job):
    for _ in range(3):
        job.tick()
        time.sleep(1)  # expect: TA803
    assert job.ticks == 3


def test_breaks_only_out_of_an_inner_loop(job):
    while job.running():
        for step in job.steps:
            if step.failed:
                break
        time.sleep(1)  # expect: TA803
    assert job.finished


def test_timer_fires_within_two_seconds(timer):
    fired = [False]
    timer.call_after(0.3, lambda: fired.__setitem__(0, True))
    waited = 0.0
    while not fired[0]:
        if waited >= 2.0:
            raise TimeoutError("the timer never fired")
        time.sleep(0.1)  # a poll with a deadline: the loop raises when it runs out
        waited += 0.1
    assert fired[0]


def test_operations_with_pauses(client):
    for path in ("/users", "/users/suspend"):
        if client.get(path).status_code != 200:
            raise AssertionError(f"{path} failed")  # a failure: the loop does not poll
        time.sleep(1)  # expect: TA803


def test_message_visible_again_after_its_visibility_timeout(sqs):
    queue = sqs.create_queue(Attributes={"VisibilityTimeout": "1"})
    sqs.send_message(queue, "order-1")
    sqs.receive_message(queue)
    time.sleep(2)  # outlasts the lifetime the test set: the expiry is what it checks
    assert sqs.receive_message(queue)["Body"] == "order-1"


def test_session_expires(auth):
    session_ttl = 1
    token = auth.login("alice", ttl=session_ttl)
    time.sleep(1.5)  # waits the session out
    assert not auth.is_valid(token)


def test_job_with_a_timeout_still_guesses(queue):
    job = queue.submit("report", timeout=5)
    time.sleep(5)  # expect: TA803
    assert job.done


def test_sleep_far_beyond_the_lifetime(cache):
    cache.set("k", 1, ttl=1)
    time.sleep(30)  # expect: TA803
    assert cache.get("k") is None


def test_queue_with_a_long_visibility_timeout_still_guesses(sqs):
    sqs.create_queue(Attributes={"VisibilityTimeout": "60"})
    time.sleep(60)  # expect: TA803
    assert sqs.processed
