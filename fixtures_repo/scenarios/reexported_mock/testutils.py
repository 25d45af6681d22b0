"""The project's test utilities, which hand the mocking library on (as aws-cli's do)."""
from unittest import mock
from unittest.mock import patch as patched


def real_session(region="eu-west-1"):
    return {"region": region}
