"""Mocks inside integration tests.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests exercise the real order pipeline
- Strategic Impact: releases do not break checkout
"""
import unittest.mock
from unittest import mock
from unittest.mock import AsyncMock, MagicMock, patch
from unittest.mock import patch as patched

import pytest

from rules.helpers import make_user


@pytest.fixture
def payment_gateway():
    return MagicMock(name="gateway")  # expect: TA101


@patch("app.orders.repository.OrderRepository.save")  # expect: TA101
def test_place_order(save, payment_gateway):
    assert make_user("a") is not None


def test_context_managers():
    with mock.patch.object(dict, "get"):  # expect: TA101
        assert make_user("b")
    with patched.dict("app.settings.FLAGS", {"x": 1}):  # expect: TA101
        assert make_user("c")
    client = unittest.mock.create_autospec(object)  # expect: TA101
    assert client is not None


async def test_async_double():
    notifier = AsyncMock()  # expect: TA101
    await notifier.send("hi")
    assert notifier.send.called


def test_pytest_mock(mocker):  # expect: TA101
    mocker.patch("app.orders.service.charge")
    assert make_user("d")


def test_local_import():
    from unittest.mock import PropertyMock

    prop = PropertyMock(return_value=3)  # expect: TA101
    assert prop() == 3


@patch("app.llm.openai_client.OpenAIClient.complete")
def test_external_llm_may_be_patched_in_integration(complete):
    complete.return_value = "summary"
    assert make_user("e")


class TestInClass:
    def setup_method(self):
        self.repo = MagicMock()  # expect: TA101

    def test_uses_repo(self):
        assert self.repo is not None


# compliant look-alikes: words and strings, not mocks
def test_strings_and_names_are_not_mocks():
    label = "MagicMock() in a string"
    mock_data = {"patch": "1.2.3"}
    assert label and mock_data["patch"] == "1.2.3"
