"""Helpers the scenario's tests call: some hand back doubles, some real clients."""
from scenarios.doubles_delivered.doubles import RealMailer, StubMailer


def make_mailer():
    return StubMailer()


def make_real_mailer():
    return RealMailer()


def build_environment():
    return {"mailer": make_mailer()}
