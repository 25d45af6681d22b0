"""e2e tests may not patch anything, whatever the module the patch came through.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: the deployed upload path is exercised end to end
- Strategic Impact: releases ship only when uploads work for customers
"""
import pytest

from scenarios.reexported_mock.testutils import mock, patched


@pytest.mark.e2e
@mock.patch("botocore.client.BaseClient._make_api_call")  # expect: TA101
def test_upload_end_to_end(call):
    assert call is not None


@pytest.mark.e2e
@patched("app.storage.upload")  # renamed on the way: not followed (a known limitation)
def test_renamed_patch(upload):
    assert upload is not None
