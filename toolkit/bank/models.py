"""The schema of a topic card: one chapter of a student book, as data.

Field names are English (the code's language); the content is Indonesian (or English for
``bahasa-inggris``). Everything a card says is written by people in their own words; facts that
could not be checked in two sources are listed in ``unverified``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Bloom = Literal["C1", "C2", "C3", "C4", "C5", "C6"]
BankQuestionType = Literal["mc", "mr", "tf", "short", "match", "order", "essay"]
ActivityKind = Literal[
    "lkpd", "diskusi", "praktik", "eksperimen", "permainan", "proyek", "presentasi", "observasi"
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Objective(_Strict):
    """One tujuan pembelajaran: an operational verb, a concept, a Bloom level."""

    text: str = Field(min_length=20)
    bloom: Bloom


class Concept(_Strict):
    """A key concept explained briefly."""

    term: str = Field(min_length=2)
    explanation: str = Field(min_length=30)


class Misconception(_Strict):
    """A common wrong idea and how to correct it."""

    wrong: str = Field(min_length=10)
    correction: str = Field(min_length=20)


class WorkedExample(_Strict):
    """A problem, the steps of its solution and the answer."""

    problem: str = Field(min_length=10)
    steps: list[str] = Field(min_length=1)
    answer: str = Field(min_length=1)


class Activity(_Strict):
    """A learner activity with differentiated variants."""

    title: str = Field(min_length=4)
    kind: ActivityKind
    minutes: int = Field(ge=5, le=120)
    steps: list[str] = Field(min_length=2, description="Learner-action sentences, in order.")
    support: str = Field(min_length=20, description="Variant for learners who need help.")
    on_track: str = Field(min_length=20, description="Variant for learners on track.")
    extension: str = Field(min_length=20, description="Variant for learners ready for more.")


class Diagnostic(_Strict):
    """A question asked before teaching, what a ready learner says, and what to do if not."""

    question: str = Field(min_length=10)
    expected: str = Field(min_length=5)
    if_not: str = Field(min_length=10)


class Pair(_Strict):
    """One left-right pair of a matching question."""

    left: str = Field(min_length=1)
    right: str = Field(min_length=1)


class BankQuestion(_Strict):
    """A question of the bank with its key, explanation, evidence and Bloom level.

    ``answer`` holds: ``mc`` the one right option, ``mr`` the right options, ``tf`` ``true`` or
    ``false``, ``short`` the accepted answers, ``order`` the steps in the right order (``options``
    holds them shuffled). ``evidence`` is quoted word for word from this card's concepts,
    misconceptions or worked examples, or from this question's ``explanation``.
    """

    type: BankQuestionType
    bloom: Bloom
    stem: str = Field(min_length=8)
    options: list[str] = Field(default_factory=list)
    answer: list[str] = Field(default_factory=list)
    pairs: list[Pair] = Field(default_factory=list)
    scoring_guide: list[str] = Field(default_factory=list)
    explanation: str = Field(min_length=15)
    evidence: str = Field(min_length=15)
    misconception: int | None = Field(
        default=None, ge=1, description="1-based number of the misconception a distractor comes from."
    )

    @field_validator("answer", "options", mode="before")
    @classmethod
    def _as_strings(cls, value: object) -> object:
        if isinstance(value, list):
            return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]
        return value


class SuccessCriterion(_Strict):
    """One KKTP criterion with its four levels (baru berkembang, layak, cakap, mahir)."""

    criterion: str = Field(min_length=10)
    baru_berkembang: str = Field(min_length=10)
    layak: str = Field(min_length=10)
    cakap: str = Field(min_length=10)
    mahir: str = Field(min_length=10)


class TopicCard(_Strict):
    """One chapter of a student book, ready for lesson plans, quizzes and rubrics."""

    id: str
    subject: str
    fase: Literal["A", "B", "C", "D"]
    kelas: int = Field(ge=1, le=9)
    chapter: int | None = Field(default=None, ge=1, le=20, description="Bab number in the Buku Siswa.")
    title: str = Field(min_length=3)
    aliases: list[str] = Field(min_length=2)
    elements: list[str] = Field(min_length=1, description="CP elements the chapter serves.")
    language: Literal["id", "en"] = "id"
    summary: str = Field(min_length=40, description="What the chapter is about, two or three sentences.")
    sources: list[str] = Field(min_length=2)
    unverified: list[str] = Field(default_factory=list)
    prior_knowledge: list[str] = Field(min_length=1, description="Kompetensi awal the chapter builds on.")
    objectives: list[Objective] = Field(min_length=3)
    concepts: list[Concept] = Field(min_length=3)
    misconceptions: list[Misconception] = Field(min_length=2)
    examples: list[WorkedExample] = Field(default_factory=list)
    activities: list[Activity] = Field(min_length=3)
    trigger_questions: list[str] = Field(min_length=1, description="Pertanyaan pemantik.")
    materials: list[str] = Field(min_length=1, description="Media, tools and materials the activities need.")
    diagnostic: Diagnostic
    questions: list[BankQuestion] = Field(min_length=10)
    success_criteria: list[SuccessCriterion] = Field(min_length=2)
    local_context: list[str] = Field(min_length=1)
    reflection: list[str] = Field(min_length=2, description="Reflection questions for learners.")
    origin: Literal["bank", "teacher"] = Field(
        default="bank", description="'teacher': built for one plan from the teacher's uploaded chapter."
    )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("id must be a lower-case slug such as matematika-5-pecahan")
        return value

    @model_validator(mode="after")
    def _fase_fits_kelas(self) -> TopicCard:
        fase_of = {1: "A", 2: "A", 3: "B", 4: "B", 5: "C", 6: "C", 7: "D", 8: "D", 9: "D"}
        if fase_of[self.kelas] != self.fase:
            raise ValueError(f"kelas {self.kelas} belongs to fase {fase_of[self.kelas]}, not {self.fase}")
        return self
