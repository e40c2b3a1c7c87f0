"""Importing a teacher's rubric (pasted table, CSV, DOCX table) and exporting it (CSV, DOCX).

The table layout is the same everywhere: a header row ``Kriteria | [Bobot] | [Poin kunci] |
level 1 | level 2 | ...`` and one row per criterion. Level columns are read in order, from the
lowest to the highest level; numeric level labels become the level's points. Key points are
separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import ValidationError

from toolkit.archives import DOCX_LIMITS, check_zip_file
from toolkit.errors import ToolkitError, validation_sentence
from toolkit.feedback.rubric import Rubric, RubricCriterion, RubricLevel
from toolkit.feedback.tables import MAX_TABLE_BYTES, csv_problem, decode_bytes
from toolkit.text import plain_cell, safe_row

CRITERION_HEADERS = {"kriteria", "criterion", "criteria", "aspek", "aspect"}
WEIGHT_HEADERS = {"bobot", "weight"}
KEY_POINT_HEADERS = {"poin kunci", "poin_kunci", "key points", "key_points"}


class RubricImportError(ToolkitError):
    """A rubric table that cannot be read, with the reason."""


def rubric_from_rows(rows: list[list[str]], title: str = "Rubrik", language: str = "id") -> Rubric:
    """Build a rubric from table rows (first row = header); gaps are kept and reported by ``gaps()``."""
    rows = [[plain_cell(cell.strip()) for cell in row] for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise RubricImportError("The rubric table needs a header row and at least one criterion row.")
    header = [cell.lower() for cell in rows[0]]
    if header[0] not in CRITERION_HEADERS:
        raise RubricImportError(
            f"The first column must be 'Kriteria' (or 'Criterion'); found '{rows[0][0]}'."
        )
    weight_column = next((i for i, h in enumerate(header) if h in WEIGHT_HEADERS), None)
    key_column = next((i for i, h in enumerate(header) if h in KEY_POINT_HEADERS), None)
    level_columns = [i for i in range(1, len(header)) if i not in (weight_column, key_column)]
    if len(level_columns) < 2:
        raise RubricImportError("The rubric table needs at least two level columns after 'Kriteria'.")
    levels = []
    for order, column in enumerate(level_columns, start=1):
        label = rows[0][column] or f"Level {order}"
        number = re.fullmatch(r"\d+(?:[.,]\d+)?", label)
        levels.append(
            RubricLevel(label=label[:60], points=float(label.replace(",", ".")) if number else float(order))
        )
    criteria = []
    for line, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        if not cells[0]:
            raise RubricImportError(f"Row {line} of the rubric has no criterion name.")
        weight = 1.0
        if weight_column is not None and cells[weight_column]:
            try:
                weight = float(cells[weight_column].replace(",", ".").rstrip("%"))
            except ValueError as exc:
                raise RubricImportError(
                    f"Row {line}: weight '{cells[weight_column]}' is not a number."
                ) from exc
        key_points = (
            [p.strip() for p in cells[key_column].split(";") if p.strip()] if key_column is not None else []
        )
        criteria.append(
            RubricCriterion(
                name=cells[0][:120],
                weight=weight,
                key_points=key_points[:12],
                descriptors=[cells[column] for column in level_columns],
            )
        )
    return Rubric(title=title, language="en" if language == "en" else "id", levels=levels, criteria=criteria)


def rubric_from_text(text: str, title: str = "Rubrik") -> Rubric:
    """A pasted table: cells separated by tabs, ``|`` or ``;`` (Markdown tables work too)."""
    rows = []
    for line in text.splitlines():
        if not line.strip() or re.fullmatch(r"[\s|:\-]+", line):
            continue
        if "\t" in line:
            cells = line.split("\t")
        elif "|" in line:
            cells = line.strip().strip("|").split("|")
        else:
            cells = next(csv.reader([line], delimiter=";" if line.count(";") > line.count(",") else ","))
        rows.append(cells)
    return rubric_from_rows(rows, title)


def rubric_from_csv(path: Path) -> Rubric:
    """A rubric CSV (any common encoding, comma or semicolon separated)."""
    text = _rubric_text(path)
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise RubricImportError(csv_problem(path.name, exc)) from exc
    return rubric_from_rows(rows, title=path.stem)


def _rubric_text(path: Path) -> str:
    """The text of a rubric file in any common encoding; an empty or huge file is one sentence."""
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise RubricImportError(f"{path.name} is {size / 1e6:.0f} MB; a rubric file is a few KB.")
    text, _ = decode_bytes(path.read_bytes(), path.name)
    if not text.strip():
        raise RubricImportError(f"{path.name} is empty; it needs a header row and one row per criterion.")
    return text


def rubric_from_docx(path: Path) -> Rubric:
    """The first table of a DOCX file whose first header cell is 'Kriteria'/'Criterion'."""
    import docx

    check_zip_file(path, DOCX_LIMITS, "Word document")
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise RubricImportError(f"{path.name} could not be opened as a Word document.") from exc
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0] and rows[0][0].strip().lower() in CRITERION_HEADERS:
            return rubric_from_rows(rows, title=path.stem)
    raise RubricImportError(f"{path.name} has no table whose first column is 'Kriteria' or 'Criterion'.")


def load_rubric(path: Path) -> Rubric:
    """Read a rubric from .json, .csv, .docx, .txt or .md."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RubricImportError(f"{path.name}: file not found.")
    if suffix == ".json":
        try:
            return Rubric.model_validate_json(_rubric_text(path))
        except ValidationError as exc:
            raise RubricImportError(
                f"{path.name} is not a rubric saved by the toolkit ({validation_sentence(exc)})"
            ) from exc
    if suffix == ".csv":
        return rubric_from_csv(path)
    if suffix == ".docx":
        return rubric_from_docx(path)
    if suffix in {".txt", ".md"}:
        return rubric_from_text(_rubric_text(path), title=path.stem)
    raise RubricImportError(f"{path.name}: rubric files must be .json, .csv, .docx, .txt or .md.")


def rubric_rows(rubric: Rubric) -> list[list[str]]:
    """Header plus one row per criterion (the import layout)."""
    header = [
        "Kriteria" if rubric.language == "id" else "Criterion",
        "Bobot" if rubric.language == "id" else "Weight",
        "Poin kunci" if rubric.language == "id" else "Key points",
    ]
    header += [level.label for level in rubric.levels]
    rows = [header]
    for criterion in rubric.criteria:
        rows.append(
            [criterion.name, f"{criterion.weight:g}", "; ".join(criterion.key_points), *criterion.descriptors]
        )
    return rows


def rubric_to_csv(rubric: Rubric, path: Path) -> Path:
    """Write the rubric as CSV (UTF-8 with BOM so spreadsheet programs read it right)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(safe_row(row) for row in rubric_rows(rubric))
    return path


def rubric_to_docx(rubric: Rubric, path: Path) -> Path:
    """Write the rubric as a Word table, with its sources."""
    import docx

    document = docx.Document()
    document.add_heading(rubric.title, level=1)
    if rubric.task:
        document.add_paragraph(rubric.task)
    rows = rubric_rows(rubric)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if rubric.sources:
        document.add_paragraph("Sumber / sources: " + "; ".join(rubric.sources))
    document.save(str(path))
    return path
