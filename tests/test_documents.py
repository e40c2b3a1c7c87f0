"""Reading documents: front matter, headings, plain text, Word files, metadata inference, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import IngestError
from toolkit.index.chunking import chunk_section, chunk_sections
from toolkit.index.documents import Section, load_document
from toolkit.index.metadata import (
    fase_for_grade,
    normalise_fase,
    normalise_subject,
    parse_grade_range,
)
from toolkit.language import detect_language


def test_markdown_front_matter_and_heading_sections(small_corpus: Path) -> None:
    document = load_document(small_corpus / "ipa" / "fotosintesis.md")
    assert document.info.subject == "ipa"
    assert document.info.fase == "D"
    assert document.info.grade_range() == (7, 7)
    assert [s.heading for s in document.sections] == ["Pengertian", "Hasil"]
    assert document.sections[0].text.startswith("Fotosintesis adalah")


def test_nested_headings_make_a_path(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Judul\n\nPembuka.\n\n## Bab\n\nIsi bab.\n\n### Sub\n\nIsi sub.\n", encoding="utf-8")
    document = load_document(path)
    assert document.info.title == "Judul"
    assert [s.heading for s in document.sections] == ["Judul", "Bab", "Bab > Sub"]


def test_text_file_metadata_is_inferred(tmp_path: Path) -> None:
    folder = tmp_path / "matematika"
    folder.mkdir()
    path = folder / "catatan.txt"
    path.write_text(
        "Bilangan Bulat\n\nMateri untuk kelas 7 tentang bilangan yang dapat bernilai negatif dan positif.\n",
        encoding="utf-8",
    )
    document = load_document(path)
    assert document.info.subject == "matematika"
    assert document.info.kelas == "7"
    assert document.info.fase == "D"
    assert document.info.language == "id"
    assert document.sections[0].heading == "Bilangan Bulat"


def test_docx_headings_and_tables(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_heading("Siklus Air", level=1)
    word.add_paragraph("Air laut menguap karena panas matahari.")
    word.add_heading("Kondensasi", level=2)
    word.add_paragraph("Uap air mengembun menjadi awan.")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tahap"
    table.rows[0].cells[1].text = "Presipitasi"
    path = tmp_path / "siklus.docx"
    word.save(str(path))
    document = load_document(path)
    headings = [s.heading for s in document.sections]
    assert headings == ["Siklus Air", "Kondensasi"]
    assert "Presipitasi" in document.sections[-1].text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.md", b"", "empty"),
        ("gambar.png", b"\x89PNG", "not supported"),
        ("rusak.pdf", b"%PDF-1.4 this is not really a pdf", "could not be read"),
        ("rusak.docx", b"PK not a zip", "Word document"),
    ],
)
def test_bad_files_are_rejected_with_a_sentence(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=message):
        load_document(path)


def test_metadata_normalisation() -> None:
    assert normalise_subject("Bahasa Inggris") == "bahasa-inggris"
    assert normalise_subject("science") == "ipa"
    assert normalise_subject("sejarah dunia") is None
    assert normalise_fase("fase d") == "D"
    assert normalise_fase("G") is None
    assert fase_for_grade(8) == "D"
    assert parse_grade_range("7-9") == (7, 9)
    assert parse_grade_range("semua", "E") == (10, 10)
    assert detect_language("The students read the text and answer the questions.") == "en"
    assert detect_language("Peserta didik membaca teks dan menjawab pertanyaan yang ada.") == "id"


def test_long_sections_are_split_under_the_limit() -> None:
    paragraph = "Kalimat tentang ekosistem dan rantai makanan. " * 20
    section = Section(heading="Ekosistem", text="\n\n".join([paragraph] * 5), page=3)
    chunks = chunk_section(section, max_chars=1000)
    assert len(chunks) > 1
    assert all(len(c.text) <= 1200 for c in chunks)
    assert all(c.heading == "Ekosistem" and c.page == 3 for c in chunks)
    assert "".join(c.text for c in chunks).replace("\n", "").replace(" ", "") == section.text.replace(
        "\n", ""
    ).replace(" ", "")


def test_short_sections_stay_whole() -> None:
    sections = [Section("A", "Satu."), Section("B", "Dua.")]
    assert [c.text for c in chunk_sections(sections)] == ["Satu.", "Dua."]
