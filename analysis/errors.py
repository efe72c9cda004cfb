"""Errors: the one exception the analysis scripts report to the user.

An `AnalysisError` is a problem with the user's input (a missing file, a CSV without the
contract's columns, a selection that holds no configuration or several where one is
needed). The command-line scripts print its message on one line, prefixed with the
script's name, and exit with status 1: no traceback, nothing half-written.
"""


class AnalysisError(Exception):
    """A problem with the input, worded for the user; the scripts exit with status 1."""
