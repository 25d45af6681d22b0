"""Helper objects the e2e tests build: some swap in a double inside a method, as generated
suites often do in a connection fallback."""
from unittest.mock import AsyncMock, MagicMock


class WebSocketTestClient:
    """An async context manager whose entry falls back to a double when the server is down."""

    def __init__(self, url):
        self.url = url
        self.socket = None

    async def __aenter__(self):
        try:
            self.socket = await open_socket(self.url)
        except ConnectionError:
            self.socket = AsyncMock()
        return self

    async def __aexit__(self, *exc):
        return False

    async def send(self, message):
        return await self.socket.send(message)


class DatabaseTestManager:
    """Connects for real unless the database is unreachable; then a MagicMock stands in."""

    def __init__(self):
        self.pool = None

    async def connect(self):
        try:
            self.pool = await create_pool()
        except OSError:
            self.pool = MagicMock()

    def reset_with_mocks(self):
        """Never called by the tests below: its mock reaches nobody."""
        self.pool = MagicMock()

    async def fetch(self, query):
        return await self.pool.fetch(query)


class QueueClient:
    """Mocks only when its caller asks for it (`connect(mock_mode=True)`)."""

    def __init__(self):
        self.channel = None

    def connect(self, timeout=30.0, mock_mode=False):
        if mock_mode:
            self.channel = MagicMock()
            return True
        self.channel = open_channel(timeout)
        return True


class RealRedisClient:
    """A clean helper object: its methods talk to the real service."""

    def __init__(self, url):
        self.url = url

    def ping(self):
        return ping_server(self.url)


class StagingBase:
    """A project base class with a helper that patches, reached through `self.helper()`."""

    def start_services(self):
        self.services = MagicMock()
        return self.services

    def real_services(self):
        return ["postgres", "redis"]


async def open_socket(url):
    return url


async def create_pool():
    return object()


def ping_server(url):
    return bool(url)


class DriverClient:
    """A double only where the driver cannot be imported: the project has the driver, so the
    fallback never runs."""

    def connect(self):
        try:
            from scenarios.helper_objects.driver import Driver
        except ImportError:
            return MagicMock()
        return Driver()


class OptionalDriverClient:
    """The fallback also covers a failing connection (`except Exception`): the double can be used."""

    def connect(self):
        try:
            from scenarios.helper_objects.driver import Driver
            return Driver().open()
        except Exception:
            return MagicMock()
