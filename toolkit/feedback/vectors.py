"""Text vectors for scoring: chunked, mean-pooled embeddings with an optional on-disk cache.

Long work (essays) is split into word windows so no part is cut off by the encoder's 512-token
limit; the window vectors are averaged and L2-normalised. The cache is a small SQLite table keyed
by a hash of (model, mode, text), so a long evaluation run can stop and resume.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

WINDOW_WORDS = 160


def word_windows(text: str, size: int = WINDOW_WORDS) -> list[str]:
    """Split ``text`` into windows of at most ``size`` words (one empty-ish window for empty text)."""
    words = text.split()
    if not words:
        return [" "]
    return [" ".join(words[start : start + size]) for start in range(0, len(words), size)]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class VectorCache:
    """Persistent text-to-vector cache (SQLite, one row per text)."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the cache at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._db.commit()

    @staticmethod
    def key(model: str, mode: str, text: str) -> str:
        """Cache key of one text."""
        return hashlib.sha1(f"{model}\x00{mode}\x00{text}".encode()).hexdigest()

    def get(self, key: str) -> np.ndarray | None:
        """The stored vector or ``None``."""
        with self._lock:
            row = self._db.execute("SELECT vector FROM vectors WHERE key = ?", (key,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def put(self, key: str, vector: np.ndarray) -> None:
        """Store one vector."""
        self.put_many([(key, vector)])

    def put_many(self, items: list[tuple[str, np.ndarray]]) -> None:
        """Store several vectors in one transaction."""
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                [(key, np.asarray(vector, dtype=np.float32).tobytes()) for key, vector in items],
            )
            self._db.commit()


class TextVectors:
    """Embeds texts as passages (pooled over word windows) or queries, with caching."""

    def __init__(
        self, embeddings: Embeddings, model_name: str = "e5-small", cache: VectorCache | None = None
    ) -> None:
        """Wrap LangChain ``embeddings``; ``cache`` is optional."""
        self.embeddings = embeddings
        self.model_name = model_name
        self.cache = cache

    def passages(
        self,
        texts: Sequence[str],
        window: int = WINDOW_WORDS,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """One pooled, normalised vector per text (rows in input order).

        Windows are built from the words, so texts that differ only in spacing share one vector
        (and one cache entry).
        """
        result: list[np.ndarray | None] = [None] * len(texts)
        mode = f"passage-w{window}"
        missing: list[int] = []
        for row, text in enumerate(texts):
            if self.cache is not None:
                result[row] = self.cache.get(VectorCache.key(self.model_name, mode, " ".join(text.split())))
            if result[row] is None:
                missing.append(row)
        done = len(texts) - len(missing)
        batch_size = 16
        for start in range(0, len(missing), batch_size):
            rows = missing[start : start + batch_size]
            windows = [word_windows(texts[row], window) for row in rows]
            flat = [piece for pieces in windows for piece in pieces]
            matrix = _normalise(np.asarray(self.embeddings.embed_documents(flat), dtype=np.float32))
            offset = 0
            fresh: list[tuple[str, np.ndarray]] = []
            for row, pieces in zip(rows, windows, strict=True):
                pooled = _normalise(matrix[offset : offset + len(pieces)].mean(axis=0))
                offset += len(pieces)
                result[row] = pooled
                fresh.append((VectorCache.key(self.model_name, mode, " ".join(texts[row].split())), pooled))
            if self.cache is not None:
                self.cache.put_many(fresh)
            done += len(rows)
            if progress is not None:
                progress(done, len(texts))
        return np.vstack([np.asarray(vector, dtype=np.float32) for vector in result])

    def query(self, text: str) -> np.ndarray:
        """A normalised query vector."""
        mode = "query"
        key = VectorCache.key(self.model_name, mode, text)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached
        vector = _normalise(np.asarray(self.embeddings.embed_query(text or " "), dtype=np.float32))
        if self.cache is not None:
            self.cache.put(key, vector)
        return vector
