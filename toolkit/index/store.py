"""The Chroma collection that holds the curriculum index, on disk or on a Chroma server.

Chroma is always given our own embedding function, so it never falls back to its default one
(which would download a model). Vectors are computed by ``toolkit.embeddings`` and passed in.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from langchain_core.embeddings import Embeddings

from toolkit.errors import IndexUnavailableError
from toolkit.settings import Settings

Metadata = dict[str, str | int | float | bool]


class LangChainEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function backed by a LangChain ``Embeddings`` (never a download)."""

    def __init__(self, embeddings: Embeddings | None = None, model_name: str = "") -> None:
        self._embeddings = embeddings
        self._model_name = model_name

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        if self._embeddings is None:
            raise IndexUnavailableError("This index was opened without an embedding model.")
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self._embeddings.embed_documents(list(input))]

    def embed_query(self, input: Documents) -> ChromaEmbeddings:
        if self._embeddings is None:
            raise IndexUnavailableError("This index was opened without an embedding model.")
        import numpy as np

        return [np.asarray(self._embeddings.embed_query(text), dtype=np.float32) for text in input]

    @staticmethod
    def name() -> str:
        return "kelas-langchain"

    def get_config(self) -> dict[str, Any]:
        return {"model_name": self._model_name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LangChainEmbeddingFunction:
        return LangChainEmbeddingFunction(None, str(config.get("model_name", "")))

    def default_space(self) -> Any:
        return "cosine"


class CurriculumStore:
    """Thin wrapper over one Chroma collection with the operations the indexer needs."""

    def __init__(self, collection: Any, embedding_model: str) -> None:
        self.collection = collection
        self.embedding_model = embedding_model
        self.revision = 0
        self._lock = threading.Lock()

    def count(self) -> int:
        """Number of chunks in the index."""
        return int(self.collection.count())

    def file_hashes(self) -> dict[str, str]:
        """Content hash of every indexed source file, from the chunks' metadata."""
        hashes: dict[str, str] = {}
        for metadata in self.all_metadatas():
            source = str(metadata.get("source", ""))
            if source and source not in hashes:
                hashes[source] = str(metadata.get("content_hash", ""))
        return hashes

    def all_metadatas(self) -> list[Metadata]:
        """Metadata of every chunk (paged, so large indexes do not hit request limits)."""
        return [m for _, _, m in self.all_chunks(include_documents=False)]

    def all_chunks(self, include_documents: bool = True) -> list[tuple[str, str, Metadata]]:
        """``(id, text, metadata)`` of every chunk."""
        rows: list[tuple[str, str, Metadata]] = []
        offset, page = 0, 2000
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        while True:
            batch = self.collection.get(include=include, limit=page, offset=offset)
            ids = batch["ids"]
            docs = batch.get("documents") or [""] * len(ids)
            for chunk_id, text, metadata in zip(ids, docs, batch["metadatas"] or [], strict=False):
                rows.append((chunk_id, text or "", dict(metadata or {})))
            if len(ids) < page:
                return rows
            offset += page

    def replace_source(
        self,
        source: str,
        ids: Sequence[str],
        texts: Sequence[str],
        vectors: Sequence[Sequence[float]],
        metadatas: Sequence[Metadata],
    ) -> None:
        """Swap every chunk of ``source`` for the given ones; on failure none of them stays."""
        with self._lock:
            self.collection.delete(where={"source": source})
            try:
                for start in range(0, len(ids), 500):
                    end = start + 500
                    self.collection.add(
                        ids=list(ids[start:end]),
                        documents=list(texts[start:end]),
                        embeddings=[list(v) for v in vectors[start:end]],
                        metadatas=[dict(m) for m in metadatas[start:end]],
                    )
            except Exception:
                self.collection.delete(where={"source": source})
                raise
            finally:
                self.revision += 1

    def delete_source(self, source: str) -> None:
        """Remove every chunk of ``source``."""
        with self._lock:
            self.collection.delete(where={"source": source})
            self.revision += 1

    def query(
        self, vector: Sequence[float], k: int, where: dict[str, Any] | None
    ) -> list[tuple[str, str, Metadata, float]]:
        """Nearest chunks as ``(id, text, metadata, cosine similarity)``."""
        total = self.count()
        if total == 0:
            return []
        result = self.collection.query(
            query_embeddings=[list(vector)],
            n_results=min(k, total),
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        rows = []
        for chunk_id, text, metadata, distance in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=False,
        ):
            rows.append((chunk_id, text or "", dict(metadata or {}), 1.0 - float(distance)))
        return rows

    def vectors(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of the given chunk ids."""
        if not ids:
            return {}
        result = self.collection.get(ids=list(ids), include=["embeddings"])
        return {
            chunk_id: [float(x) for x in vector]
            for chunk_id, vector in zip(result["ids"], result["embeddings"], strict=False)
        }


def chroma_client(settings: Settings) -> Any:
    """A Chroma client: HTTP when ``KELAS_CHROMA_URL`` is set, else files at the index path."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise IndexUnavailableError(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({type(exc).__name__}); "
                "check that it is running, or unset KELAS_CHROMA_URL to use the local index."
            ) from exc
    path = settings.resolved_index_path
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def open_store(
    settings: Settings, embeddings: Embeddings, embedding_model: str, collection_name: str | None = None
) -> CurriculumStore:
    """Open (or create) the curriculum collection; refuse to mix vectors of two models."""
    client = chroma_client(settings)
    name = collection_name or settings.collection
    function = LangChainEmbeddingFunction(embeddings, embedding_model)
    try:
        collection = client.get_or_create_collection(
            name=name,
            embedding_function=function,
            metadata={"hnsw:space": "cosine", "embedding_model": embedding_model},
        )
    except Exception as exc:
        raise IndexUnavailableError(
            f"The index '{name}' could not be opened ({type(exc).__name__}: {str(exc)[:160]})."
        ) from exc
    stored_model = (collection.metadata or {}).get("embedding_model")
    if stored_model and stored_model != embedding_model:
        raise IndexUnavailableError(
            f"The index '{name}' was built with {stored_model}, but the settings ask for "
            f"{embedding_model}; run 'kelas index --rebuild' to build it again."
        )
    return CurriculumStore(collection, embedding_model)


def reset_collection(settings: Settings, collection_name: str | None = None) -> None:
    """Delete the collection so the next ``open_store`` starts empty."""
    client = chroma_client(settings)
    name = collection_name or settings.collection
    try:
        client.delete_collection(name)
    except Exception:  # a missing collection is already reset
        return
