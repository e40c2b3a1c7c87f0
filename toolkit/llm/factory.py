"""Build the chat model chosen by the settings: embedded, OpenAI or any OpenAI-compatible server.

A provider that is not the embedded model gets every request through the privacy guard
(``toolkit.llm.guard``): personal data are masked before they leave, restored in the answer.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from toolkit.errors import ProviderError
from toolkit.llm import runtime
from toolkit.llm.local_chat import LocalChatModel
from toolkit.settings import Settings

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def _server_chat_model(settings: Settings, **options: Any) -> BaseChatModel:
    """A chat model on an OpenAI or OpenAI-compatible server (``toolkit.llm.server_chat``)."""
    from toolkit.llm.server_chat import ServerChatModel

    return ServerChatModel(
        structured_output=settings.structured_output,
        classic_max_tokens=settings.provider == "openai-compatible",
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,  # type: ignore[call-arg]
        timeout=settings.request_timeout,
        max_retries=1,
        **options,
    )


def build_local_chat_model(settings: Settings) -> LocalChatModel:
    """The embedded llama.cpp model (loaded lazily on its first call)."""
    return LocalChatModel(
        model_path=runtime.model_path(settings),
        model_name=settings.local_model,
        chat_format=settings.local_model == "smollm2-135m",
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


def build_chat_model(settings: Settings) -> BaseChatModel:
    """One LangChain chat model for the configured provider."""
    if settings.provider == "local":
        return build_local_chat_model(settings)

    api_key = settings.api_key.get_secret_value() if settings.api_key else None
    if settings.provider == "openai":
        if not api_key:
            raise ProviderError(
                "KELAS_PROVIDER is 'openai' but no API key is set; put OPENAI_API_KEY=... in "
                "your .env file, or set KELAS_PROVIDER=local to work offline."
            )
        return _server_chat_model(
            settings,
            model=settings.model or DEFAULT_OPENAI_MODEL,
            api_key=api_key,
            base_url=settings.base_url,
        )
    if not settings.base_url:
        raise ProviderError(
            "KELAS_PROVIDER is 'openai-compatible' but KELAS_BASE_URL is not set; give the "
            "server's address, for example http://localhost:11434/v1 for Ollama."
        )
    if not settings.model:
        raise ProviderError(
            "KELAS_PROVIDER is 'openai-compatible' but KELAS_MODEL is not set; give the model "
            "name the server offers, for example llama3.1:8b."
        )
    return _server_chat_model(
        settings, model=settings.model, api_key=api_key or "not-needed", base_url=settings.base_url
    )
