"""The order function as the tests deploy it: its source is data, its helper is test code.

Business Value Justification (BVJ):
- Segment: Enterprise
- Business Goal: Retention
- Value Impact: orders placed through the serverless path are stored
- Strategic Impact: the deployment the customers use is the one tested
"""
from pathlib import Path

from scenarios.deployed_sources.deploy_helpers import deploy

HANDLER = Path(__file__).parent / "functions" / "order_handler.py"


def test_the_function_stores_an_order():
    function = deploy(HANDLER.read_text())
    assert function.invoke({"order": 1})["stored"] is True
