"""The real driver the helper objects import."""


class Driver:
    def open(self):
        return self
