"""Skips without a reason.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: every disabled test says why
- Strategic Impact: skipped tests get re-enabled
"""
import sys

import pytest
from pytest import mark, skip


@pytest.mark.skip  # expect: TA802
def test_bare_skip_mark(client):
    assert client.get("/refunds").ok


@pytest.mark.skip()  # expect: TA802
def test_empty_skip_mark(client):
    assert client.get("/refunds").ok


@mark.skip(reason="")  # expect: TA802
def test_empty_reason(client):
    assert client.get("/refunds").ok


@pytest.mark.skipif(sys.platform == "win32")  # expect: TA802
def test_skipif_without_reason(client):
    assert client.get("/fork").ok


def test_runtime_skip_without_message(exporter):
    if not exporter.available():
        pytest.skip()  # expect: TA802
    assert exporter.export()


def test_imported_skip_with_empty_message(exporter):
    if not exporter.available():
        skip("")  # expect: TA802
    assert exporter.export()


@pytest.mark.parametrize("amount", [1, pytest.param(0, marks=pytest.mark.skip)])  # expect: TA802
def test_param_mark(amount):
    assert amount >= 0


# -- look-alikes with a reason ----------------------------------------------------------------
@pytest.mark.skip(reason="refunds move to the billing service, JIRA-123")
def test_skip_with_reason(client):
    assert client.get("/refunds").ok


@pytest.mark.skip("flaky on CI until the queue is replaced")
def test_skip_with_positional_reason(client):
    assert client.get("/queue").ok


@pytest.mark.skipif(sys.platform == "win32", reason="uses fork")
def test_skipif_with_reason(client):
    assert client.get("/fork").ok


@pytest.mark.skipif("sys.platform == 'win32'")
def test_skipif_string_condition(client):
    assert client.get("/fork").ok


def test_runtime_skip_with_reasons(exporter):
    why = exporter.unavailable_reason()
    if why:
        pytest.skip(why)
    if not exporter.ready():
        pytest.skip(reason="exporter warming up")
    assert exporter.export()


def test_skip_in_except_in_a_uncategorized_test(exporter):
    try:
        exporter.connect()
    except ConnectionError:
        pytest.skip("exporter not running")
    assert exporter.export()


def test_importorskip():
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load("a: 1") == {"a": 1}


def test_skip_exception_is_not_a_skip(exporter):
    with pytest.raises(pytest.skip.Exception):
        exporter.skip_all()


class TestSkips:
    def skip(self):
        return "not pytest's"

    def test_own_skip_method(self):
        assert self.skip() == "not pytest's"
