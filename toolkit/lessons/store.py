"""A plan as the Library keeps it: the record written after every change, and the plan read back.

The lesson tool never saves by itself; the caller (tab, command line, notebook) hands the plan to
``toolkit.tools.LESSON_PLAN.save``, which stores what ``plan_record`` describes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.lessons.models import LessonPlan, LessonRequest

PLAN_FORMATS: tuple[str, ...] = ("docx", "md", "json")


def plan_info(plan: LessonPlan) -> dict[str, object]:
    """What produced the plan: model, prompt version, sources, checks, who wrote each section."""
    return {
        "model": plan.model,
        "prompt_version": plan.prompt_version,
        "format": plan.request.format,
        "status": plan.status,
        "sources": [source.label for source in plan.sources()],
        "checks": [check.model_dump() for check in plan.checks],
        "authors": {section.key: section.author for section in plan.sections},
        "warnings": plan.warnings,
        "stats": plan.stats,
    }


def plan_record(plan: LessonPlan, request: LessonRequest | None = None) -> dict[str, Any]:
    """The Library fields of ``plan`` (its request travels inside the plan)."""
    return {
        "title": plan.title,
        "content": plan.model_dump(mode="json"),
        "inputs": (request or plan.request).model_dump(mode="json"),
        "info": plan_info(plan),
        "subject": plan.request.subject,
        "language": plan.request.language,
        "owner": plan.owner,
    }


def write_plan(plan: LessonPlan, fmt: str, folder: Path, stem: str) -> list[Path]:
    """``plan`` written as ``fmt`` (docx, md, json) into ``folder``."""
    from toolkit.lessons.export import export_plan

    return [export_plan(plan, folder / f"{stem}.{fmt}")]
