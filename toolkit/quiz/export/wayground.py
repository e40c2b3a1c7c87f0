"""Wayground (Quizizz) spreadsheet import: Question Text, Question Type, Option 1-5, Correct Answer,
Time in seconds, Image Link, Answer explanation.

Multiple choice and true/false become "Multiple Choice", multiple response "Checkbox", short
answers "Fill-in-the-Blank" (accepted answers in the option columns) and essays "Open-Ended".
Matching and ordering have no column layout in this import and are left out with a message.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from toolkit.quiz.export.common import (
    ExportResult,
    choice_view,
    evidence_line,
    exportable_items,
    say,
    type_name,
)
from toolkit.quiz.models import Quiz
from toolkit.text import file_slug, safe_row

HEADERS = (
    "Question Text",
    "Question Type",
    "Option 1",
    "Option 2",
    "Option 3",
    "Option 4",
    "Option 5",
    "Correct Answer",
    "Time in seconds",
    "Image Link",
    "Answer explanation",
)
MAX_OPTIONS = 5
WAYGROUND_TYPES = {
    "mc": "Multiple Choice",
    "tf": "Multiple Choice",
    "mr": "Checkbox",
    "short": "Fill-in-the-Blank",
    "essay": "Open-Ended",
}


def export_wayground(quiz: Quiz, *, include_unverified: bool = False, seconds: int = 30) -> ExportResult:
    """The quiz as a Wayground/Quizizz .xlsx import file."""
    messages: list[str] = []
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Quiz"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for entry in exportable_items(quiz, include_unverified, messages):
        item = entry.item
        if item.type not in WAYGROUND_TYPES:
            messages.append(
                say(
                    "type_left_out",
                    quiz.language,
                    number=entry.number,
                    kind=type_name(item.type, quiz.language),
                    format="Wayground",
                )
            )
            continue
        if item.type in ("mc", "mr", "tf"):
            options, correct = choice_view(item, quiz.language)
            answer = ",".join(str(index + 1) for index in correct)
        elif item.type == "short":
            options = item.correct[:MAX_OPTIONS]
            answer = ",".join(str(index + 1) for index in range(len(options)))
        else:
            options, answer = [], ""
        if len(options) > MAX_OPTIONS:
            messages.append(
                say(
                    "too_many_options",
                    quiz.language,
                    number=entry.number,
                    format="Wayground",
                    limit=MAX_OPTIONS,
                )
            )
            continue
        explanation = " ".join(
            part for part in (item.explanation, evidence_line(item, quiz.language)) if part
        )
        padded = [*options, *[None] * (MAX_OPTIONS - len(options))]
        sheet.append(
            safe_row(
                [entry.stem, WAYGROUND_TYPES[item.type], *padded, answer or None, seconds, None, explanation]
            )
        )
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.wayground.xlsx", buffer.getvalue(), count, messages)
