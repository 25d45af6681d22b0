"""Support module for the rule fixtures (not a test module)."""
from dataclasses import dataclass


@dataclass
class User:
    name: str


def make_user(name):
    return User(name)
