"""Hybrid retrieval: dense vectors from Chroma fused with BM25, filters, and citations on every hit."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import BaseModel, ConfigDict

from toolkit.index.lexical import BM25Index
from toolkit.index.metadata import normalise_fase, normalise_subject
from toolkit.index.store import CurriculumStore, Metadata

RetrievalMode = Literal["hybrid", "dense", "lexical"]


class Citation(BaseModel):
    """Where a passage comes from: file, page and section heading."""

    source: str
    title: str = ""
    heading: str = ""
    page: int | None = None

    def label(self) -> str:
        """``file.md, p. 3, § Heading`` for display next to a passage."""
        name = self.source.rsplit("/", 1)[-1]
        parts = [name]
        if self.page:
            parts.append(f"hlm. {self.page}")
        if self.heading and self.heading != self.title:
            parts.append(f"§ {self.heading}")
        return ", ".join(parts)


class Hit(BaseModel):
    """One retrieved passage with its score and citation."""

    chunk_id: str
    text: str
    score: float
    citation: Citation
    metadata: dict[str, Any]


class SearchFilters(BaseModel):
    """Optional filters; a ``fase`` filter also keeps documents meant for every fase."""

    subject: str | None = None
    fase: str | None = None
    kelas: int | None = None
    language: str | None = None

    def normalised(self) -> SearchFilters:
        """Subject slug and fase letter, whatever spelling the user typed."""
        return SearchFilters(
            subject=normalise_subject(self.subject) or (self.subject or None),
            fase=normalise_fase(self.fase),
            kelas=self.kelas,
            language=(self.language or None),
        )

    def chroma_where(self) -> dict[str, Any] | None:
        """The same filters as a Chroma ``where`` clause."""
        clauses: list[dict[str, Any]] = []
        if self.subject:
            clauses.append({"subject": self.subject})
        if self.fase and self.fase != "semua":
            clauses.append({"fase": {"$in": [self.fase, "semua"]}})
        if self.kelas is not None:
            clauses.append({"kelas_min": {"$lte": self.kelas}})
            clauses.append({"kelas_max": {"$gte": self.kelas}})
        if self.language:
            clauses.append({"language": self.language})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, metadata: Metadata) -> bool:
        """Whether a chunk's metadata passes the filters (used for the lexical side)."""
        if self.subject and metadata.get("subject") != self.subject:
            return False
        if self.fase and self.fase != "semua" and metadata.get("fase") not in (self.fase, "semua"):
            return False
        if self.kelas is not None and not (
            int(metadata.get("kelas_min", 0)) <= self.kelas <= int(metadata.get("kelas_max", 99))
        ):
            return False
        return not (self.language and metadata.get("language") != self.language)


def lexical_text(text: str, metadata: Metadata) -> str:
    """Title, heading and text: what BM25 sees of a chunk (the same as what is embedded)."""
    title, heading = str(metadata.get("title", "")), str(metadata.get("heading", ""))
    parts = [p for p in (title, heading if heading != title else "") if p]
    return "\n".join([*parts, text])


def citation_for(metadata: Metadata) -> Citation:
    """The citation stored in a chunk's metadata."""
    page = int(metadata.get("page", 0) or 0)
    return Citation(
        source=str(metadata.get("source", "")),
        title=str(metadata.get("title", "")),
        heading=str(metadata.get("heading", "")),
        page=page or None,
    )


