"""Uploads and work within limits: ZIP bombs, DOCX bombs, huge cells, too many works."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from file_fakes import pdf_bytes

from toolkit.archives import ArchiveError, ZipLimits, read_entry
from toolkit.errors import IngestError, ToolkitError
from toolkit.feedback.batch import MAX_WORK_CHARS, MAX_WORKS, read_work, read_work_zip
from toolkit.feedback.rubric_io import load_rubric
from toolkit.index.documents import load_document

MB = 1024 * 1024


def zip_with(path: Path, entries: dict[str, int | bytes], declared: dict[str, int] | None = None) -> Path:
    """A ZIP whose entries hold the given bytes (or that many zero bytes, written in pieces)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as handle:
                for _ in range(content // MB):
                    handle.write(b"a" * MB)
        for info in archive.infolist():  # a lying central directory: the reader trusts these sizes
            if declared and info.filename in declared:
                info.file_size = declared[info.filename]
    return path


def peak_mb(action: Callable[[], object]) -> tuple[float, Exception | None]:
    tracemalloc.start()
    error: Exception | None = None
    try:
        action()
    except Exception as exc:
        error = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / MB, error


def test_a_zip_bomb_is_refused_from_its_table_before_anything_is_unpacked(tmp_path: Path) -> None:
    bomb = zip_with(tmp_path / "kelas.zip", {"ani.txt": b"Jawaban Ani.", "budi.txt": 60 * MB})
    assert bomb.stat().st_size < 200_000  # a small upload...
    peak, error = peak_mb(lambda: read_work(bomb))
    assert isinstance(error, ToolkitError) and "budi.txt unpacks to 60 MB" in str(error)
    assert peak < 10, peak  # ...that was never unpacked (before: the whole entry was read into memory)


def test_an_entry_that_lies_about_its_size_is_stopped_while_read(tmp_path: Path) -> None:
    liar = zip_with(tmp_path / "liar.zip", {"ani.txt": 30 * MB}, declared={"ani.txt": 1000})
    with zipfile.ZipFile(liar) as archive:
        [info] = archive.infolist()
        assert info.file_size == 1000
        peak, error = peak_mb(lambda: read_entry(archive, info, "liar.zip", limit=5 * MB))
    assert isinstance(error, ArchiveError) and peak < 10  # damaged (bad CRC) or over the limit: a sentence
    with zipfile.ZipFile(zip_with(tmp_path / "big.zip", {"a.txt": 8 * MB})) as archive:
        [info] = archive.infolist()
        with pytest.raises(ArchiveError, match="more than 5 MB"):
            read_entry(archive, info, "big.zip", limit=5 * MB)


def test_too_many_entries_or_too_many_bytes_in_all(tmp_path: Path) -> None:
    many = zip_with(tmp_path / "many.zip", {f"f{n}.txt": b"x" for n in range(30)})
    with pytest.raises(ArchiveError, match="holds 30 files"):
        read_work_zip(many, ZipLimits(max_entries=20, max_entry_bytes=MB, max_total_bytes=10 * MB))
    total = zip_with(tmp_path / "total.zip", {f"s{n}.txt": 2 * MB for n in range(4)})
    with pytest.raises(ArchiveError, match="unpacks to more than 5 MB"):
        read_work_zip(total, ZipLimits(max_entries=20, max_entry_bytes=3 * MB, max_total_bytes=5 * MB))
    works = zip_with(tmp_path / "works.zip", {f"s{n}.txt": b"Jawaban." for n in range(MAX_WORKS + 1)})
    with pytest.raises(ToolkitError, match=f"at most {MAX_WORKS}"):
        read_work(works)


def test_ignored_entries_do_not_count_towards_the_sizes(tmp_path: Path) -> None:
    mixed = zip_with(
        tmp_path / "mixed.zip", {"ani.txt": b"Fotosintesis menghasilkan oksigen.", "video.mp4": 30 * MB}
    )
    batch = read_work(mixed)  # the video is never unpacked
    assert [item.student_id for item in batch.items] == ["ani"]


def test_a_docx_bomb_is_refused_before_python_docx_opens_it(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    bomb = tmp_path / "tugas.docx"
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * (50 * MB // 6))
            target.writestr(info, data)
    peak, error = peak_mb(lambda: load_document(bomb))
    assert isinstance(error, IngestError) and "document.xml unpacks to" in str(error)
    assert peak < 10, peak
    with pytest.raises(ToolkitError, match=r"document\.xml unpacks to"):
        load_rubric(bomb)
    (tmp_path / "rusak.docx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(IngestError, match="not a valid Word document"):
        load_document(tmp_path / "rusak.docx")


def test_a_csv_cell_over_128_kb_and_a_work_over_the_limit_are_one_sentence(tmp_path: Path) -> None:
    big_cell = tmp_path / "jawaban.csv"
    big_cell.write_text("id,jawaban\nani," + "a" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="cell longer than 128 KB"):
        read_work(big_cell)
    long_work = tmp_path / "esai.txt"
    long_work.write_text("kata " * (MAX_WORK_CHARS // 4), encoding="utf-8")
    with pytest.raises(ToolkitError, match="more than the 100,000"):
        read_work(long_work)
    in_zip = zip_with(
        tmp_path / "kelas.zip", {"ani.txt": b"Jawaban Ani.", "budi.txt": long_work.read_bytes()}
    )
    batch = read_work(in_zip)
    assert [item.student_id for item in batch.items] == ["ani"]
    assert any("budi.txt skipped" in note and "100,000" in note for note in batch.notes)


def test_an_upload_for_one_plan_or_quiz_is_bounded_in_text(tmp_path: Path) -> None:
    from toolkit.index.documents import MAX_UPLOAD_CHARS
    from toolkit.lessons.grounding import TeacherDocument
    from toolkit.quiz.sources import passages_from_file

    book = tmp_path / "buku.txt"
    book.write_text("Fotosintesis menghasilkan oksigen. " * (MAX_UPLOAD_CHARS // 6), encoding="utf-8")
    peak, error = peak_mb(lambda: TeacherDocument.load(book))
    assert isinstance(error, IngestError) and "upload only the chapter" in str(error)
    assert peak < 10, peak  # refused from its size, before it was read
    chapter = tmp_path / "bab.docx"
    document = docx.Document()
    for _ in range(MAX_UPLOAD_CHARS // 1000 + 1):
        document.add_paragraph("Fotosintesis menghasilkan oksigen dan glukosa. " * 22)
    document.save(str(chapter))
    with pytest.raises(IngestError, match="characters one upload may bring"):
        passages_from_file(chapter)


def test_a_pdf_page_that_unpacks_past_the_reader_limit_is_one_sentence(tmp_path: Path) -> None:
    page = b"BT /F1 12 Tf 20 200 Td (Fotosintesis menghasilkan oksigen.) Tj ET\n"
    (tmp_path / "bom.pdf").write_bytes(pdf_bytes(page + b" " * (80 * MB), compressed=True))
    with pytest.raises(IngestError, match="unpacks to more than this server reads"):
        load_document(tmp_path / "bom.pdf")
    (tmp_path / "ok.pdf").write_bytes(pdf_bytes(page))
    assert "Fotosintesis" in load_document(tmp_path / "ok.pdf").sections[0].text
