import json  # expect: TA401


def test_round_trip():
    assert json.loads(json.dumps({"a": 1})) == {"a": 1}
