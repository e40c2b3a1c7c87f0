"""Grounding a plan in the curriculum index (and the teacher's own document, for this plan only).

The CP is quoted verbatim from a chunk whose ``doc_type`` is ``cp`` and whose fase is exactly the
requested one; when there is none the plan says so and nothing is invented. A topic that shares
no word with any passage for the subject and fase is refused with a clear sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.index.chunking import chunk_sections
from toolkit.index.documents import MAX_UPLOAD_CHARS, load_document
from toolkit.index.lexical import BM25Index, tokenize
from toolkit.index.retrieval import Citation, Hit, HybridRetriever, SearchFilters
from toolkit.lessons.models import CPContent, LessonInputError, LessonRequest, SourceRef

CP_QUOTE_CHARS = 900
EXCERPT_CHARS = 600

_MESSAGES = {
    "cp_missing": {
        "id": "CP {subject} Fase {fase} tidak ditemukan di indeks kurikulum; rencana ini tidak mengutip CP. "
        "Tambahkan dokumen CP resmi ke indeks (kelas index) lalu buat ulang.",
        "en": "The CP for {subject} fase {fase} was not found in the curriculum index; this plan quotes no CP. "
        "Add the official CP document to the index (kelas index) and generate again.",
    },
    "no_documents": {
        "id": "Indeks kurikulum tidak memuat dokumen {subject} Fase {fase}. Pilih fase lain, tambahkan "
        "dokumen ke indeks, atau unggah dokumen sendiri.",
        "en": "The curriculum index holds no {subject} documents for fase {fase}. Choose another fase, add "
        "documents to the index, or upload your own document.",
    },
    "no_topic": {
        "id": "Topik '{topic}' tidak cocok dengan dokumen kurikulum {subject} Fase {fase} di indeks. Periksa "
        "ejaannya, pakai kata lain, atau unggah dokumen sendiri tentang topik itu.",
        "en": "The topic '{topic}' matches no {subject} curriculum document for fase {fase} in the index. "
        "Check the spelling, try other words, or upload your own document on the topic.",
    },
}


def message(key: str, language: str, **values: object) -> str:
    """One of this module's sentences in ``language``."""
    return _MESSAGES[key]["en" if language == "en" else "id"].format(**values)


def source_ref(hit: Hit, origin: str = "index") -> SourceRef:
    """A short reference to a retrieved passage."""
    text = hit.text if len(hit.text) <= EXCERPT_CHARS else hit.text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return SourceRef(
        label=hit.citation.label(),
        source=hit.citation.source,
        excerpt=text,
        origin="teacher-document" if origin == "teacher-document" else "index",
    )


@dataclass
class TeacherDocument:
    """The teacher's own document, searchable with BM25 for one plan only."""

    name: str
    hits: list[Hit]
    _index: BM25Index | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: Path) -> TeacherDocument:
        """Read a PDF/DOCX/MD/TXT file (``IngestError`` with a clear sentence when unreadable)."""
        document = load_document(path, max_chars=MAX_UPLOAD_CHARS)
        hits = [
            Hit(
                chunk_id=f"teacher:{number}",
                text=chunk.text,
                score=0.0,
                citation=Citation(
                    source=path.name, title=document.info.title, heading=chunk.heading, page=chunk.page
                ),
                metadata={"source": path.name, "doc_type": "teacher-document"},
            )
            for number, chunk in enumerate(chunk_sections(document.sections))
        ]
        return cls(name=path.name, hits=hits)

    def search(self, query: str, k: int) -> list[Hit]:
        """The ``k`` chunks with the best BM25 score for ``query``."""
        if self._index is None:
            self._index = BM25Index([f"{hit.citation.heading}\n{hit.text}" for hit in self.hits])
        scored = sorted(self._index.scores(query).items(), key=lambda item: item[1], reverse=True)
        return [self.hits[position].model_copy(update={"score": score}) for position, score in scored[:k]]


