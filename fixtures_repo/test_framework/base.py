"""The legacy base: forbidden as a test class's only base."""
import unittest


class BaseTestCase(unittest.TestCase):
    """Deprecated."""
