"""A quiz as the Library keeps it (with what produced it), and the quiz read back.

The quiz tool never saves by itself; the caller hands the quiz to ``toolkit.tools.QUIZ.save``,
which stores what ``quiz_record`` describes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.quiz.models import Quiz, QuizRequest


def quiz_info(quiz: Quiz) -> dict[str, Any]:
    """Model, prompt versions, sources and check results, as stored in the library's ``info``."""
    return {
        "model": quiz.model or "offline fallback only",
        "prompt_versions": quiz.prompt_versions,
        "sources": sorted({passage.citation for passage in quiz.passages}),
        "checks": [
            {
                "item": item.id,
                "origin": item.origin,
                "verified": item.verified,
                "failed": [check.name for check in item.failed_checks()],
            }
            for item in quiz.items
        ],
        "dropped": [dropped.model_dump() for dropped in quiz.dropped],
        "notes": quiz.notes,
        "stats": quiz.stats,
    }


def quiz_record(quiz: Quiz, request: QuizRequest | None = None) -> dict[str, Any]:
    """The Library fields of ``quiz``; ``request`` is kept as its inputs when given."""
    return {
        "title": quiz.title,
        "content": quiz.model_dump(mode="json"),
        "inputs": request.model_dump(mode="json") if request is not None else {},
        "info": quiz_info(quiz),
        "subject": quiz.subject or "",
        "language": quiz.language,
    }


def quiz_formats() -> tuple[str, ...]:
    """Every export format of a quiz (the exporters are loaded only when asked)."""
    from toolkit.quiz.export import FORMATS

    return FORMATS


def write_quiz(quiz: Quiz, fmt: str, folder: Path, stem: str) -> list[Path]:
    """``quiz`` exported as ``fmt`` into ``folder`` (each exporter names its own files)."""
    from toolkit.quiz.export import export_quiz, write_export

    return write_export(export_quiz(quiz, fmt), folder)
