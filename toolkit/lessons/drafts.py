"""The small schemas the model fills for each section (every string and list bounded for the tiny model).

Code composes the section from a draft: it adds what it can compute (minutes, stages, sources,
the verb list), so the model only writes prose.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, JsonValue, ValidationInfo, field_validator

from toolkit.lessons.bloom import verbs


def require_words(text: str) -> str:
    """Refuse text that is not prose: fewer than two words, or mostly digits and symbols."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    letters = sum(1 for ch in text if ch.isalpha())
    if len(words) < 2 or letters < 0.6 * len(text.replace(" ", "")):
        raise ValueError("not prose: write words, not numbers or symbols")
    if "§" in text or re.search(r"\.(md|pdf|docx|txt)\b", text):
        raise ValueError("not prose: a file name or citation was copied instead of text")
    return text


NOT_PROSE = {"verb", "bloom", "experience", "principle", "term", "title"}


class Draft(BaseModel):
    """A draft whose prose fields must hold words (the grammar bounds their length, not their sense)."""

    @field_validator("*", mode="after")
    @classmethod
    def _prose(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name in NOT_PROSE:
            return value
        if isinstance(value, str):
            return require_words(value)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    require_words(item)
            texts = [str(getattr(item, "text", item)).strip().lower() for item in value]
            if len(set(texts)) < len(texts):
                raise ValueError("the same line is repeated; write different lines")
        return value


Line = Annotated[str, Field(min_length=5, max_length=110)]
Bloom = Literal["C1", "C2", "C3", "C4", "C5", "C6"]
VERBS_ID: list[JsonValue] = list(verbs("id"))
VERBS_EN: list[JsonValue] = list(verbs("en"))


class TextDraft(Draft):
    """One short paragraph."""

    text: str = Field(min_length=20, max_length=240)


class ListDraft(Draft):
    """Two to four short lines."""

    items: list[Line] = Field(min_length=2, max_length=4)


class ObjectivePartId(Draft):
    """An objective: an operational verb from the list and what it acts on."""

    verb: str = Field(max_length=30, json_schema_extra={"enum": VERBS_ID})
    content: str = Field(min_length=5, max_length=100)


class ObjectivePartEn(Draft):
    """An objective: an operational verb from the list and what it acts on."""

    verb: str = Field(max_length=30, json_schema_extra={"enum": VERBS_EN})
    content: str = Field(min_length=5, max_length=100)


class ObjectivesDraftId(Draft):
    """Two or three objectives."""

    objectives: list[ObjectivePartId] = Field(min_length=2, max_length=3)


class ObjectivesDraftEn(Draft):
    """Two or three objectives."""

    objectives: list[ObjectivePartEn] = Field(min_length=2, max_length=3)


class OutcomeDraftEn(Draft):
    """One learning outcome."""

    verb: str = Field(max_length=30, json_schema_extra={"enum": VERBS_EN})
    content: str = Field(min_length=5, max_length=100)


class OutcomeDraftId(Draft):
    """One learning outcome."""

    verb: str = Field(max_length=30, json_schema_extra={"enum": VERBS_ID})
    content: str = Field(min_length=5, max_length=100)


class StepDraft(Draft):
    """One learning step and its Bloom level."""

    text: str = Field(min_length=10, max_length=120)
    bloom: Bloom


class StepsDraft(Draft):
    """The steps of one phase."""

    steps: list[StepDraft] = Field(min_length=1, max_length=3)


class DeepStepDraft(Draft):
    """One step of Pembelajaran Mendalam with its experience and principle."""

    text: str = Field(min_length=10, max_length=120)
    bloom: Bloom
    experience: Literal["memahami", "mengaplikasi", "merefleksi"]
    principle: Literal["berkesadaran", "bermakna", "menggembirakan"]


class DeepStepsDraft(Draft):
    """The steps of one phase of Pembelajaran Mendalam."""

    steps: list[DeepStepDraft] = Field(min_length=1, max_length=3)


class AssessmentDraftMerdeka(Draft):
    """What each assessment stage checks."""

    diagnostik: str = Field(min_length=10, max_length=150)
    formatif: str = Field(min_length=10, max_length=150)
    sumatif: str = Field(min_length=10, max_length=150)


class AssessmentDraftMendalam(Draft):
    """What each assessment stage checks."""

    awal: str = Field(min_length=10, max_length=150)
    proses: str = Field(min_length=10, max_length=150)
    akhir: str = Field(min_length=10, max_length=150)


class ReflectionDraft(Draft):
    """Reflection questions."""

    learners: list[Line] = Field(min_length=1, max_length=3)
    teacher: list[Line] = Field(min_length=1, max_length=3)


class WorksheetDraft(Draft):
    """A worksheet title and tasks."""

    title: str = Field(min_length=5, max_length=60)
    tasks: list[Line] = Field(min_length=2, max_length=4)


class TermDraft(Draft):
    """A term and its definition."""

    term: str = Field(min_length=2, max_length=30)
    definition: str = Field(min_length=5, max_length=110)


class GlossaryDraft(Draft):
    """Two to five terms."""

    entries: list[TermDraft] = Field(min_length=2, max_length=5)


class EnrichmentDraft(Draft):
    """Enrichment and remedial activities."""

    enrichment: list[Line] = Field(min_length=1, max_length=2)
    remedial: list[Line] = Field(min_length=1, max_length=2)


class DesignDraft(Draft):
    """The Pembelajaran Mendalam framework, one sentence each."""

    lintas_disiplin: str = Field(min_length=5, max_length=120)
    praktik_pedagogis: str = Field(min_length=5, max_length=120)
    kemitraan: str = Field(min_length=5, max_length=120)
    lingkungan: str = Field(min_length=5, max_length=120)
    pemanfaatan_digital: str = Field(min_length=5, max_length=120)


class MisconceptionDraft(Draft):
    """A misconception and how to address it."""

    misconception: str = Field(min_length=5, max_length=110)
    response: str = Field(min_length=5, max_length=150)


class MisconceptionsDraft(Draft):
    """One to three misconceptions."""

    items: list[MisconceptionDraft] = Field(min_length=1, max_length=3)


class CycleDraft(Draft):
    """One learning cycle."""

    title: str = Field(min_length=3, max_length=50)
    explanation: str = Field(min_length=10, max_length=200)
    checks: list[Line] = Field(min_length=1, max_length=2)
    practice: str = Field(min_length=10, max_length=150)
    bloom: Bloom
