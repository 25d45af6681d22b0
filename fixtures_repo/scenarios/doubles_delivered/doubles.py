"""Hand-written stand-ins for real services, shared by the scenario's fixtures and helpers."""


class FakeRedis:
    """A dict pretending to be Redis."""

    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)


class StubMailer:
    def send(self, to, body):
        return True


class RealMailer:
    """Talks to the SMTP relay the integration environment runs."""

    def __init__(self, host="smtp.integration.test"):
        self.host = host

    def send(self, to, body):
        return bool(to and body)


class InMemoryQueue:
    """A real in-process queue implementation the application ships; not a double by name."""

    def __init__(self):
        self.items = []
