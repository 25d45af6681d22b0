"""Helpers the scenario's tests call: some hand back doubles, some real clients."""
from scenarios.doubles_delivered.doubles import FakeRedis, RealMailer, StubMailer


def make_mailer():
    return StubMailer()


def make_real_mailer():
    return RealMailer()


def build_environment():
    return {"mailer": make_mailer()}


class CacheClient:
    """Uses the real Redis unless its caller asks for the fake."""

    def __init__(self, offline=False):
        self.backend = None
        if offline:
            self.backend = FakeRedis()

    def attach(self, use_fake=None):
        if use_fake:
            self.backend = FakeRedis()
        return self.backend
