"""Analytic rubrics: the model, deterministic generation from a learning goal, checks for gaps.

A rubric has 3-6 criteria, each with a weight, optional key points (what a complete answer
contains) and one descriptor per level. Levels default to the four KKTP-style labels
*baru berkembang / layak / cakap / mahir*; custom labels or 0-N points work the same way.
``generate_rubric`` builds the rubric from templates chosen by the kind of task, fills in the
learning goal, and cites the KKTP guidance found in the curriculum index; it needs no language
model, so it works the same with the tiny embedded model.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from pydantic import BaseModel, Field

DEFAULT_LEVELS_ID = ["Baru berkembang", "Layak", "Cakap", "Mahir"]
DEFAULT_LEVELS_EN = ["Beginning", "Developing", "Proficient", "Advanced"]
KKTP_QUERY = "kriteria ketercapaian tujuan pembelajaran KKTP rubrik interval deskripsi"


class RubricLevel(BaseModel):
    """One column of the rubric: a label and its points."""

    label: str = Field(min_length=1, max_length=60)
    points: float = 0.0


class RubricCriterion(BaseModel):
    """One row: what is assessed, its weight, key points and one descriptor per level."""

    name: str = Field(min_length=1, max_length=120)
    weight: float = Field(default=1.0, ge=0.0)
    key_points: list[str] = Field(default_factory=list, max_length=12)
    descriptors: list[str] = Field(default_factory=list)


class Rubric(BaseModel):
    """An analytic rubric."""

    title: str = Field(default="Rubrik", max_length=300)
    task: str = ""
    language: Literal["id", "en"] = "id"
    levels: list[RubricLevel]
    criteria: list[RubricCriterion]
    sources: list[str] = Field(default_factory=list)

    def gaps(self) -> list[str]:
        """Problems a teacher must fix, one sentence each (empty list = complete)."""
        problems: list[str] = []
        if len(self.levels) < 2:
            problems.append("The rubric needs at least two levels.")
        if not self.criteria:
            problems.append("The rubric has no criteria.")
        for criterion in self.criteria:
            if len(criterion.descriptors) != len(self.levels):
                problems.append(
                    f"Criterion '{criterion.name}' has {len(criterion.descriptors)} descriptors "
                    f"for {len(self.levels)} levels."
                )
            for level, text in zip(self.levels, criterion.descriptors, strict=False):
                if not text.strip():
                    problems.append(f"Criterion '{criterion.name}' has no descriptor for '{level.label}'.")
        if self.criteria and sum(c.weight for c in self.criteria) <= 0:
            problems.append("All criterion weights are zero.")
        return problems

    def filled(self) -> Rubric:
        """A copy with every gap filled by a neutral descriptor so scoring can still run."""
        copy = self.model_copy(deep=True)
        for criterion in copy.criteria:
            descriptors = list(criterion.descriptors)[: len(copy.levels)]
            descriptors += [""] * (len(copy.levels) - len(descriptors))
            criterion.descriptors = [
                text.strip() or f"{criterion.name}: {level.label}"
                for text, level in zip(descriptors, copy.levels, strict=True)
            ]
        if copy.criteria and sum(c.weight for c in copy.criteria) <= 0:
            for criterion in copy.criteria:
                criterion.weight = 1.0
        return copy

    @property
    def max_points(self) -> float:
        """Points of the highest level."""
        return max(level.points for level in self.levels)


def make_levels(
    labels: list[str] | None = None, points: int | None = None, language: str = "id"
) -> list[RubricLevel]:
    """Levels from custom labels, from ``0..points``, or the four default labels (1-4 points)."""
    if points is not None:
        return [RubricLevel(label=str(value), points=float(value)) for value in range(points + 1)]
    chosen = labels or (DEFAULT_LEVELS_ID if language == "id" else DEFAULT_LEVELS_EN)
    return [RubricLevel(label=label, points=float(number)) for number, label in enumerate(chosen, start=1)]


class RubricRequest(BaseModel):
    """What the teacher gives to generate a rubric."""

    goal: str = Field(min_length=3, max_length=2000, description="Tujuan pembelajaran, task or question.")
    reference: str = Field(default="", max_length=5000)
    language: Literal["id", "en"] = "id"
    level_labels: list[str] | None = None
    points: int | None = Field(default=None, ge=1, le=10)
    subject: str | None = None
    fase: str | None = None
    kelas: int | None = Field(default=None, ge=1, le=12)
    topic: str = Field(default="", max_length=200, description="Chapter or topic: its card's KKTP is used.")


class PassageSearch(Protocol):
    """What ``generate_rubric`` needs from a retriever."""

    def search(self, query: str, k: int = ..., filters: object = ...) -> list[object]:
        """Passages with ``.citation.label()``."""
        ...


TEMPLATES: dict[str, dict[str, list[tuple[str, float]]]] = {
    "writing": {
        "id": [
            ("Isi dan gagasan", 2.0),
            ("Organisasi dan kohesi", 1.0),
            ("Kosakata dan ungkapan", 1.0),
            ("Tata bahasa dan ejaan", 1.0),
        ],
        "en": [
            ("Content and ideas", 2.0),
            ("Organisation and cohesion", 1.0),
            ("Vocabulary and phrasing", 1.0),
            ("Grammar and conventions", 1.0),
        ],
    },
    "project": {
        "id": [
            ("Perencanaan", 1.0),
            ("Pelaksanaan dan proses", 1.0),
            ("Kualitas hasil", 2.0),
            ("Presentasi dan refleksi", 1.0),
        ],
        "en": [
            ("Planning", 1.0),
            ("Process", 1.0),
            ("Quality of the product", 2.0),
            ("Presentation and reflection", 1.0),
        ],
    },
    "answer": {
        "id": [
            ("Ketepatan konsep", 2.0),
            ("Kelengkapan poin kunci", 2.0),
            ("Penjelasan dan penalaran", 1.0),
            ("Kejelasan bahasa", 1.0),
        ],
        "en": [
            ("Accuracy of concepts", 2.0),
            ("Completeness of key points", 2.0),
            ("Explanation and reasoning", 1.0),
            ("Clarity of language", 1.0),
        ],
    },
}
QUALIFIERS = {
    "id": [
        "belum menunjukkan",
        "menunjukkan sebagian kecil dari",
        "menunjukkan sebagian besar dari",
        "menunjukkan secara lengkap dan tepat",
    ],
    "en": ["does not yet show", "shows a small part of", "shows most of", "fully and accurately shows"],
}


def task_kind(goal: str) -> str:
    """``writing``, ``project`` or ``answer`` from the words of the goal."""
    lower = goal.lower()
    if re.search(r"\b(menulis|karangan|esai|essay|teks|paragraf|write|writing|cerita|puisi)\b", lower):
        return "writing"
    if re.search(r"\b(proyek|project|merancang|membuat|praktik|eksperimen|percobaan|produk|design)\b", lower):
        return "project"
    return "answer"


def _qualifier(index: int, count: int, language: str) -> str:
    words = QUALIFIERS[language]
    return words[round(index * (len(words) - 1) / max(count - 1, 1))]


def rubric_from_card(
    request: RubricRequest, levels: list[RubricLevel], points: list[str], retriever: PassageSearch | None
) -> Rubric | None:
    """A rubric whose criteria are the matched topic card's success criteria (KKTP), or None.

    The card's four levels (baru berkembang, layak, cakap, mahir) fill a four-level rubric; with
    other levels the card's lowest and highest descriptions frame the ones between. The reference's
    key points go to the first criterion only, so no two criteria share key points.
    """
    from toolkit.bank.loader import card_citation
    from toolkit.bank.match import match_card
    from toolkit.index.metadata import normalise_subject

    subject = normalise_subject(request.subject) if request.subject else None
    if subject is None:
        return None
    match = match_card(
        request.topic or request.goal,
        subject,
        kelas=request.kelas,
        fase=request.fase,
        retriever=retriever,  # type: ignore[arg-type]
    )
    if match is None:
        return None
    card = match.card
    criteria = []
    for number, item in enumerate(card.success_criteria):
        four = [item.baru_berkembang, item.layak, item.cakap, item.mahir]
        if len(levels) == 4:
            descriptors = four
        else:
            descriptors = [four[round(i * 3 / max(1, len(levels) - 1))] for i in range(len(levels))]
        criteria.append(
            RubricCriterion(
                name=item.criterion[:120],
                weight=1.0,
                descriptors=descriptors,
                key_points=points[:12] if number == 0 else [],
            )
        )
    goal = " ".join(request.goal.split())
    title = ("Rubrik: " if request.language == "id" else "Rubric: ") + goal[:120]
    return Rubric(
        title=title,
        task=goal,
        language=request.language,
        levels=levels,
        criteria=criteria,
        sources=[card_citation(card)],
    )


def criterion_points(name: str, request: RubricRequest) -> list[str]:
    """Key points of a generated criterion; no two criteria of one rubric get the same ones.

    A completeness/content criterion takes the reference's key points (its clauses), a concept
    criterion its key terms (``criteria.concept_points``, none when they would repeat the clauses),
    reasoning and language criteria none (they are judged on the reasons given and on language).
    """
    from toolkit.feedback.criteria import concept_points, criterion_kind
    from toolkit.feedback.signals import key_points

    if not request.reference.strip():
        return []
    kind = criterion_kind(name)
    if kind == "coverage":
        return key_points(request.reference)[:12]
    if kind == "concept":
        return concept_points(request.reference)[:12]
    return []


def generate_rubric(request: RubricRequest, *, retriever: PassageSearch | None = None) -> Rubric:
    """A complete rubric for ``request.goal``, citing KKTP guidance from the index when available."""
    from toolkit.feedback.signals import key_points

    language = request.language
    levels = make_levels(request.level_labels, request.points, language)
    goal = " ".join(request.goal.split())
    points = key_points(request.reference) if request.reference.strip() else []
    from_card = rubric_from_card(request, levels, points, retriever)
    if from_card is not None:
        return from_card
    criteria = []
    for name, weight in TEMPLATES[task_kind(goal)][language]:
        descriptors = []
        for index in range(len(levels)):
            qualifier = _qualifier(index, len(levels), language)
            focus = name.lower()
            if language == "id":
                descriptors.append(f"Peserta didik {qualifier} {focus} sesuai tujuan: {goal[:160]}.")
            else:
                descriptors.append(f"The student {qualifier} {focus} for the goal: {goal[:160]}.")
        criteria.append(
            RubricCriterion(
                name=name, weight=weight, descriptors=descriptors, key_points=criterion_points(name, request)
            )
        )
    sources: list[str] = []
    if retriever is not None:
        from toolkit.index.retrieval import SearchFilters

        try:
            hits = retriever.search(KKTP_QUERY, k=3, filters=SearchFilters(language="id"))
        except Exception:  # the index is optional for a rubric; the rubric is still complete
            hits = []
        sources = [hit.citation.label() for hit in hits]  # type: ignore[attr-defined]
    title = ("Rubrik: " if language == "id" else "Rubric: ") + goal[:120]
    return Rubric(
        title=title, task=goal, language=language, levels=levels, criteria=criteria, sources=sources
    )
