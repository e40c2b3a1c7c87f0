"""Read curriculum documents (.md, .txt, .pdf, .docx) into titled sections with page numbers.

A file is read completely before anything is indexed, so a file that fails half-way is rejected
whole with a clear message (``IngestError``) and never half-indexed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import IngestError
from toolkit.index.metadata import DocumentInfo, infer_info, normalise_fase, normalise_subject
from toolkit.text import split_front_matter

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".yaml")
"""``.yaml`` files are topic cards of the knowledge bank (``toolkit.bank``); nothing else is read as YAML."""
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UPLOAD_CHARS = 400_000
"""Characters of a document uploaded for one plan or one quiz (about 200 pages of text)."""


@dataclass
class Section:
    """A run of text under one heading (and, for PDFs, on one page)."""

    heading: str
    text: str
    page: int | None = None


@dataclass
class LoadedDocument:
    """A whole file, read and ready to chunk."""

    info: DocumentInfo
    sections: list[Section] = field(default_factory=list)
    pages: int | None = None


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def info_from_front_matter(front: dict[str, object], fallback: DocumentInfo) -> DocumentInfo:
    """Merge front-matter fields over inferred ones, normalising subject and fase."""
    subject = normalise_subject(str(front["subject"])) if "subject" in front else None
    fase = normalise_fase(str(front["fase"])) if "fase" in front else None
    language = str(front.get("language", fallback.language)).strip().lower()[:2]
    return DocumentInfo(
        title=str(front.get("title") or fallback.title),
        subject=subject or fallback.subject,
        fase=fase or fallback.fase,
        kelas=str(front.get("kelas", fallback.kelas)),
        language=language if language in {"id", "en"} else fallback.language,
        doc_type=str(front.get("doc_type", fallback.doc_type)),
    )


def markdown_sections(body: str, title: str) -> tuple[str, list[Section]]:
    """Sections split at Markdown headings; the heading path (``A > B``) names each section."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    lines: list[str] = []
    doc_title = title

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            heading = " > ".join(h for _, h in path) if path else doc_title
            sections.append(Section(heading=heading, text=text))
        lines.clear()

    for line in body.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            flush()
            level, heading = len(match.group(1)), match.group(2).strip()
            if level == 1:
                doc_title = heading if title == "" else title
                path = []
                continue
            path = [(lvl, h) for lvl, h in path if lvl < level]
            path.append((level, heading))
        else:
            lines.append(line)
    flush()
    return doc_title, sections


def plain_sections(text: str, title: str) -> list[Section]:
    """Sections of a plain text: a short line followed by a blank line counts as a heading."""
    sections: list[Section] = []
    heading = title
    block: list[str] = []
    paragraphs = re.split(r"\n\s*\n", text)
    for paragraph in paragraphs:
        stripped = paragraph.strip()
        if not stripped:
            continue
        is_heading = "\n" not in stripped and len(stripped) <= 80 and not stripped.endswith(".")
        if is_heading and len(paragraphs) > 1:
            if block:
                sections.append(Section(heading=heading, text="\n\n".join(block)))
                block = []
            heading = stripped
        else:
            block.append(stripped)
    if block:
        sections.append(Section(heading=heading, text="\n\n".join(block)))
    return sections