class Grounding:
    """Retrieval for one plan: the CP quote, topic passages and per-section passages."""

    def __init__(
        self,
        request: LessonRequest,
        retriever: HybridRetriever,
        teacher_document: TeacherDocument | None = None,
    ) -> None:
        self.request = request
        self.retriever = retriever
        self.teacher_document = teacher_document
        self.filters = SearchFilters(subject=request.subject, fase=request.fase)

    def cp(self) -> tuple[CPContent, list[SourceRef]]:
        """The CP quoted from the index with its citation, or a 'not found' statement."""
        request = self.request
        query = f"Capaian Pembelajaran {request.subject_name} Fase {request.fase} secara umum {request.topic}"
        hits = [
            hit
            for hit in self.retriever.search(query, k=12, filters=self.filters)
            if str(hit.metadata.get("doc_type", "")).lower() == "cp"
            and hit.metadata.get("fase") == request.fase
        ]
        if not hits:
            text = message("cp_missing", request.language, subject=request.subject_name, fase=request.fase)
            return CPContent(found=False, message=text), []
        general = [hit for hit in hits if "umum" in hit.citation.heading.lower()]
        chosen = (general or hits)[0]
        quote = chosen.text.strip()
        if len(quote) > CP_QUOTE_CHARS:
            quote = quote[:CP_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        topical = [hit for hit in hits if hit.chunk_id != chosen.chunk_id and self._mentions_topic(hit)]
        sources = [source_ref(chosen)] + [source_ref(hit) for hit in topical[:1]]
        return CPContent(found=True, quote=quote, citation=chosen.citation.label()), sources

    def topic_tokens(self) -> set[str]:
        """Stemmed content words of the topic."""
        return {token for token in tokenize(self.request.topic) if len(token) >= 3}

    def _mentions_topic(self, hit: Hit) -> bool:
        tokens = self.topic_tokens()
        words = set(tokenize(f"{hit.citation.title} {hit.citation.heading} {hit.text}"))
        return bool(tokens & words)

    def check_topic(self) -> list[SourceRef]:
        """Passages on the topic; ``LessonInputError`` when the index has nothing that matches it."""
        request = self.request
        hits = self.retriever.search(request.topic, k=8, filters=self.filters)
        if self.teacher_document is not None:
            hits = self.teacher_document.search(request.topic, 2) + hits
        if not hits:
            raise LessonInputError(
                message("no_documents", request.language, subject=request.subject_name, fase=request.fase)
            )
        matching = [hit for hit in hits if self._mentions_topic(hit)]
        if not matching:
            raise LessonInputError(
                message(
                    "no_topic",
                    request.language,
                    topic=request.topic,
                    subject=request.subject_name,
                    fase=request.fase,
                )
            )
        return [self._ref(hit) for hit in matching[:3]]

    def _ref(self, hit: Hit) -> SourceRef:
        origin = "teacher-document" if hit.chunk_id.startswith("teacher:") else "index"
        return source_ref(hit, origin)

    def passages_for(self, hint: str, k: int = 2) -> list[SourceRef]:
        """Passages for one section: the topic plus the section's hint, teacher document first."""
        query = f"{self.request.topic} {hint}".strip()
        found: list[Hit] = []
        if self.teacher_document is not None:
            found.extend(self.teacher_document.search(query, 1))
        hits = self.retriever.search(query, k=k + 2, filters=self.filters)
        on_topic = [hit for hit in hits if self._mentions_topic(hit)] or hits
        found.extend(on_topic[: max(0, k - len(found))] if found else on_topic[:k])
        return [self._ref(hit) for hit in found[:k]]


def format_sources(sources: list[SourceRef], max_chars: int = 500, labels: bool = False) -> str:
    """Numbered passages for a prompt; file labels only when asked (the tiny model copies them as text)."""
    blocks = []
    for number, source in enumerate(sources, start=1):
        text = re.sub(r"\s+", " ", source.excerpt)
        if len(text) > max_chars:
            text = text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f"[{number}] ({source.label}) {text}" if labels else f"[{number}] {text}")
    return "\n".join(blocks) if blocks else "-"
