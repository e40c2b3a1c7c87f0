"""A DOCX student sheet (no keys) and a separate DOCX answer key with explanations and sources."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.document import Document as DocumentObject

from toolkit.quiz.export.common import (
    ExportEntry,
    ExportResult,
    exportable_items,
    key_text,
    true_false_words,
    type_name,
)
from toolkit.quiz.fallback import shuffled
from toolkit.quiz.models import Quiz
from toolkit.text import file_slug

LETTERS = "ABCDEFGH"
TEXTS: dict[str, dict[str, Any]] = {
    "id": {
        "name": "Nama: ____________________    Kelas: ________    Tanggal: ________",
        "instructions": "Petunjuk: jawablah setiap soal sesuai petunjuknya.",
        "answer": "Jawaban: ______________________________",
        "match_left": "Istilah",
        "match_right": "Pengertian",
        "order": "Tulis nomor urutan di dalam kotak:",
        "key_title": "Kunci Jawaban",
        "key_cols": ("No.", "Jenis", "Kunci", "Pembahasan", "Sumber", "Asal"),
        "origin": {"model": "model", "fallback": "dari teks", "teacher": "guru"},
        "not_for_students": "Untuk guru — jangan dibagikan kepada peserta didik.",
    },
    "en": {
        "name": "Name: ____________________    Class: ________    Date: ________",
        "instructions": "Instructions: answer each question as it asks.",
        "answer": "Answer: ______________________________",
        "match_left": "Term",
        "match_right": "Meaning",
        "order": "Write the position number in each box:",
        "key_title": "Answer Key",
        "key_cols": ("No.", "Type", "Key", "Explanation", "Source", "Origin"),
        "origin": {"model": "model", "fallback": "from the text", "teacher": "teacher"},
        "not_for_students": "For the teacher — do not hand out to students.",
    },
}


def _texts(language: str) -> dict[str, Any]:
    return TEXTS["en" if language == "en" else "id"]


def _student_item(document: DocumentObject, entry: ExportEntry, language: str) -> None:
    texts = _texts(language)
    item = entry.item
    document.add_paragraph(f"{entry.number}. {entry.stem}")
    if item.type in ("mc", "mr"):
        for letter, option in zip(LETTERS, item.options, strict=False):
            document.add_paragraph(f"{letter}. {option}", style="List Paragraph")
    elif item.type == "tf":
        true_word, false_word = true_false_words(language)
        document.add_paragraph(f"○ {true_word}     ○ {false_word}", style="List Paragraph")
    elif item.type == "short":
        document.add_paragraph(str(texts["answer"]), style="List Paragraph")
    elif item.type == "match":
        rights = shuffled([pair.right for pair in item.pairs], item.stem)
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = str(texts["match_left"])
        table.rows[0].cells[1].text = str(texts["match_right"])
        for index, (pair, right) in enumerate(zip(item.pairs, rights, strict=True)):
            cells = table.add_row().cells
            cells[0].text = f"{index + 1}. {pair.left}  ( … )"
            cells[1].text = f"{LETTERS[index]}. {right}"
    elif item.type == "order":
        document.add_paragraph(str(texts["order"]), style="List Paragraph")
        for step in item.options:
            document.add_paragraph(f"[   ] {step}", style="List Paragraph")
    elif item.type == "essay":
        for _ in range(4):
            document.add_paragraph("_" * 70)


def _to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def export_docx(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """Student sheet (``data``) and answer key (``extra_files``) as two .docx files."""
    messages: list[str] = []
    texts = _texts(quiz.language)
    entries = exportable_items(quiz, include_unverified, messages)
    sheet = docx.Document()
    sheet.add_heading(quiz.title, level=1)
    sheet.add_paragraph(str(texts["name"]))
    sheet.add_paragraph(str(texts["instructions"]))
    current_type = ""
    for entry in entries:
        if entry.item.type != current_type:
            current_type = entry.item.type
            sheet.add_heading(type_name(entry.item.type, quiz.language).capitalize(), level=2)
        _student_item(sheet, entry, quiz.language)
    key = docx.Document()
    key.add_heading(f"{texts['key_title']} — {quiz.title}", level=1)
    key.add_paragraph(str(texts["not_for_students"]))
    table = key.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, texts["key_cols"], strict=True):
        cell.text = str(title)
    origins: dict[str, str] = texts["origin"]
    for entry in entries:
        item = entry.item
        source = f"{item.evidence.citation}: “{item.evidence.quote}”" if item.evidence else ""
        row = table.add_row().cells
        values = (
            str(entry.number),
            type_name(item.type, quiz.language),
            key_text(item, quiz.language),
            item.explanation,
            source,
            origins[item.origin],
        )
        for cell, value in zip(row, values, strict=True):
            cell.text = value
    base = file_slug(quiz.title, "kuis")
    return ExportResult(
        f"{base}.lembar-soal.docx",
        _to_bytes(sheet),
        len(entries),
        messages,
        extra_files={f"{base}.kunci-jawaban.docx": _to_bytes(key)},
    )
