"""Where a quiz's passages come from: the curriculum index, the teacher's own text, or a file."""

from __future__ import annotations

import math
import re
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.index.documents import MAX_UPLOAD_CHARS, load_document
from toolkit.index.lexical import tokenize
from toolkit.index.retrieval import HybridRetriever, SearchFilters
from toolkit.language import guess_language
from toolkit.quiz.models import Passage, QuizRequest

MAX_PASSAGE_CHARS = 1600
OFF_TOPIC_DOC_TYPES = frozenset({"cp"})
TOPIC_COVERAGE = 0.6
"""Share of the topic's words a passage must hold to be on the topic ("persamaan kuadrat" needs both)."""
"""Documents about the curriculum itself: quiz items are never built from them."""

MESSAGES = {
    "no_passages": {
        "id": "Tidak ada dokumen kurikulum yang cocok dengan topik “{topic}”. Coba kata lain, hapus filter, "
        "atau tempelkan teks sendiri.",
        "en": "No curriculum document matches the topic “{topic}”. Try other words, remove the filters, "
        "or paste your own text.",
    },
    "empty_text": {
        "id": "Teks sumber kosong; tempelkan teks atau unggah berkas yang berisi teks.",
        "en": "The source text is empty; paste a text or upload a file that contains text.",
    },
    "language": {
        "id": "Sumber tampaknya berbahasa {found}, sedangkan kuis diminta dalam bahasa {asked}; soal yang "
        "dibangun langsung dari teks mengutip sumber apa adanya.",
        "en": "The source looks like {found} while the quiz was asked for in {asked}; items built directly "
        "from the text quote the source as it is.",
    },
    "other_language": {
        "id": "Tidak ada dokumen dalam bahasa yang diminta; dipakai dokumen dalam bahasa lain.",
        "en": "No document in the requested language matched; documents in another language were used.",
    },
}
LANGUAGE_NAMES = {"id": {"id": "Indonesia", "en": "Inggris"}, "en": {"id": "Indonesian", "en": "English"}}


def message(key: str, language: str, **values: str) -> str:
    """One of the sentences above in the quiz's language."""
    return MESSAGES[key]["en" if language == "en" else "id"].format(**values)


def split_long(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Paragraph-aligned pieces of at most about ``limit`` characters."""
    pieces: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if current and len(current) + len(paragraph) > limit:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
    if current.strip():
        pieces.append(current)
    return pieces


def passages_from_text(text: str, label: str) -> list[Passage]:
    """Passages of the teacher's own text, cited by paragraph block."""
    pieces = split_long(text)
    return [
        Passage(
            id=f"P{number}", text=piece, citation=f"{label}, bagian {number}" if len(pieces) > 1 else label
        )
        for number, piece in enumerate(pieces, 1)
    ]


def passages_from_file(path: Path) -> list[Passage]:
    """Passages of an uploaded file, cited by file, page and section (``IngestError`` if unreadable)."""
    document = load_document(path, max_chars=MAX_UPLOAD_CHARS)
    passages: list[Passage] = []
    for section in document.sections:
        for piece in split_long(section.text):
            parts = [path.name]
            if section.page:
                parts.append(f"hlm. {section.page}")
            if section.heading and section.heading != document.info.title:
                parts.append(f"§ {section.heading}")
            passages.append(
                Passage(id=f"P{len(passages) + 1}", text=piece, citation=", ".join(parts), source=str(path))
            )
    return passages


def passages_from_index(request: QuizRequest, retriever: HybridRetriever) -> tuple[list[Passage], list[str]]:
    """Retrieved passages for the request's topic, in its language when possible."""
    notes: list[str] = []
    filters = SearchFilters(
        subject=request.subject, fase=request.fase, kelas=request.kelas, language=request.language
    )
    hits = retriever.search(request.query, k=request.k, filters=filters)
    if not hits:
        hits = retriever.search(
            request.query, k=request.k, filters=filters.model_copy(update={"language": None})
        )
        if hits:
            notes.append(message("other_language", request.language))
    wanted = {token for token in tokenize(request.query) if len(token) >= 3}
    needed = math.ceil(TOPIC_COVERAGE * len(wanted))
    on_topic = [
        hit
        for hit in hits
        if str(hit.metadata.get("doc_type", "")).lower() not in OFF_TOPIC_DOC_TYPES
        and len(wanted & set(tokenize(f"{hit.citation.title} {hit.citation.heading} {hit.text}"))) >= needed
    ]
    passages = [
        Passage(id=f"P{number}", text=hit.text, citation=hit.citation.label(), source=hit.citation.source)
        for number, hit in enumerate(on_topic, 1)
    ]
    return passages, notes


def gather_passages(
    request: QuizRequest, retriever: HybridRetriever | None
) -> tuple[list[Passage], list[str]]:
    """The passages items are built from, and notes for the teacher (language mismatch and such)."""
    notes: list[str] = []
    if request.source_text is not None and request.source_text.strip():
        label = "teks guru" if request.language == "id" else "teacher's text"
        passages = passages_from_text(request.source_text, label)
    elif request.source_file:
        passages = passages_from_file(Path(request.source_file))
    elif request.source_text is not None:
        raise ToolkitError(message("empty_text", request.language))
    else:
        if retriever is None:
            raise ToolkitError(message("no_passages", request.language, topic=request.query))
        passages, notes = passages_from_index(request, retriever)
    if not passages:
        raise ToolkitError(message("no_passages", request.language, topic=request.query or "-"))
    found = guess_language(" ".join(p.text for p in passages))
    if found is not None and found != request.language:
        names = LANGUAGE_NAMES
        notes.append(
            message(
                "language",
                request.language,
                found=names[request.language][found],
                asked=names[request.language][request.language],
            )
        )
    return passages, notes
