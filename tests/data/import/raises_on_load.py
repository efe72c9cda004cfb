"""A model file whose loading fails (tests/import/check_import_failures.py)."""

from torch import nn

WIDTH = undefined_width * 2  # noqa: F821


def build():
    return nn.Linear(WIDTH, 4)
