"""Helpers that build doubles."""
from unittest.mock import MagicMock


def make_client():
    return MagicMock(name="client")


def make_wrapped_client():
    return make_client()


class FakeGatewayFactory:
    def __init__(self):
        self.gateway = MagicMock(name="gateway")


class LazyGateway:
    """Mocks only in a method called later: instantiating it does not reach the mock."""

    def fallback(self):
        return MagicMock(name="fallback")
