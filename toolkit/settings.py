"""The one typed settings object of the toolkit.

Values come from environment variables prefixed ``KELAS_`` (``OPENAI_API_KEY`` is also read),
then from an optional ``.env`` file in the working directory, then from the defaults below.
Nothing is built from these settings at import time: factories in ``toolkit.llm``,
``toolkit.embeddings`` and ``toolkit.index`` read them when a service is first needed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Provider = Literal["local", "openai", "openai-compatible"]
LocalModelName = Literal["gemma3-270m", "smollm2-135m"]
EmbeddingProvider = Literal["local", "openai"]
StructuredOutput = Literal["json_schema", "function_calling", "prompt"]
Language = Literal["id", "en"]


class Settings(BaseSettings):
    """Every setting of the toolkit, documented in ``.env.example``."""

    model_config = SettingsConfigDict(
        env_prefix="KELAS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Chat model
    provider: Provider = "local"
    model: str | None = Field(
        default=None,
        description="Model name for openai / openai-compatible (e.g. gpt-4o-mini, llama3.1:8b).",
    )
    base_url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1."
    )
    api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("KELAS_API_KEY", "OPENAI_API_KEY", "api_key"),
    )
    local_model: LocalModelName = "gemma3-270m"
    local_model_path: Path | None = Field(
        default=None, description="A GGUF file to run instead of the packaged model."
    )
    n_threads: int = Field(default=2, ge=1)
    n_ctx: int = Field(default=4096, ge=512)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    max_tokens: int = Field(default=512, ge=16)
    request_timeout: float = Field(default=60.0, gt=0)
    structured_attempts: int = Field(
        default=3, ge=1, le=6, description="Tries for valid structured output before reporting."
    )
    structured_output: StructuredOutput = Field(
        default="json_schema",
        description="How an openai / openai-compatible model is held to a JSON schema: json_schema "
        "(OpenAI, vLLM, Ollama, llama.cpp's llama-server), function_calling (llama-cpp-python's "
        "server, most servers with tool calls) or prompt (the schema is only asked for in the prompt).",
    )

    # Embeddings
    embeddings: EmbeddingProvider = "local"
    openai_embedding_model: str = "text-embedding-3-small"

    # Index
    data_dir: Path = Path(".kelas")
    index_path: Path | None = Field(default=None, description="Defaults to <data_dir>/index.")
    chroma_url: str | None = Field(default=None, description="Use a Chroma server instead of files.")
    collection: str = "kurikulum"
    corpora_path: Path = Path("corpora")

    # Materials library
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite at <data_dir>/library.db."
    )

    # App
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    language: Language = "id"
    workshop: bool = Field(default=False, description="Accounts and per-teacher libraries (shared server).")
    max_upload_mb: int = Field(default=20, ge=1, le=500)
    session_hours: float = Field(
        default=12.0, gt=0, le=24 * 30, description="Workshop mode: a login lasts this long, then asks again."
    )
    max_generations: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Generations running at once (default: 1 for the embedded model, 4 for a model server).",
    )
    generations_per_participant: int = Field(
        default=1, ge=1, le=8, description="Generations one participant may have running or waiting."
    )
    max_waiting_generations: int = Field(
        default=32, ge=0, le=1000, description="Generations that may wait for a turn; more are told to retry."
    )
    max_queue: int = Field(
        default=256, ge=8, le=10_000, description="Requests of any kind the server queues."
    )

    @property
    def resolved_index_path(self) -> Path:
        """Folder of the persistent Chroma index."""
        return self.index_path if self.index_path is not None else self.data_dir / "index"

    @property
    def model_cache_dir(self) -> Path:
        """Folder where the packaged GGUF model is assembled once."""
        return self.data_dir / "models"

    @property
    def running_generations(self) -> int:
        """Generations that run at once (``max_generations``, else by provider)."""
        if self.max_generations is not None:
            return self.max_generations
        return 1 if self.provider == "local" else 4

    def describe_provider(self) -> str:
        """A short human description of the chat model in use."""
        if self.provider == "local":
            return f"embedded {self.local_model} (llama.cpp, offline)"
        if self.provider == "openai":
            return f"OpenAI {self.model or 'gpt-4o-mini'}"
        return f"{self.model or '?'} at {self.base_url or '?'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once from the environment (tests build ``Settings`` directly)."""
    return Settings()
