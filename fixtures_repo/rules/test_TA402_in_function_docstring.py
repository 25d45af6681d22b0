"""Token refresh."""


def test_refresh_extends_expiry():
    """BVJ: All segments | Retention | sessions do not drop mid-task"""  # expect: TA402
    expiry = 100
    assert expiry + 60 > expiry
