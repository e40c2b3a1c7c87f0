"""CSV of the quiz (one row per item, UTF-8 with BOM so spreadsheet programs read it right).

No cell becomes a live formula (``toolkit.text.safe_row``).
"""

from __future__ import annotations

import csv
import io

from toolkit.quiz.export.common import ExportResult, exportable_items, key_text
from toolkit.quiz.models import Quiz
from toolkit.text import file_slug, safe_row

COLUMNS = (
    "number",
    "type",
    "question",
    "options",
    "key",
    "explanation",
    "evidence",
    "citation",
    "bloom",
    "difficulty",
    "objective",
    "origin",
    "verified",
)


def export_csv(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The quiz as CSV; options and pairs are joined with " | "."""
    messages: list[str] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    count = 0
    for entry in exportable_items(quiz, include_unverified, messages):
        item = entry.item
        shown = item.options or [f"{pair.left} = {pair.right}" for pair in item.pairs]
        writer.writerow(
            safe_row(
                [
                    entry.number,
                    item.type,
                    entry.stem,
                    " | ".join(shown),
                    key_text(item, quiz.language),
                    item.explanation,
                    item.evidence.quote if item.evidence else "",
                    item.evidence.citation if item.evidence else "",
                    item.bloom,
                    item.difficulty,
                    item.objective,
                    item.origin,
                    "yes" if item.verified else "no",
                ]
            )
        )
        count += 1
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.csv", data, count, messages)
