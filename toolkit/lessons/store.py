"""Plans in the materials library (kind ``lesson-plan``): save after every change, reopen by id."""

from __future__ import annotations

from toolkit.errors import ToolkitError
from toolkit.lessons.models import LessonPlan
from toolkit.library import Library, Material

KIND = "lesson-plan"


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


def save_plan(library: Library, plan: LessonPlan) -> LessonPlan:
    """Save (or update) the plan; returns it with its ``material_id``."""
    material = library.save(
        KIND,
        plan.title,
        plan.model_dump(mode="json"),
        inputs=plan.request.model_dump(mode="json"),
        info=plan_info(plan),
        subject=plan.request.subject,
        language=plan.request.language,
        owner=plan.owner,
        material_id=plan.material_id,
    )
    return plan.model_copy(update={"material_id": material.id})


def load_plan(library: Library, material_id: str) -> LessonPlan:
    """Reopen a saved plan."""
    material = library.get(material_id)
    return plan_from_material(material)


def plan_from_material(material: Material) -> LessonPlan:
    """The plan stored in a library record (``ToolkitError`` when it is not a lesson plan)."""
    if material.kind != KIND:
        raise ToolkitError(f"Material {material.id} is a {material.kind}, not a lesson plan.")
    plan = LessonPlan.model_validate(material.content)
    return plan.model_copy(update={"material_id": material.id})


def list_plans(library: Library, owner: str | None = None, limit: int = 50) -> list[Material]:
    """Saved plans of ``owner`` (everyone's when None), newest first; the owner is part of the query,
    so other accounts' plans never push one's own out of the ``limit``."""
    return library.list(kind=KIND, owner=owner, limit=limit)
