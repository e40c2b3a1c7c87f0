"""The services a running toolkit needs, built lazily from one ``Settings`` (nothing at import).

Like private-gpt's components, each service is chosen by the settings and built by its factory
the first time it is asked for; the UI, the command line and the notebooks share one container.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.language_models.chat_models import BaseChatModel

    from toolkit.accounts import Accounts
    from toolkit.index.ingest import IngestReport
    from toolkit.index.retrieval import HybridRetriever
    from toolkit.index.store import CurriculumStore
    from toolkit.library import Library
    from toolkit.limits import GenerationGate


class Services:
    """Chat model, embeddings, index and retriever for one set of settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        llm: BaseChatModel | None = None,
        embeddings: Embeddings | None = None,
    ) -> None:
        """Services for ``settings``; a chat model or embeddings may be given ready-made."""
        self.settings = settings
        self._lock = threading.RLock()
        self._llm: BaseChatModel | None = llm
        self._embeddings: Embeddings | None = embeddings
        self._store: CurriculumStore | None = None
        self._retriever: HybridRetriever | None = None
        self._library: Library | None = None
        self._accounts: Accounts | None = None
        self._gate: GenerationGate | None = None

    def llm(self) -> BaseChatModel:
        """The chat model of the configured provider."""
        with self._lock:
            if self._llm is None:
                from toolkit.llm.factory import build_chat_model

                self._llm = build_chat_model(self.settings)
            return self._llm

    def embeddings(self) -> Embeddings:
        """The configured embeddings."""
        with self._lock:
            if self._embeddings is None:
                from toolkit.embeddings import build_embeddings, embedding_model_name
                from toolkit.index.embedding_cache import CachedEmbeddings

                self._embeddings = CachedEmbeddings(
                    build_embeddings(self.settings), embedding_model_name(self.settings)
                )
            return self._embeddings

    def store(self) -> CurriculumStore:
        """The curriculum index."""
        with self._lock:
            if self._store is None:
                from toolkit.embeddings import embedding_model_name
                from toolkit.index.store import open_store

                self._store = open_store(
                    self.settings, self.embeddings(), embedding_model_name(self.settings)
                )
            return self._store

    def retriever(self) -> HybridRetriever:
        """Hybrid retrieval over the curriculum index."""
        with self._lock:
            if self._retriever is None:
                from toolkit.index.retrieval import HybridRetriever

                self._retriever = HybridRetriever(self.store(), self.embeddings())
            return self._retriever

    def library(self) -> Library:
        """The materials library."""
        with self._lock:
            if self._library is None:
                from toolkit.library import Library

                self._library = Library.from_settings(self.settings)
            return self._library

    def accounts(self) -> Accounts:
        """Workshop accounts, stored in the library database (one object, so login throttling holds)."""
        with self._lock:
            if self._accounts is None:
                from toolkit.accounts import Accounts

                self._accounts = Accounts(self.library().engine)
            return self._accounts

    def gate(self) -> GenerationGate:
        """The slots for generations (``toolkit.limits``), one per running app."""
        with self._lock:
            if self._gate is None:
                from toolkit.limits import GenerationGate

                self._gate = GenerationGate(
                    running=self.settings.running_generations,
                    per_participant=self.settings.generations_per_participant,
                    waiting=self.settings.max_waiting_generations,
                )
            return self._gate

    def index(self, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
        """Bring the index up to date with ``paths`` (default: the corpora folder)."""
        from toolkit.index.ingest import index_paths

        targets = paths or [self.settings.corpora_path]
        return index_paths(targets, self.store(), self.embeddings(), progress=progress)
