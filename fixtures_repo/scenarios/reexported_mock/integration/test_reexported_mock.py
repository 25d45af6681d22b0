"""Mocks that arrive through a project module re-exporting the mocking library.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: integration tests run against the real storage service
- Strategic Impact: a green integration suite means uploads work
"""
from scenarios.reexported_mock import testutils
from scenarios.reexported_mock.testutils import mock, patched, real_session


def test_upload_with_a_stub_client():
    client = mock.MagicMock()  # expect: TA101
    assert client.upload("k", b"v")


def test_session_through_the_module():
    session = testutils.mock.Mock(region="x")  # expect: TA101
    assert session.region == "x"


@mock.patch("botocore.client.BaseClient._make_api_call")  # an allowed external target in integration tests
def test_external_call_patched(call):
    assert call is not None


def test_storage_patched():
    with mock.patch("app.storage.upload", return_value=True):  # expect: TA101
        assert real_session()["region"]


@patched.object(testutils, "real_session")  # expect: TA101
def test_helper_patched_away(fake):
    assert fake is not None


def test_sentinels_are_not_doubles():
    assert mock.ANY == 1 and mock.call(1) is not None


def test_real_session():
    assert real_session()["region"] == "eu-west-1"


@patched("app.storage.upload")  # `patch` renamed on the way: not followed (a known limitation)
def test_alias_patch(upload):
    assert upload is not None
