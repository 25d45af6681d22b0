"""Nearer definitions: `database` is replaced by a clean one; `client` extends its parent."""
import pytest


@pytest.fixture
def database(tmp_path):
    return tmp_path / "real.db"


@pytest.fixture
def client(client):
    return client
