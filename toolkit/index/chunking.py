"""Split sections into retrievable chunks that follow headings and stay under a size limit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.index.documents import Section

MAX_CHUNK_CHARS = 1400
MIN_CHUNK_CHARS = 200


@dataclass
class Chunk:
    """One piece of a section, the unit that is embedded and retrieved."""

    heading: str
    text: str
    page: int | None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, and sentences of paragraphs that are longer than ``limit``."""
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            while len(sentence) > limit:
                pieces.append(sentence[:limit])
                sentence = sentence[limit:]
            if sentence.strip():
                pieces.append(sentence.strip())
    return pieces


def chunk_section(section: Section, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """A section as one chunk, or packed paragraphs when it is longer than ``max_chars``."""
    text = section.text.strip()
    if len(text) <= max_chars:
        return [Chunk(heading=section.heading, text=text, page=section.page)] if text else []
    chunks: list[Chunk] = []
    current: list[str] = []
    size = 0
    for piece in _pieces(text, max_chars):
        if current and size + len(piece) + 2 > max_chars:
            chunks.append(Chunk(section.heading, "\n\n".join(current), section.page))
            current, size = [], 0
        current.append(piece)
        size += len(piece) + 2
    if current:
        tail = "\n\n".join(current)
        if chunks and len(tail) < MIN_CHUNK_CHARS and len(chunks[-1].text) + len(tail) <= max_chars * 1.2:
            chunks[-1] = Chunk(section.heading, chunks[-1].text + "\n\n" + tail, section.page)
        else:
            chunks.append(Chunk(section.heading, tail, section.page))
    return chunks


def chunk_sections(sections: list[Section], max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """All chunks of a document, in reading order."""
    return [chunk for section in sections for chunk in chunk_section(section, max_chars)]
