"""Kahoot's spreadsheet import, laid out like Kahoot's own template (header row 8, data from row 9).

Only quiz questions fit: multiple choice, multiple response (several correct numbers) and
true/false (two answers). Other types, questions over 120 characters, answers over 75 characters
and items with more than four options are left out with a message, never cut.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from toolkit.quiz.export.common import ExportResult, choice_view, exportable_items, say, type_name
from toolkit.quiz.models import Quiz
from toolkit.text import file_slug, safe_cell

HEADER_ROW = 8
FIRST_DATA_ROW = 9
MAX_QUESTION = 120
MAX_ANSWER = 75
MAX_ANSWERS = 4
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
HEADERS = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
INTRO = (
    "Quiz template",
    "Add questions, at least two answer alternatives, time limit and choose correct answers (at least one).",
    "Questions have a limit of 120 characters and answers can have 75 characters max. If several answers "
    "are correct, separate them with a comma.",
)


def time_limit(seconds: int) -> int:
    """The allowed Kahoot time limit closest to ``seconds``."""
    return min(TIME_LIMITS, key=lambda allowed: (abs(allowed - seconds), allowed))


def export_kahoot(quiz: Quiz, *, include_unverified: bool = False, seconds: int = 30) -> ExportResult:
    """The quiz as a Kahoot .xlsx import file."""
    messages: list[str] = []
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row, text in enumerate(INTRO, start=2):
        sheet.cell(row=row, column=2, value=text)
    for column, header in enumerate(HEADERS, start=2):
        sheet.cell(row=HEADER_ROW, column=column, value=header).font = Font(bold=True)
    row = FIRST_DATA_ROW
    for entry in exportable_items(quiz, include_unverified, messages):
        item = entry.item
        if item.type not in ("mc", "mr", "tf"):
            messages.append(
                say(
                    "type_left_out",
                    quiz.language,
                    number=entry.number,
                    kind=type_name(item.type, quiz.language),
                    format="Kahoot",
                )
            )
            continue
        options, correct = choice_view(item, quiz.language)
        if len(entry.stem) > MAX_QUESTION:
            messages.append(
                say(
                    "too_long",
                    quiz.language,
                    number=entry.number,
                    format="Kahoot",
                    what="question" if quiz.language == "en" else "pertanyaan",
                    limit=MAX_QUESTION,
                )
            )
            continue
        if any(len(option) > MAX_ANSWER for option in options):
            messages.append(
                say(
                    "too_long",
                    quiz.language,
                    number=entry.number,
                    format="Kahoot",
                    what="answer" if quiz.language == "en" else "jawaban",
                    limit=MAX_ANSWER,
                )
            )
            continue
        if len(options) > MAX_ANSWERS:
            messages.append(
                say(
                    "too_many_options", quiz.language, number=entry.number, format="Kahoot", limit=MAX_ANSWERS
                )
            )
            continue
        sheet.cell(row=row, column=1, value=row - FIRST_DATA_ROW + 1)
        sheet.cell(row=row, column=2, value=safe_cell(entry.stem))
        for offset, option in enumerate(options):
            sheet.cell(row=row, column=3 + offset, value=safe_cell(option))
        sheet.cell(row=row, column=7, value=time_limit(seconds if item.type != "tf" else min(seconds, 20)))
        sheet.cell(row=row, column=8, value=",".join(str(index + 1) for index in correct))
        row += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportResult(
        f"{file_slug(quiz.title, 'kuis')}.kahoot.xlsx", buffer.getvalue(), row - FIRST_DATA_ROW, messages
    )
