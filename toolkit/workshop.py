"""Workshop packs: a sequence of exercises in files, and who has done which exercise.

A pack is a folder (``workshops/<id>/``) with ``workshop.yaml`` (days and the order of exercises)
and ``exercises/<id>.yaml`` (bilingual instructions, a starting input for a tool, what to look at).
Participants' submissions are library materials of kind ``submission``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from toolkit.errors import ToolkitError
from toolkit.library import Library, Material

WORKSHOPS_DIR = Path(__file__).resolve().parent.parent / "workshops"
Tool = Literal["curriculum", "lesson", "quiz", "feedback", "prompt-lab", "library", "none"]


class Bilingual(BaseModel):
    """A text in Indonesian and English."""

    id: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``language`` (Indonesian by default)."""
        return self.en if language == "en" else self.id


class BilingualList(BaseModel):
    """A list of texts in Indonesian and English."""

    id: list[str] = Field(min_length=1)
    en: list[str] = Field(min_length=1)

    def get(self, language: str) -> list[str]:
        """The list in ``language``."""
        return self.en if language == "en" else self.id


class Exercise(BaseModel):
    """One hands-on exercise."""

    id: str
    day: int = Field(ge=1, le=10)
    minutes: int = Field(ge=5, le=480)
    tool: Tool
    title: Bilingual
    goal: Bilingual
    instructions: BilingualList
    starting_input: dict[str, Any] = Field(default_factory=dict)
    look_at: BilingualList

    def as_markdown(self, language: str) -> str:
        """Instructions for a participant, in one language."""
        heading = "Langkah" if language != "en" else "Steps"
        notice = "Perhatikan" if language != "en" else "Look at"
        steps = "\n".join(f"{n}. {step}" for n, step in enumerate(self.instructions.get(language), start=1))
        looks = "\n".join(f"- {item}" for item in self.look_at.get(language))
        return (
            f"### {self.title.get(language)}\n\n*{self.goal.get(language)}* ({self.minutes} min)\n\n"
            f"**{heading}**\n\n{steps}\n\n**{notice}**\n\n{looks}"
        )


class WorkshopDay(BaseModel):
    """A day and its exercises in order."""

    day: int
    title: Bilingual
    exercises: list[str]


class WorkshopPack(BaseModel):
    """A whole workshop."""

    id: str
    title: Bilingual
    description: Bilingual
    days: list[WorkshopDay]
    exercises: dict[str, Exercise] = Field(default_factory=dict)

    def ordered(self) -> list[Exercise]:
        """Every exercise in the order of the days."""
        return [self.exercises[name] for day in self.days for name in day.exercises]


def load_pack(folder: Path) -> WorkshopPack:
    """Read and check a workshop pack; every problem is reported in one sentence."""
    try:
        data = yaml.safe_load((folder / "workshop.yaml").read_text(encoding="utf-8"))
        pack = WorkshopPack.model_validate(data)
        for day in pack.days:
            for name in day.exercises:
                raw = yaml.safe_load((folder / "exercises" / f"{name}.yaml").read_text(encoding="utf-8"))
                exercise = Exercise.model_validate(raw)
                if exercise.id != name or exercise.day != day.day:
                    raise ToolkitError(f"Exercise {name} names itself {exercise.id} on day {exercise.day}.")
                pack.exercises[name] = exercise
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ToolkitError(
            f"The workshop pack in {folder} could not be read ({type(exc).__name__}: {str(exc)[:200]})."
        ) from exc
    return pack


def available_packs(root: Path = WORKSHOPS_DIR) -> list[Path]:
    """Folders under ``workshops/`` that hold a ``workshop.yaml``."""
    return sorted(p.parent for p in root.glob("*/workshop.yaml"))


MAX_NOTE_CHARS = 5000


def submit(library: Library, owner: str, exercise: Exercise, note: str, material_id: str = "") -> Material:
    """Record that ``owner`` did an exercise, with a note and optionally one of ``owner``'s saved materials.

    A material id that is not ``owner``'s own (another participant's, or none at all) is refused
    with the same sentence, so a submission never points at someone else's work and the answer
    does not tell whether the id exists.
    """
    material_id = material_id.strip()
    if material_id:
        try:
            material = library.get(material_id)
        except ToolkitError:
            material = None
        if material is None or material.owner != owner or material.deleted:
            raise ToolkitError(
                f"None of your saved materials has the id {material_id[:60]}; copy the id from your Library."
            )
    if len(note) > MAX_NOTE_CHARS:
        raise ToolkitError(f"The note has {len(note):,} characters; keep it under {MAX_NOTE_CHARS:,}.")
    return library.save(
        "submission",
        f"{exercise.id}: {owner or 'guru'}",
        {"exercise": exercise.id, "note": note.strip(), "material_id": material_id},
        owner=owner,
    )


def progress(library: Library, pack: WorkshopPack) -> dict[str, set[str]]:
    """For each participant, the exercises of this pack they have submitted."""
    done: dict[str, set[str]] = {}
    for material in library.list(kind="submission", limit=100_000):
        exercise = str(material.content.get("exercise", ""))
        if exercise in pack.exercises:
            done.setdefault(material.owner, set()).add(exercise)
    return done
