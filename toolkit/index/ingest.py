"""Incremental indexing: a content hash per file, so unchanged files are never embedded again.

Changed files are replaced whole, files deleted from an indexed folder are removed, and a file
that cannot be read is rejected with a clear message while the other files go on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from toolkit.errors import IngestError, ToolkitError
from toolkit.index.chunking import Chunk, chunk_sections
from toolkit.index.documents import SUPPORTED_SUFFIXES, LoadedDocument, load_document
from toolkit.index.store import CurriculumStore, Metadata

CHUNKER_VERSION = "1"
"""Part of every content hash: changing the chunker re-indexes every file once."""

Status = Literal["added", "updated", "unchanged", "rejected", "removed"]


@dataclass
class FileOutcome:
    """What happened to one file."""

    source: str
    status: Status
    chunks: int = 0
    pages: int | None = None
    message: str = ""


@dataclass
class IngestReport:
    """What one indexing run did."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    embedded_chunks: int = 0
    seconds: float = 0.0

    def by_status(self, status: Status) -> list[FileOutcome]:
        """Outcomes with the given status."""
        return [o for o in self.outcomes if o.status == status]

    def summary(self) -> str:
        """One line for the command line."""
        counts = {s: len(self.by_status(s)) for s in ("added", "updated", "unchanged", "removed", "rejected")}
        return (
            f"{counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{counts['removed']} removed, {counts['rejected']} rejected; "
            f"{self.embedded_chunks} chunks embedded in {self.seconds:.1f} s"
        )


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes and the chunker version."""
    digest = hashlib.sha256(CHUNKER_VERSION.encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_name(path: Path) -> str:
    """How a file is named in citations: relative to the working folder when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Supported files under the given files and folders, sorted, hidden files skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
    return sorted(set(found))


def embedding_text(title: str, chunk: Chunk) -> str:
    """What is embedded and searched lexically: title and heading give the chunk its context."""
    parts = [title.strip()] if title.strip() else []
    if chunk.heading.strip() and chunk.heading.strip() != title.strip():
        parts.append(chunk.heading.strip())
    parts.append(chunk.text)
    return "\n".join(parts)


def chunk_metadata(
    document: LoadedDocument, chunk: Chunk, index: int, source: str, content_hash: str
) -> Metadata:
    """Scalar metadata stored with a chunk (Chroma accepts no lists or None)."""
    low, high = document.info.grade_range()
    return {
        "source": source,
        "title": document.info.title,
        "heading": chunk.heading,
        "page": chunk.page or 0,
        "pages": document.pages or 0,
        "subject": document.info.subject,
        "fase": document.info.fase,
        "kelas": document.info.kelas,
        "kelas_min": low,
        "kelas_max": high,
        "language": document.info.language,
        "doc_type": document.info.doc_type,
        "content_hash": content_hash,
        "chunk_index": index,
    }


def index_document(
    document: LoadedDocument,
    source: str,
    content_hash: str,
    store: CurriculumStore,
    embeddings: Embeddings,
) -> int:
    """Embed and store a document read in full; returns the number of chunks."""
    chunks = chunk_sections(document.sections)
    if not chunks:
        raise IngestError(f"{source} contains no text to index.")
    texts = [embedding_text(document.info.title, chunk) for chunk in chunks]
    vectors = embeddings.embed_documents(texts)
    prefix = hashlib.sha1(source.encode()).hexdigest()[:16]
    store.replace_source(
        source,
        ids=[f"{prefix}-{i}" for i in range(len(chunks))],
        texts=[chunk.text for chunk in chunks],
        vectors=vectors,
        metadatas=[chunk_metadata(document, c, i, source, content_hash) for i, c in enumerate(chunks)],
    )
    return len(chunks)


def index_file(
    path: Path, store: CurriculumStore, embeddings: Embeddings, known_hash: str | None = None
) -> FileOutcome:
    """Index one file unless its hash is unchanged; a failure leaves the index as it was."""
    source = source_name(path)
    try:
        content_hash = file_hash(path)
    except OSError as exc:
        return FileOutcome(source, "rejected", message=f"{path.name} could not be read ({exc}).")
    if known_hash == content_hash:
        return FileOutcome(source, "unchanged")
    try:
        document = load_document(path)
        count = index_document(document, source, content_hash, store, embeddings)
    except ToolkitError as exc:
        return FileOutcome(source, "rejected", message=str(exc))
    except Exception as exc:  # a broken file must never stop the other files
        return FileOutcome(
            source,
            "rejected",
            message=f"{path.name} could not be indexed ({type(exc).__name__}: {str(exc)[:160]}).",
        )
    status: Status = "updated" if known_hash is not None else "added"
    return FileOutcome(source, status, chunks=count, pages=document.pages)


def _is_under(source: str, roots: list[Path]) -> bool:
    candidate = Path(source) if Path(source).is_absolute() else Path.cwd() / source
    candidate = candidate.resolve()
    return any(candidate.is_relative_to(root) for root in roots)


def index_paths(
    paths: Iterable[Path],
    store: CurriculumStore,
    embeddings: Embeddings,
    *,
    remove_missing: bool = True,
    progress: bool = False,
) -> IngestReport:
    """Bring the index up to date with the given files and folders."""
    started = time.perf_counter()
    path_list = [Path(p) for p in paths]
    files = discover_files(path_list)
    known = store.file_hashes()
    report = IngestReport()
    bar = tqdm(files, desc="Mengindeks / indexing", unit="file", disable=not progress)
    for path in bar:
        bar.set_postfix_str(path.name[:30])
        outcome = index_file(path, store, embeddings, known.get(source_name(path)))
        report.outcomes.append(outcome)
        if outcome.status in ("added", "updated"):
            report.embedded_chunks += outcome.chunks
    if remove_missing:
        roots = [p.resolve() for p in path_list if p.is_dir()]
        present = {source_name(p) for p in files}
        for source in known:
            if source not in present and _is_under(source, roots):
                store.delete_source(source)
                report.outcomes.append(FileOutcome(source, "removed"))
    report.seconds = time.perf_counter() - started
    return report


def corpus_texts(paths: Iterable[Path]) -> list[str]:
    """Every text ``index_paths`` would embed for these files and folders (unreadable files skipped)."""
    texts: list[str] = []
    for path in discover_files([Path(p) for p in paths]):
        try:
            document = load_document(path)
        except ToolkitError:
            continue
        texts.extend(
            embedding_text(document.info.title, chunk) for chunk in chunk_sections(document.sections)
        )
    return texts
