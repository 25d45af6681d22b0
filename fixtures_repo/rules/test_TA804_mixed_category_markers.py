"""Tests that carry markers of two categories through function, class and module.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: each test is counted, selected and policed as one category
- Strategic Impact: the compliance numbers mean what they say
"""
import pytest

from rules.helpers import make_user

pytestmark = [pytest.mark.unit, pytest.mark.timeout(30)]


def test_inherits_module_marker_only():
    assert make_user("a").name == "a"


@pytest.mark.unit
def test_same_category_at_two_levels():
    assert make_user("b").name == "b"


@pytest.mark.integration
def test_function_marker_disagrees_with_module():  # expect: TA804
    assert make_user("c").name == "c"


@pytest.mark.parametrize("name", ["d", "e"])
@pytest.mark.slow
def test_unrelated_markers(name):
    assert make_user(name).name == name


@pytest.mark.mission_critical
def test_priority_tag_is_combinable():
    assert make_user("h").name == "h"


@pytest.mark.e2e
class TestCriticalUsers:
    pytestmark = pytest.mark.usefixtures("tmp_path")

    def test_class_marker_disagrees_with_module(self):  # expect: TA804
        assert make_user("f").name == "f"

    class TestNested:
        @pytest.mark.e2e
        def test_three_levels(self):  # expect: TA804
            assert make_user("g").name == "g"
