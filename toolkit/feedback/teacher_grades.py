"""The teacher's grades on a rubric's levels and grade-a-few suggestions for a class on that scale.

A teacher grades whole answers with the rubric's levels (a label such as *Cakap* or its points).
``class_grade_rows`` maps those grades onto the 0-5 scale of the scoring models, asks
``grade_few.suggest_grades`` for suggestions, and maps them back to the rubric's levels. The rows
come in the order the teacher should look at them: the answers to grade first, then the flagged
suggestions (least confident first), then the rest, then what the teacher already graded. The
confidence is calibrated on the 0-5 scale (exact agreement), so on a rubric with fewer levels it
is, if anything, an underestimate. Personal data is masked before any text is embedded.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from toolkit.errors import ToolkitError
from toolkit.feedback.batch import ID_ALIASES
from toolkit.feedback.calibration import Strictness
from toolkit.feedback.core import neutral_placeholders
from toolkit.feedback.grade_few import DEFAULT_TO_GRADE, review_order, suggest_grades
from toolkit.feedback.models import WorkItem
from toolkit.feedback.privacy import mask_batch
from toolkit.feedback.rubric import Rubric
from toolkit.feedback.tables import read_table
from toolkit.feedback.vectors import TextVectors

GRADE_ALIASES = ["nilai", "nilai_guru", "grade", "teacher_grade", "score", "skor", "level", "tingkat"]
Status = Literal["graded", "to_grade", "check", "suggested"]
STATUS_TEXT: dict[str, dict[str, str]] = {
    "id": {
        "graded": "dinilai guru",
        "to_grade": "nilai dulu",
        "check": "perlu dicek",
        "suggested": "saran",
    },
    "en": {"graded": "graded", "to_grade": "grade first", "check": "check", "suggested": "suggested"},
}
HEADERS = {
    "id": ["ID", "Jawaban", "Saran", "Keyakinan", "Status", "Nilai guru"],
    "en": ["ID", "Answer", "Suggestion", "Confidence", "Status", "Teacher's grade"],
}


@dataclass
class GradeRow:
    """One student's answer with the teacher's grade or a suggested level."""

    student_id: str
    answer: str
    level_index: int
    label: str
    points: float
    confidence: float
    status: Status
    teacher_grade: str = ""


def level_of(value: str, rubric: Rubric) -> int | None:
    """The level index of a grade written as a level label or its points (``None`` if blank)."""
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none"}:
        return None
    for index, level in enumerate(rubric.levels):
        if level.label.strip().lower() == text.lower():
            return index
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    for index, level in enumerate(rubric.levels):
        if number is not None and abs(level.points - number) < 1e-9:
            return index
    names = ", ".join(f"{level.label} ({level.points:g})" for level in rubric.levels)
    raise ToolkitError(f"The grade '{text}' is not a level of the rubric; use one of: {names}.")


def read_grades(path: Path, rubric: Rubric) -> dict[str, int]:
    """Student id -> level index from a CSV of the teacher's grades (blank grades are skipped)."""
    table = read_table(
        path, ["student_id", "nilai"], aliases={"student_id": ID_ALIASES, "nilai": GRADE_ALIASES}
    )
    grades: dict[str, int] = {}
    for line, row in enumerate(table.rows, start=2):
        try:
            index = level_of(row["nilai"], rubric)
        except ToolkitError as exc:
            raise ToolkitError(f"{path.name} line {line}: {exc}") from exc
        if index is not None and row["student_id"].strip():
            grades[row["student_id"].strip()] = index
    return grades


def _to_scale(index: int, levels: int) -> float:
    return index * 5.0 / max(levels - 1, 1)


def _from_scale(value: float, levels: int) -> int:
    return int(min(max(round(value * (levels - 1) / 5.0), 0), levels - 1))


def class_grade_rows(
    vectors: TextVectors,
    rubric: Rubric,
    works: list[WorkItem],
    reference: str,
    grades: dict[str, int] | None = None,
    to_grade: int = DEFAULT_TO_GRADE,
    strictness: Strictness = "standard",
) -> list[GradeRow]:
    """Grade-a-few rows for a class, in review order (grade first, flagged, rest, graded)."""
    grades = dict(grades or {})
    unknown = sorted(set(grades) - {work.student_id for work in works})
    if unknown:
        raise ToolkitError(f"Grades for unknown student ids: {', '.join(unknown[:5])}.")
    masked = mask_batch([work.text for work in works], [work.name for work in works])
    texts = [neutral_placeholders(item.text) for item in masked]
    count = len(rubric.levels)
    by_row = {
        row: _to_scale(grades[work.student_id], count)
        for row, work in enumerate(works)
        if work.student_id in grades
    }
    result = suggest_grades(
        vectors, rubric.task or rubric.title, reference, texts, by_row, to_grade, strictness
    )
    first = set(result.to_grade)
    rows: list[GradeRow] = []
    for row in review_order(result):
        work, suggestion = works[row], result.suggestions[row]
        if suggestion.graded:
            index, status = grades[work.student_id], "graded"
        else:
            index = _from_scale(suggestion.continuous, count)
            status = "to_grade" if row in first else "check" if suggestion.flagged else "suggested"
        level = rubric.levels[index]
        rows.append(
            GradeRow(
                student_id=work.student_id,
                answer=work.text,
                level_index=index,
                label=level.label,
                points=level.points,
                confidence=suggestion.confidence,
                status=status,  # type: ignore[arg-type]
                teacher_grade=level.label if suggestion.graded else "",
            )
        )
    return rows


def rows_table(rows: list[GradeRow], language: str = "id") -> tuple[list[str], list[list[str]]]:
    """(headers, rows) for the tab's table; the last column is where the teacher types grades."""
    lang = "en" if language == "en" else "id"
    body = [
        [
            row.student_id,
            " ".join(row.answer.split())[:160],
            row.label,
            "—" if row.status == "graded" else f"{row.confidence:.2f}",
            STATUS_TEXT[lang][row.status],
            row.teacher_grade,
        ]
        for row in rows
    ]
    return HEADERS[lang], body


def grades_from_table(table: Any, rubric: Rubric) -> dict[str, int]:
    """The teacher's grades typed into the last column of the tab's table (a DataFrame or rows)."""
    if hasattr(table, "values"):
        cells = [[str(cell) for cell in row] for row in table.values.tolist()]
    else:
        cells = [[str(cell) for cell in row] for row in table or []]
    grades: dict[str, int] = {}
    for row in cells:
        if len(row) < 6 or row[0] in (HEADERS["id"][0], ""):
            continue
        index = level_of(row[5], rubric)
        if index is not None:
            grades[row[0].strip()] = index
    return grades


def write_grade_rows(rows: list[GradeRow], path: Path, language: str = "id") -> Path:
    """The rows as CSV (``student_id,jawaban,saran,poin,keyakinan,status,nilai``), the file to fill in."""
    lang = "en" if language == "en" else "id"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "jawaban", "saran", "poin", "keyakinan", "status", "nilai"])
        for row in rows:
            writer.writerow(
                [
                    row.student_id,
                    row.answer,
                    row.label,
                    f"{row.points:g}",
                    "" if row.status == "graded" else f"{row.confidence:.2f}",
                    STATUS_TEXT[lang][row.status],
                    row.teacher_grade,
                ]
            )
    return path