def read_text_file(path: Path) -> str:
    """UTF-8 text (with a Latin-1 fallback for files saved by older editors)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def load_markdown(path: Path) -> LoadedDocument:
    """A Markdown file: front matter for metadata, headings for sections."""
    text = read_text_file(path)
    front, body = split_front_matter(text)
    info = info_from_front_matter(front, infer_info(path, body))
    title, sections = markdown_sections(body, str(front.get("title", "")))
    if not front.get("title"):
        info = info.model_copy(update={"title": title})
    return LoadedDocument(info=info, sections=sections)


def load_text(path: Path) -> LoadedDocument:
    """A plain-text file."""
    text = read_text_file(path)
    info = infer_info(path, text)
    return LoadedDocument(info=info, sections=plain_sections(text, info.title))


def _page_heading(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if 3 <= len(line) <= 80:
            return line
    return fallback


def load_pdf(path: Path) -> LoadedDocument:
    """A PDF with a text layer, page by page; encrypted, broken and scanned files are rejected."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    name = path.name
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))
            except Exception:  # pypdf raises several types for unsupported encryption
                unlocked = False
            if not unlocked:
                raise IngestError(
                    f"{name} is protected with a password; save it again without a password "
                    "(or print it to a new PDF) and upload that file."
                )
        page_texts = [(page.extract_text() or "") for page in reader.pages]
    except IngestError:
        raise
    except LimitReachedError as exc:
        raise IngestError(
            f"{name} holds a page that unpacks to more than this server reads (75 MB); it cannot be "
            "used. Export the pages you need as a new PDF."
        ) from exc
    except (
        PdfReadError,
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        RecursionError,
        IndexError,
        AssertionError,
        ZeroDivisionError,
    ) as exc:
        raise IngestError(
            f"{name} could not be read as a PDF ({type(exc).__name__}: {str(exc)[:120]}); the "
            "file may be damaged. Open it and save or export it as PDF again."
        ) from exc
    if not page_texts:
        raise IngestError(f"{name} has no pages.")
    full_text = "\n".join(page_texts)
    if len(re.findall(r"\w", full_text)) < 3:
        raise IngestError(
            f"{name} has no text layer (it looks like a scan or images only); run it through "
            "OCR first, or upload the original document."
        )
    info = infer_info(path, full_text)
    sections = [
        Section(heading=_page_heading(text, info.title), text=text.strip(), page=number)
        for number, text in enumerate(page_texts, start=1)
        if text.strip()
    ]
    return LoadedDocument(info=info, sections=sections, pages=len(page_texts))


def load_docx(path: Path) -> LoadedDocument:
    """A Word document: paragraphs styled as headings start sections; tables become text.

    The parts inside the file are checked first (``toolkit.archives.DOCX_LIMITS``), so a small
    file that unpacks to gigabytes is refused before it is opened.
    """
    import docx

    from toolkit.archives import DOCX_LIMITS, ArchiveError, check_zip_file

    try:
        check_zip_file(path, DOCX_LIMITS, "Word document")
    except ArchiveError as exc:
        raise IngestError(str(exc)) from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile, KeyError and lxml errors
        raise IngestError(
            f"{path.name} could not be read as a Word document ({type(exc).__name__}); save it "
            "again as .docx and retry."
        ) from exc
    title = path.stem.replace("-", " ").replace("_", " ")
    sections: list[Section] = []
    heading = title
    block: list[str] = []
    all_text: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        all_text.append(text)
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.lower().startswith(("heading", "judul", "title")):
            if block:
                sections.append(Section(heading=heading, text="\n\n".join(block)))
                block = []
            heading = text
        else:
            block.append(text)
    for table in document.tables:
        rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
        block.append("\n".join(rows))
        all_text.extend(rows)
    if block:
        sections.append(Section(heading=heading, text="\n\n".join(block)))
    info = infer_info(path, "\n".join(all_text))
    return LoadedDocument(info=info, sections=sections)


def load_document(path: Path, max_chars: int | None = None) -> LoadedDocument:
    """Read any supported file, or raise ``IngestError`` with a sentence saying why not.

    ``max_chars`` bounds the text an upload may bring (a plan's document, a quiz source, a
    student's work): a plain-text file that cannot fit is refused before it is read, any other
    file as soon as its text is known, so nothing larger is chunked, indexed or scored.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{path.name}: files of type '{suffix or 'none'}' are not supported; use "
            ".md, .txt, .pdf or .docx."
        )
    if suffix == ".yaml":
        from toolkit.bank.render import load_card_document

        return load_card_document(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path.name} could not be opened ({exc}).") from exc
    if size == 0:
        raise IngestError(f"{path.name} is empty.")
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"{path.name} is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES / 1e6:.0f} MB "
            "limit; split it into smaller files."
        )
    if max_chars is not None and suffix in (".txt", ".md", ".markdown") and size > 4 * max_chars:
        raise _too_long(path.name, size, max_chars, "bytes")
    if suffix == ".pdf":
        document = load_pdf(path)
    elif suffix == ".docx":
        document = load_docx(path)
    elif suffix == ".txt":
        document = load_text(path)
    else:
        document = load_markdown(path)
    if not any(section.text.strip() for section in document.sections):
        raise IngestError(f"{path.name} contains no text to index.")
    if max_chars is not None:
        chars = sum(len(section.text) for section in document.sections)
        if chars > max_chars:
            raise _too_long(path.name, chars, max_chars, "characters")
    return document


def _too_long(name: str, size: int, limit: int, unit: str) -> IngestError:
    return IngestError(
        f"{name} has {size:,} {unit}, more than the {limit:,} characters one upload may bring here; "
        "upload only the chapter or the pages you need."
    )
