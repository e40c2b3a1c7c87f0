"""Class report (XLSX with a level-distribution chart, CSV) and per-student feedback sheets (DOCX).

Only approved results go into the class report: nothing is final until the teacher approves.
Overridden levels are shown with the teacher's reason.
"""

from __future__ import annotations

import csv
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.feedback.models import StudentFeedback
from toolkit.feedback.rubric import Rubric
from toolkit.text import safe_row


class NotApprovedError(ToolkitError):
    """A class report was asked for before any result was approved."""


def effective_level(item_level: int, override_level: int | None) -> int:
    """The teacher's level when overridden, else the scored level."""
    return override_level if override_level is not None else item_level


def report_rows(results: list[StudentFeedback], rubric: Rubric) -> list[list[object]]:
    """Header and one row per approved student with per-criterion level columns."""
    approved = [result for result in results if result.approved]
    if not approved:
        raise NotApprovedError(
            "No result is approved yet; approve the results you checked before making the class report."
        )
    header: list[object] = ["student_id"]
    for criterion in rubric.criteria:
        header += [f"{criterion.name} (level)", f"{criterion.name} (points)"]
    header += ["total_points", "percent", "scale", "overrides", "notes"]
    rows = [header]
    for result in approved:
        row: list[object] = [result.student_id]
        by_name = {item.criterion: item for item in result.criteria}
        overrides = []
        for criterion in rubric.criteria:
            item = by_name.get(criterion.name)
            if item is None:
                row += ["", ""]
                continue
            level = effective_level(item.level_index, item.override_level)
            row += [rubric.levels[level].label, rubric.levels[level].points]
            if item.override_level is not None:
                overrides.append(f"{criterion.name}: {item.override_reason}")
        row += [
            result.total_points,
            result.percent,
            result.scale_label,
            "; ".join(overrides),
            " ".join(result.notes),
        ]
        rows.append(row)
    return rows


def write_class_csv(results: list[StudentFeedback], rubric: Rubric, path: Path) -> Path:
    """CSV class report (UTF-8 with BOM for spreadsheet programs; no cell becomes a formula)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(safe_row(row) for row in report_rows(results, rubric))
    return path


def write_class_xlsx(results: list[StudentFeedback], rubric: Rubric, path: Path) -> Path:
    """XLSX class report with a second sheet counting levels per criterion and a bar chart."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    rows = report_rows(results, rubric)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Nilai"
    for row in rows:
        sheet.append(safe_row(row))
    counts = workbook.create_sheet("Sebaran")
    counts.append(safe_row(["Kriteria / criterion", *[level.label for level in rubric.levels]]))
    for number, criterion in enumerate(rubric.criteria):
        column = 1 + 2 * number
        labels = [row[column] for row in rows[1:]]
        counts.append(safe_row([criterion.name, *[labels.count(level.label) for level in rubric.levels]]))
    chart = BarChart()
    chart.type = "col"
    chart.title = "Sebaran tingkat per kriteria / level distribution per criterion"
    chart.y_axis.title = "Siswa / students"
    data = Reference(
        counts, min_col=2, max_col=1 + len(rubric.levels), min_row=1, max_row=1 + len(rubric.criteria)
    )
    categories = Reference(counts, min_col=1, min_row=2, max_row=1 + len(rubric.criteria))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    counts.add_chart(chart, f"A{len(rubric.criteria) + 4}")
    workbook.save(str(path))
    return path


def write_student_docx(result: StudentFeedback, rubric: Rubric, path: Path) -> Path:
    """One feedback sheet for the student (marked DRAFT until approved)."""
    import docx

    english = result.language == "en"
    document = docx.Document()
    title = ("Feedback" if english else "Umpan balik") + f": {result.student_id}"
    if not result.approved:
        title += " (DRAFT)"
    document.add_heading(title, level=1)
    document.add_paragraph(rubric.title)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    headers = (
        ["Criterion", "Level", "Evidence", "Next step"]
        if english
        else ["Kriteria", "Tingkat", "Bukti", "Langkah berikutnya"]
    )
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for item in result.criteria:
        level = effective_level(item.level_index, item.override_level)
        cells = table.add_row().cells
        cells[0].text = item.criterion
        cells[1].text = rubric.levels[level].label
        cells[2].text = "; ".join(f"“{quote}”" for quote in item.evidence) + (
            f"\n{item.strength}" if item.strength else ""
        )
        cells[3].text = item.next_step
    total = "Total" if english else "Nilai akhir"
    document.add_paragraph(f"{total}: {result.percent:.0f}/100 ({result.scale_label})")
    for note in result.notes:
        document.add_paragraph(note)
    document.save(str(path))
    return path
