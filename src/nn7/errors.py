"""Errors a user can cause (bad data, bad arguments): one clear line, no traceback."""


class Nn7Error(Exception):
    """A problem with the user's input; ``str(err)`` is the whole message, one line."""


class DivergenceError(Nn7Error):
    """Training produced a non-finite loss or parameter."""

    def __init__(self, message: str, iteration: int, epoch: int):
        super().__init__(message)
        self.iteration = iteration
        self.epoch = epoch
