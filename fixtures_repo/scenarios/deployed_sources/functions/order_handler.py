"""The function's source, shipped to the stack as text: no test imports it, so it is not test
code, and the environment is the function's own configuration."""
import os

TABLE = os.environ["ORDERS_TABLE"]


def handler(event, context):
    return {"stored": TABLE is not None and bool(event)}
