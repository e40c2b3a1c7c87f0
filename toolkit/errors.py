"""Errors that carry one clear sentence for the teacher instead of a traceback."""

from __future__ import annotations


class ToolkitError(Exception):
    """Base error; ``str(error)`` is a complete sentence a teacher can act on."""


class ProviderError(ToolkitError):
    """The chat or embedding provider could not be used (down, wrong key, missing model)."""


class StructuredOutputError(ToolkitError):
    """The model did not return valid structured output after the allowed attempts."""

    def __init__(self, message: str, raw_outputs: list[str] | None = None) -> None:
        super().__init__(message)
        self.raw_outputs = raw_outputs or []


class IngestError(ToolkitError):
    """A document could not be read or indexed; nothing of it was added to the index."""


class IndexUnavailableError(ToolkitError):
    """The index could not be opened or queried."""
