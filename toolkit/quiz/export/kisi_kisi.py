"""Kisi-kisi soal: the test blueprint Indonesian teachers hand in with a test, as DOCX and XLSX.

One row per tujuan pembelajaran, Bloom level and item type, naming the item numbers and their keys,
so a head teacher can see at a glance what the test measures and at which level.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from toolkit.language import BLOOM_NAMES
from toolkit.quiz.export.common import ExportResult, exportable_items, key_text
from toolkit.quiz.models import TYPE_NAMES, Quiz
from toolkit.text import file_slug, safe_cell


@dataclass
class BlueprintRow:
    """Items that test one objective at one level with one item type."""

    objective: str
    bloom: str
    kind: str
    numbers: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def _headers(language: str) -> list[str]:
    if language == "en":
        return ["No.", "Learning objective", "Topic", "Cognitive level", "Item type", "Item numbers", "Key"]
    return [
        "No.",
        "Tujuan pembelajaran",
        "Materi",
        "Level kognitif",
        "Bentuk soal",
        "Nomor soal",
        "Kunci jawaban",
    ]


def blueprint_rows(quiz: Quiz, messages: list[str], include_unverified: bool = False) -> list[BlueprintRow]:
    """The blueprint rows in order of first item number."""
    language = "en" if quiz.language == "en" else "id"
    rows: dict[tuple[str, str, str], BlueprintRow] = {}
    for entry in exportable_items(quiz, include_unverified, messages):
        item = entry.item
        objective = item.objective.strip() or quiz.topic or quiz.title
        kind = TYPE_NAMES[item.type][language]
        row = rows.setdefault((objective, item.bloom, kind), BlueprintRow(objective, item.bloom, kind))
        row.numbers.append(entry.number)
        row.keys.append(f"{entry.number}. {key_text(item, quiz.language)}")
    return list(rows.values())


def _cells(quiz: Quiz, rows: list[BlueprintRow]) -> list[list[str]]:
    language = "en" if quiz.language == "en" else "id"
    topic = quiz.topic or quiz.title
    return [
        [
            str(number),
            row.objective,
            topic,
            f"{row.bloom} ({BLOOM_NAMES[row.bloom][language]})",
            row.kind,
            ", ".join(str(n) for n in row.numbers),
            "; ".join(row.keys),
        ]
        for number, row in enumerate(rows, 1)
    ]


def _title(quiz: Quiz) -> str:
    lead = "Test blueprint" if quiz.language == "en" else "Kisi-kisi soal"
    parts = [quiz.subject or "", f"kelas {quiz.kelas}" if quiz.kelas else ""]
    extra = ", ".join(p for p in parts if p)
    return f"{lead}: {quiz.title}" + (f" ({extra})" if extra else "")


def export_kisi_kisi_xlsx(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The blueprint as an Excel workbook (one sheet, header row bold, columns sized to read)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    messages: list[str] = []
    rows = blueprint_rows(quiz, messages, include_unverified)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kisi-kisi"
    sheet.append([safe_cell(_title(quiz))])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(_headers(quiz.language))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for values in _cells(quiz, rows):
        sheet.append([safe_cell(v) for v in values])
    for column, width in zip("ABCDEFG", (5, 50, 22, 18, 18, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    count = sum(len(r.numbers) for r in rows)
    return ExportResult(f"kisi-kisi-{file_slug(quiz.title, 'kuis')}.xlsx", buffer.getvalue(), count, messages)


def export_kisi_kisi_docx(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The blueprint as a Word table (landscape, opens in Word and Google Docs)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    messages: list[str] = []
    rows = blueprint_rows(quiz, messages, include_unverified)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    document.add_heading(_title(quiz), level=1)
    table = document.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, _headers(quiz.language), strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in _cells(quiz, rows):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    count = sum(len(r.numbers) for r in rows)
    return ExportResult(f"kisi-kisi-{file_slug(quiz.title, 'kuis')}.docx", buffer.getvalue(), count, messages)
