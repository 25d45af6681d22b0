"""Rate limiting of the public API."""
import time

# BVJ: Segment: Free | Goal: Conversion | Impact: fair use keeps the API up  # expect: TA402


def test_monotonic_clock():
    assert time.monotonic() <= time.monotonic()
