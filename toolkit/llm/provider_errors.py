"""Turn provider exceptions (OpenAI client, HTTP, llama.cpp) into one clear sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from toolkit.errors import ProviderError, ToolkitError
from toolkit.settings import Settings

T = TypeVar("T")


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
        raise explain_provider_error(exc, settings) from exc
