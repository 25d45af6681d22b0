"""Helpers that build doubles."""
from unittest.mock import MagicMock


def make_client():
    return MagicMock(name="client")


def make_wrapped_client():
    return make_client()


class FakeGatewayFactory:
    def build(self):
        return MagicMock(name="gateway")
