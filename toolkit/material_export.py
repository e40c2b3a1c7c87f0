"""Export a saved material again, in any format its tool offers.

The Library keeps every plan, quiz, rubric and feedback run as data; this module turns one record
back into the files a teacher downloads (Word, Markdown, GIFT, QTI, Kahoot, CSV, XLSX, ...), so an
old quiz can go to a different platform without being generated again.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.library import Material
from toolkit.text import file_slug, unique_slugs

RAW_JSON = "json"
LESSON_FORMATS = ("docx", "md", "json")
RUBRIC_FORMATS = ("docx", "csv", "json")
FEEDBACK_FORMATS = ("docx", "xlsx", "csv", "json")


def formats_for(kind: str) -> tuple[str, ...]:
    """The formats a material of ``kind`` can be exported to (``json`` is always there)."""
    if kind == "quiz":
        from toolkit.quiz.export import FORMATS

        return (*FORMATS, RAW_JSON)
    return {"lesson-plan": LESSON_FORMATS, "rubric": RUBRIC_FORMATS, "feedback": FEEDBACK_FORMATS}.get(
        kind, (RAW_JSON,)
    )


def export_material(material: Material, fmt: str, folder: Path) -> list[Path]:
    """Write ``material`` as ``fmt`` into ``folder``; the files written."""
    if fmt not in formats_for(material.kind):
        raise ToolkitError(
            f"A {material.kind} cannot be exported as '{fmt}'; choose one of: "
            + ", ".join(formats_for(material.kind))
            + "."
        )
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_slug(material.title)
    if fmt == RAW_JSON:
        path = folder / f"{stem}.json"
        path.write_text(material.model_dump_json(indent=2), encoding="utf-8")
        return [path]
    if material.kind == "quiz":
        return _quiz(material, fmt, folder)
    if material.kind == "lesson-plan":
        from toolkit.lessons.export import export_plan
        from toolkit.lessons.store import plan_from_material

        return [export_plan(plan_from_material(material), folder / f"{stem}.{fmt}")]
    if material.kind == "rubric":
        from toolkit.feedback.rubric import Rubric
        from toolkit.feedback.rubric_io import rubric_to_csv, rubric_to_docx

        rubric = Rubric.model_validate(material.content)
        write = rubric_to_docx if fmt == "docx" else rubric_to_csv
        return [write(rubric, folder / f"{stem}.{fmt}")]
    return _feedback(material, fmt, folder)


def _quiz(material: Material, fmt: str, folder: Path) -> list[Path]:
    from toolkit.quiz.export import export_quiz, write_export
    from toolkit.quiz.models import Quiz

    quiz = Quiz.model_validate(material.content)
    return write_export(export_quiz(quiz, fmt), folder)


def _feedback(material: Material, fmt: str, folder: Path) -> list[Path]:
    from toolkit.feedback.core import StudentFeedback
    from toolkit.feedback.reports import write_class_csv, write_class_xlsx, write_student_docx
    from toolkit.feedback.rubric import Rubric

    rubric = Rubric.model_validate(material.content["rubric"])
    results = [StudentFeedback.model_validate(item) for item in material.content["results"]]
    if fmt == "docx":  # one sheet per student, even when two ids differ only in case ("Budi", "budi")
        names = unique_slugs([result.student_id for result in results], "siswa")
        return [
            write_student_docx(result, rubric, folder / f"{name}.docx")
            for result, name in zip(results, names, strict=True)
        ]
    approved = [result for result in results if result.approved]
    if not approved:
        raise ToolkitError("The class report holds approved results only: approve the feedback first.")
    write = write_class_xlsx if fmt == "xlsx" else write_class_csv
    return [write(approved, rubric, folder / f"laporan-kelas.{fmt}")]


__all__ = ["export_material", "formats_for"]
