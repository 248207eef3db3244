"""Errors the doors (CLI, DAGs) turn into a clear message and a non-zero exit."""


class NarrmonError(Exception):
    """A fatal, explained error: bad configuration, unreachable database, bad input."""
