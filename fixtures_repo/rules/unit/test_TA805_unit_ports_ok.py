"""Addresses in unit tests are data: a unit test opens no socket (TA805 `skip-categories`).

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: configuration parsing is checked without a running service
- Strategic Impact: unit tests stay fast and portable
"""
from app.config import BackendSettings


def test_backend_url_is_taken_apart():
    settings = BackendSettings(url="mongodb://localhost:27017/orders")
    assert (settings.host, settings.port, settings.database) == ("localhost", 27017, "orders")


def test_port_keyword_is_kept():
    assert BackendSettings(host="localhost", port=6379).port == 6379
