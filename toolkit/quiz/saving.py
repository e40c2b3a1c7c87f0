"""Saving quizzes to the materials library (kind ``quiz``) with what produced them."""

from __future__ import annotations

from typing import Any

from toolkit.library import Library, Material
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


def save_quiz(
    library: Library,
    quiz: Quiz,
    request: QuizRequest | None = None,
    *,
    material_id: str | None = None,
    owner: str = "",
) -> Material:
    """Save (or, with ``material_id``, update) the quiz in the library."""
    return library.save(
        "quiz",
        quiz.title,
        quiz.model_dump(mode="json"),
        inputs=request.model_dump(mode="json") if request is not None else {},
        info=quiz_info(quiz),
        subject=quiz.subject or "",
        language=quiz.language,
        material_id=material_id,
        owner=owner,
    )


def load_quiz(library: Library, material_id: str) -> Quiz:
    """A saved quiz back from the library."""
    return Quiz.model_validate(library.get(material_id).content)
