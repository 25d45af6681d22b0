# Business Value Justification: usage metering bills customers correctly  # expect: TA402
import math


def test_metering_rounds_up():
    assert math.ceil(1.01) == 2
