"""Shared doubles (a support module: doubles may live here; using them in integration tests is reported)."""
import time


class FakeClock:
    def now(self):
        return time.time()


class StubMailer:
    def send(self, message):
        return message
