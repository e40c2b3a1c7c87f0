"""Errors that carry one clear sentence for the teacher instead of a traceback."""

from __future__ import annotations

from pydantic import ValidationError


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


def validation_sentence(error: ValidationError, what: str = "") -> str:
    """The first problem of a pydantic ``ValidationError`` as one sentence (never the whole dump).

    ``what`` names the thing checked (``"rubric.json"``); the field's place is named when known.
    """
    problems = error.errors()
    message = str(problems[0]["msg"] if problems else "invalid value")
    message = message.removeprefix("Value error, ").strip().rstrip(".")
    where = ".".join(str(part) for part in (problems[0]["loc"] if problems else ()) if str(part))
    place = ", ".join(part for part in (what, where) if part)
    return f"{place}: {message}." if place else f"{message}."
