"""BVJ: Platform | Stability | the test runner collects every module"""  # expect: TA403


def test_collects():
    assert [name for name in ("test_a", "b") if name.startswith("test_")] == ["test_a"]
