"""Helpers with the same names that build real objects."""


def make_client():
    return {"kind": "real"}