class HybridRetriever:
    """Dense search in Chroma plus BM25 over the same chunks, fused by a weighted score."""

    def __init__(
        self,
        store: CurriculumStore,
        embeddings: Embeddings,
        *,
        mode: RetrievalMode = "hybrid",
        dense_weight: float = 0.85,
        candidates: int = 20,
    ) -> None:
        self.store = store
        self.embeddings = embeddings
        self.mode = mode
        self.dense_weight = dense_weight
        self.candidates = candidates
        self._lexical: tuple[tuple[int, int], BM25Index, list[tuple[str, str, Metadata]]] | None = None
        self._lock = threading.Lock()

    def _lexical_index(self) -> tuple[BM25Index, list[tuple[str, str, Metadata]]]:
        key = (self.store.revision, self.store.count())
        with self._lock:
            if self._lexical is None or self._lexical[0] != key:
                rows = self.store.all_chunks()
                index = BM25Index([lexical_text(text, meta) for _, text, meta in rows])
                self._lexical = (key, index, rows)
            return self._lexical[1], self._lexical[2]

    def _lexical_candidates(
        self, query: str, filters: SearchFilters
    ) -> dict[str, tuple[float, str, Metadata]]:
        index, rows = self._lexical_index()
        scored = [
            (score, rows[position])
            for position, score in index.scores(query).items()
            if filters.matches(rows[position][2])
        ]
        scored.sort(key=lambda item: item[0], reverse=True)
        return {row[0]: (score, row[1], row[2]) for score, row in scored[: self.candidates]}

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        """The ``k`` best passages for ``query``, best first."""
        if not query.strip():
            return []
        active = (filters or SearchFilters()).normalised()
        if self.mode == "lexical":
            lexical = self._lexical_candidates(query, active)
            ranked = sorted(lexical.items(), key=lambda item: item[1][0], reverse=True)
            return [
                Hit(chunk_id=cid, text=text, score=score, citation=citation_for(meta), metadata=meta)
                for cid, (score, text, meta) in ranked[:k]
            ]
        vector = self.embeddings.embed_query(query)
        dense_rows = self.store.query(vector, max(k, self.candidates), active.chroma_where())
        dense = {cid: (sim, text, meta) for cid, text, meta, sim in dense_rows}
        if self.mode == "dense":
            ranked_dense = sorted(dense.items(), key=lambda item: item[1][0], reverse=True)
            return [
                Hit(chunk_id=cid, text=text, score=sim, citation=citation_for(meta), metadata=meta)
                for cid, (sim, text, meta) in ranked_dense[:k]
            ]
        lexical = self._lexical_candidates(query, active)
        missing = [cid for cid in lexical if cid not in dense]
        for cid, stored in self.store.vectors(missing).items():
            sim = sum(a * b for a, b in zip(vector, stored, strict=False))
            dense[cid] = (sim, lexical[cid][1], lexical[cid][2])
        return self._fuse(dense, lexical, k)

    def _fuse(
        self,
        dense: dict[str, tuple[float, str, Metadata]],
        lexical: dict[str, tuple[float, str, Metadata]],
        k: int,
    ) -> list[Hit]:
        sims = [value[0] for value in dense.values()]
        low, high = (min(sims), max(sims)) if sims else (0.0, 1.0)
        spread = (high - low) or 1.0
        top_lexical = max((value[0] for value in lexical.values()), default=0.0) or 1.0
        fused: list[tuple[float, str, str, Metadata]] = []
        for cid, (sim, text, meta) in dense.items():
            dense_part = (sim - low) / spread
            lexical_part = lexical[cid][0] / top_lexical if cid in lexical else 0.0
            score = self.dense_weight * dense_part + (1 - self.dense_weight) * lexical_part
            fused.append((score, cid, text, meta))
        fused.sort(key=lambda item: item[0], reverse=True)
        return [
            Hit(chunk_id=cid, text=text, score=score, citation=citation_for(meta), metadata=meta)
            for score, cid, text, meta in fused[:k]
        ]


class CurriculumRetriever(BaseRetriever):
    """LangChain retriever over ``HybridRetriever``; citations ride in each Document's metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 5
    filters: SearchFilters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(hit) for hit in self.retriever.search(query, self.k, self.filters)]


def hit_to_document(hit: Hit) -> Document:
    """A LangChain ``Document`` carrying the hit's citation label and score."""
    metadata = dict(hit.metadata)
    metadata.update({"citation": hit.citation.label(), "score": hit.score, "chunk_id": hit.chunk_id})
    return Document(page_content=hit.text, metadata=metadata)


def format_passages(hits: Sequence[Hit], max_chars: int = 900) -> str:
    """Numbered passages with citations, as they are put into prompts."""
    blocks = []
    for number, hit in enumerate(hits, start=1):
        text = hit.text if len(hit.text) <= max_chars else hit.text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{number}] ({hit.citation.label()})\n{text}")
    return "\n\n".join(blocks)
