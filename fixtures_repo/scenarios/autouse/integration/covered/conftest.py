"""An autouse fixture that patches for every test below this directory."""
from unittest.mock import patch

import pytest


@pytest.fixture(autouse=True)
def no_network():
    with patch("app.http.session.Session.send"):
        yield
