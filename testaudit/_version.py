"""The version, in a module of its own: everything may import it without importing the package."""
__version__ = "1.0.0"
