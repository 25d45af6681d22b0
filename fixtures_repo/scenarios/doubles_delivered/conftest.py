import pytest

from scenarios.doubles_delivered.doubles import FakeRedis, InMemoryQueue, RealMailer


class Cache:
    def __init__(self, backend):
        self.backend = backend


@pytest.fixture
def redis():
    return FakeRedis()


@pytest.fixture
def cache(redis):
    return Cache(redis)


@pytest.fixture
def mailer():
    return RealMailer()


@pytest.fixture
def queue():
    yield InMemoryQueue()
