"""One module per rule. Adding a module here adds a rule (see :mod:`testaudit.registry`)."""
