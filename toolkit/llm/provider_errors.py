"""Provider failures: the one test of what counts as one, and one clear sentence for each.

``is_provider_failure`` is the only place that decides whether an exception raised while asking a
model means the provider failed (server down, refused key, timeout, llama.cpp crash), so the tool
stops or continues without the model, or that the model's output was unusable, so the tool drops
the draft and repairs or falls back. Every tool (lessons, quiz, enrichment, the command line) asks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from toolkit.errors import ProviderError, StructuredOutputError, ToolkitError
from toolkit.settings import Settings

T = TypeVar("T")

UNUSABLE_OUTPUT: tuple[type[Exception], ...] = (StructuredOutputError, ValueError, TypeError, IndexError)
"""Exceptions that mean the model answered but its answer could not be used (never a provider failure):
no valid structured output after the allowed tries, or a draft that does not make a valid item."""


def is_provider_failure(exc: BaseException) -> bool:
    """Whether ``exc`` means the model provider failed rather than that its output was unusable."""
    return not isinstance(exc, UNUSABLE_OUTPUT)


def as_provider_error(exc: BaseException, settings: Settings | None) -> ToolkitError:
    """``exc`` as an error with one clear sentence: toolkit errors as they are, others explained."""
    if isinstance(exc, ToolkitError):
        return exc
    if settings is not None:
        return explain_provider_error(exc, settings)
    return ProviderError(f"The model could not answer: {type(exc).__name__}: {str(exc)[:200]}")


def explain_provider_error(exc: BaseException, settings: Settings) -> ProviderError:
    """A ``ProviderError`` whose message says what happened and what to do."""
    if isinstance(exc, ProviderError):
        return exc
    import openai

    where = settings.base_url or "the OpenAI API"
    model = settings.model or "(no model set)"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ProviderError(
            f"The model provider at {where} refused the API key; check KELAS_API_KEY "
            "(or OPENAI_API_KEY) in your .env file."
        )
    if isinstance(exc, openai.NotFoundError):
        return ProviderError(
            f"The model '{model}' was not found at {where}; check KELAS_MODEL against the "
            "models that server offers."
        )
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError(
            f"The model provider at {where} did not answer within {settings.request_timeout:.0f} "
            "seconds; try again, or raise KELAS_REQUEST_TIMEOUT."
        )
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(
            f"Cannot reach the model server at {where}; check that it is running and that "
            "KELAS_BASE_URL is right, or set KELAS_PROVIDER=local to work offline."
        )
    if isinstance(exc, openai.RateLimitError):
        return ProviderError(
            f"The model provider at {where} says the rate limit or quota is used up; wait a "
            "minute or check the account's credit."
        )
    if (
        isinstance(exc, openai.APIStatusError)
        and settings.structured_output == "json_schema"
        and "json_schema" in str(exc)
    ):
        return ProviderError(
            f"The model server at {where} does not take OpenAI's json_schema output format "
            f"(HTTP {exc.status_code}); set KELAS_STRUCTURED_OUTPUT=function_calling (llama-cpp-python's "
            "server) or KELAS_STRUCTURED_OUTPUT=prompt."
        )
    if isinstance(exc, openai.APIStatusError):
        return ProviderError(
            f"The model provider at {where} answered with an error (HTTP {exc.status_code}); "
            "try again later or check the server's log."
        )
    return ProviderError(f"The model could not answer: {type(exc).__name__}: {exc}")


def call_provider(settings: Settings, call: Callable[[], T]) -> T:
    """Run ``call`` and re-raise any provider failure as a clear ``ProviderError``."""
    try:
        return call()
    except ToolkitError:
        raise
    except Exception as exc:
        raise as_provider_error(exc, settings) from exc
