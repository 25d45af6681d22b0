# testaudit: ignore-file[TA301]
# testaudit: ignore-file[TA803]  # expect: TA002
"""File-wide suppressions: one still excuses a finding, one excuses nothing any more.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a stale file-wide excuse is found like a stale line excuse
- Strategic Impact: honest compliance numbers
"""
import os


def test_reads_the_home_directory():
    assert os.environ.get("HOME") is not None
