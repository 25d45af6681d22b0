"""Suppression comments.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: stale excuses do not pile up
- Strategic Impact: honest compliance numbers
"""
import os


def test_suppressed_use_is_fine():
    assert os.environ.get("HOME")  # testaudit: ignore[TA301]
    assert os.environ.get("USER")  # testaudit: ignore[os-environ-access]


def test_stale_suppression():
    value = 1  # testaudit: ignore[TA301]  # expect: TA002
    other = 2  # testaudit: ignore  # expect: TA002
    assert value + other == 3


def test_suppression_on_first_line_of_statement():
    assert os.environ.get(  # testaudit: ignore[TA301]
        "HOME"
    )
