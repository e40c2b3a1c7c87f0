"""Exporters of a quiz, by format name; each returns an ``ExportResult`` with its messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toolkit.quiz.export.common import ExportResult
from toolkit.quiz.export.csv_export import export_csv
from toolkit.quiz.export.docx_export import export_docx
from toolkit.quiz.export.forms import export_forms_json
from toolkit.quiz.export.gift import export_gift
from toolkit.quiz.export.kahoot import export_kahoot
from toolkit.quiz.export.kisi_kisi import export_kisi_kisi_docx, export_kisi_kisi_xlsx
from toolkit.quiz.export.moodle_xml import export_moodle_xml
from toolkit.quiz.export.qti import export_qti
from toolkit.quiz.export.wayground import export_wayground
from toolkit.quiz.models import Quiz

Exporter = Callable[..., ExportResult]

EXPORTERS: dict[str, Exporter] = {
    "gift": export_gift,
    "moodle-xml": export_moodle_xml,
    "qti": export_qti,
    "kahoot": export_kahoot,
    "wayground": export_wayground,
    "forms-json": export_forms_json,
    "docx": export_docx,
    "csv": export_csv,
    "kisi-kisi-docx": export_kisi_kisi_docx,
    "kisi-kisi-xlsx": export_kisi_kisi_xlsx,
}
FORMATS = tuple(EXPORTERS)


def export_quiz(quiz: Quiz, fmt: str, *, include_unverified: bool = False) -> ExportResult:
    """Export ``quiz`` to ``fmt`` (one of ``FORMATS``)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return EXPORTERS[fmt](quiz, include_unverified=include_unverified)


def write_export(result: ExportResult, folder: Path) -> list[Path]:
    """Write the export's file(s) into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in {result.filename: result.data, **result.extra_files}.items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


__all__ = ["EXPORTERS", "FORMATS", "ExportResult", "export_quiz", "write_export"]
