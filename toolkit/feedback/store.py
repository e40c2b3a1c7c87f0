"""Rubrics and feedback runs as the Library keeps them, read back, and written as files.

The feedback tools never save by themselves; the caller hands a rubric to
``toolkit.tools.RUBRIC.save`` and a run to ``toolkit.tools.FEEDBACK.save``, which store what
``rubric_record`` and ``feedback_record`` describe. Stored content keeps its shape
(``{"rubric": ..., "results": [...]}`` for feedback), so older records stay readable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.feedback.models import FeedbackRequest, FeedbackRun, StudentFeedback
from toolkit.feedback.rubric import Rubric, RubricRequest
from toolkit.text import unique_slugs

PIPELINE_VERSION = "feedback-1"
RUBRIC_FORMATS: tuple[str, ...] = ("docx", "csv", "json")
FEEDBACK_FORMATS: tuple[str, ...] = ("docx", "xlsx", "csv", "json")


def rubric_record(rubric: Rubric, request: RubricRequest | None = None) -> dict[str, Any]:
    """The Library fields of ``rubric``; ``request`` is kept as its inputs when given."""
    return {
        "title": rubric.title,
        "content": rubric.model_dump(),
        "inputs": request.model_dump() if request is not None else {},
        "info": {"generator": "toolkit.feedback.rubric", "sources": rubric.sources, "gaps": rubric.gaps()},
        "subject": "",
        "language": rubric.language,
    }


def write_rubric(rubric: Rubric, fmt: str, folder: Path, stem: str) -> list[Path]:
    """``rubric`` written as ``fmt`` (docx or csv) into ``folder``."""
    from toolkit.feedback.rubric_io import rubric_to_csv, rubric_to_docx

    write = rubric_to_docx if fmt == "docx" else rubric_to_csv
    return [write(rubric, folder / f"{stem}.{fmt}")]


def feedback_record(run: FeedbackRun, request: FeedbackRequest | None = None) -> dict[str, Any]:
    """The Library fields of a feedback run (the run carries its rubric and strictness)."""
    return {
        "title": f"Umpan balik: {run.rubric.title}",
        "content": {
            "rubric": run.rubric.model_dump(),
            "results": [result.model_dump() for result in run.results],
        },
        "inputs": {"students": [result.student_id for result in run.results], "strictness": run.strictness},
        "info": {
            "pipeline": PIPELINE_VERSION,
            "embeddings": run.embeddings,
            "calibration": run.calibration,
            "model_signals": run.model_signals,
            "notes": run.notes,
            "approved": sum(result.approved for result in run.results),
        },
        "subject": "",
        "language": run.rubric.language,
    }


def feedback_from_content(content: dict[str, Any], inputs: dict[str, Any]) -> FeedbackRun:
    """The run stored in a Library record (rubric, results, and the strictness it was scored with)."""
    return FeedbackRun(
        rubric=Rubric.model_validate(content["rubric"]),
        results=[StudentFeedback.model_validate(item) for item in content["results"]],
        strictness=inputs.get("strictness", "standard"),
    )


def write_feedback(run: FeedbackRun, fmt: str, folder: Path, stem: str) -> list[Path]:
    """Per-student sheets (docx, drafts included) or the class report (xlsx, csv: approved only)."""
    from toolkit.feedback.reports import write_class_csv, write_class_xlsx, write_student_docx

    if fmt == "docx":  # one sheet per student, even when two ids differ only in case ("Budi", "budi")
        names = unique_slugs([result.student_id for result in run.results], "siswa")
        return [
            write_student_docx(result, run.rubric, folder / f"{name}.docx")
            for result, name in zip(run.results, names, strict=True)
        ]
    approved = run.approved()
    if not approved:
        raise ToolkitError("The class report holds approved results only: approve the feedback first.")
    write = write_class_xlsx if fmt == "xlsx" else write_class_csv
    return [write(approved, run.rubric, folder / f"laporan-kelas.{fmt}")]
