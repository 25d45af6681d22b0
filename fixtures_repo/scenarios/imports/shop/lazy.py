"""Names resolved on first access (PEP 562)."""


def __getattr__(name):
    raise AttributeError(name)
