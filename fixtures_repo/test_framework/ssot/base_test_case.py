"""SSOT bases: accepted in every category."""
import unittest


class SSotBaseTestCase(unittest.TestCase):
    """Isolated environment, metrics, cleanup."""


class SSotAsyncTestCase(unittest.IsolatedAsyncioTestCase):
    """The async variant."""
