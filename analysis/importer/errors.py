"""The error the importer reports: one line, exit status 1, nothing written."""

from analysis.errors import AnalysisError


class ImportFailure(AnalysisError):
    """A source that cannot be read, or a model the importer cannot map, worded for the user."""


def unmappable(model: str, node: str, kind: str, why: str = "") -> ImportFailure:
    """The error for a node no dnnsim layer stands for (--allow-unknown passes it through)."""
    reason = f": {why}" if why else ""
    return ImportFailure(f"model '{model}': cannot map node '{node}' of type {kind}{reason} "
                         f"(--allow-unknown imports it as a pass-through identity layer)")
