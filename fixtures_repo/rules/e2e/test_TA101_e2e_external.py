"""In e2e tests even external clients must be real.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: e2e tests prove the deployed stack works
- Strategic Impact: release confidence
"""
from unittest.mock import patch

from rules.helpers import make_user


def test_llm_in_e2e():
    with patch("app.llm.openai_client.OpenAIClient.complete"):  # expect: TA101
        assert make_user("x")
