"""The data of a quiz: requests, items with their evidence and check results, and the whole quiz.

Every item records where its key comes from (``evidence``: a quotation of the passage and its
citation), which path produced it (``origin``: the chat model, the offline fallback built from the
passages, or the teacher's own edit) and the results of every check it went through. An item is
*verified* only when it has evidence and every gating check passed.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, computed_field, model_validator

from toolkit.language import BloomLevel

QuestionType = Literal["mc", "mr", "tf", "short", "match", "order", "essay"]
QUESTION_TYPES: tuple[QuestionType, ...] = ("mc", "mr", "tf", "short", "match", "order", "essay")
Origin = Literal["model", "fallback", "teacher", "bank"]
Bloom = BloomLevel
Difficulty = Literal["easy", "medium", "hard"]
QuizLanguage = Literal["id", "en"]

DEFAULT_COUNTS: dict[QuestionType, int] = {"mc": 3, "tf": 2}
TYPE_NAMES: dict[QuestionType, dict[str, str]] = {
    "mc": {"id": "Pilihan ganda", "en": "Multiple choice"},
    "mr": {"id": "Pilihan ganda kompleks", "en": "Multiple response"},
    "tf": {"id": "Benar/salah", "en": "True/false"},
    "short": {"id": "Isian singkat", "en": "Short answer"},
    "match": {"id": "Menjodohkan", "en": "Matching"},
    "order": {"id": "Mengurutkan", "en": "Ordering"},
    "essay": {"id": "Uraian", "en": "Essay"},
}
TRUE_FALSE_WORDS: dict[str, tuple[str, str]] = {"id": ("Benar", "Salah"), "en": ("True", "False")}


def new_item_id() -> str:
    """A short unique id for an item."""
    return uuid.uuid4().hex[:10]


class Passage(BaseModel):
    """A piece of source text items are built from, with the citation a teacher can follow."""

    id: str = Field(description="P1, P2, … in the order the passages were gathered.")
    text: str
    citation: str = Field(description="Human-readable source: file, page, section.")
    source: str = ""


class Evidence(BaseModel):
    """A quotation from one passage that proves an item's key."""

    passage_id: str
    quote: str
    citation: str


class MatchPair(BaseModel):
    """One left-right pair of a matching item."""

    left: str
    right: str


class CheckResult(BaseModel):
    """The outcome of one check; ``gating`` checks decide whether the item is verified."""

    name: str
    passed: bool
    detail: str = ""
    gating: bool = True


class QuizItem(BaseModel):
    """One question with its key, explanation, evidence and check results.

    The key lives in the field that fits the type: ``correct`` holds the right option texts
    (``mc``: one, ``mr``: several), ``["true"]``/``["false"]`` for ``tf``, the accepted answers
    for ``short`` and the steps in the right order for ``order`` (``options`` then holds them in
    the shown order); ``pairs`` holds the pairs of a ``match`` item; ``scoring_guide`` the points
    an ``essay`` answer should make.
    """

    id: str = Field(default_factory=new_item_id)
    type: QuestionType
    stem: str = Field(min_length=1)
    options: list[str] = Field(default_factory=list)
    correct: list[str] = Field(default_factory=list)
    pairs: list[MatchPair] = Field(default_factory=list)
    scoring_guide: list[str] = Field(default_factory=list)
    explanation: str = ""
    evidence: Evidence | None = None
    bloom: Bloom = "C1"
    difficulty: Difficulty = "easy"
    objective: str = Field(default="", description="The tujuan pembelajaran the item tests.")
    origin: Origin = "model"
    checks: list[CheckResult] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def verified(self) -> bool:
        """True when the item has evidence and every gating check ran and passed."""
        gating = [check for check in self.checks if check.gating]
        return self.evidence is not None and bool(gating) and all(check.passed for check in gating)

    def failed_checks(self) -> list[CheckResult]:
        """The gating checks that failed."""
        return [check for check in self.checks if check.gating and not check.passed]

    def failure_reason(self) -> str:
        """One line naming the failed checks and why."""
        failed = self.failed_checks()
        if not failed:
            return "" if self.evidence is not None else "no evidence"
        return "; ".join(f"{check.name}: {check.detail}" if check.detail else check.name for check in failed)

    def tf_answer(self) -> bool | None:
        """The key of a true/false item as a bool (None for other types)."""
        if self.type != "tf" or not self.correct:
            return None
        return self.correct[0].strip().lower() == "true"

    def correct_indexes(self) -> list[int]:
        """0-based positions of the correct options (choice items)."""
        return [index for index, option in enumerate(self.options) if option in self.correct]


class DroppedItem(BaseModel):
    """An item that failed its checks twice; shown to the teacher with the reason."""

    type: QuestionType
    stem: str
    origin: Origin
    reason: str


class QuizRequest(BaseModel):
    """What the teacher asks for."""

    topic: str = Field(default="", max_length=300, description="Topic or tujuan pembelajaran.")
    objective: str = Field(default="", max_length=300, description="Tujuan pembelajaran, if given.")
    subject: str | None = None
    fase: str | None = None
    kelas: int | None = Field(default=None, ge=1, le=12)
    source_text: str | None = Field(
        default=None,
        max_length=400_000,
        description="The teacher's own text (as an upload, at most 400,000 characters).",
    )
    source_file: str | None = Field(default=None, description="Path of an uploaded .pdf/.docx/.md/.txt.")
    counts: dict[QuestionType, int] = Field(default_factory=lambda: dict(DEFAULT_COUNTS))
    language: QuizLanguage = "id"
    difficulty: Literal["mixed", "easy", "medium", "hard"] = "mixed"
    bloom_levels: list[Bloom] = Field(default_factory=list, description="Preferred Bloom levels.")
    use_model: bool = Field(default=True, description="False builds every item from the text only.")
    use_bank: bool = Field(default=True, description="False ignores the topic bank's questions.")
    model_check_on_fallback: bool = Field(
        default=True, description="Also ask the model to re-answer fallback items (advisory)."
    )
    k: int = Field(default=6, ge=1, le=20, description="Passages retrieved for a topic.")
    draft_max_tokens: int = Field(default=256, ge=32, le=1024, description="Token budget of one model draft.")

    @model_validator(mode="after")
    def _has_something_to_work_from(self) -> QuizRequest:
        if self.subject is not None and self.subject.strip():
            from toolkit.index.metadata import known_subjects_sentence, normalise_subject

            slug = normalise_subject(self.subject)
            if slug is None:
                raise ValueError(known_subjects_sentence(self.subject, self.language))
            self.subject = slug
        elif self.subject is not None:
            self.subject = None
        if not (self.topic.strip() or self.objective.strip() or self.source_text or self.source_file):
            raise ValueError("give a topic, a tujuan pembelajaran, a text or a file")
        for kind, count in self.counts.items():
            if count < 0 or count > 50:
                raise ValueError(f"the number of {kind} items must be between 0 and 50")
        if sum(self.counts.values()) < 1:
            raise ValueError("ask for at least one item")
        return self

    @property
    def total(self) -> int:
        """Number of items asked for."""
        return sum(self.counts.values())

    @property
    def query(self) -> str:
        """The text used to retrieve passages."""
        return " ".join(part for part in (self.topic.strip(), self.objective.strip()) if part)


class Quiz(BaseModel):
    """A generated quiz: items, dropped items with reasons, notes, the passages used."""

    title: str
    language: QuizLanguage = "id"
    topic: str = ""
    subject: str | None = None
    fase: str | None = None
    kelas: int | None = None
    items: list[QuizItem] = Field(default_factory=list)
    dropped: list[DroppedItem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    model: str = ""
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    stats: dict[str, float] = Field(default_factory=dict)

    def verified_items(self) -> list[QuizItem]:
        """Items whose evidence and checks are in order."""
        return [item for item in self.items if item.verified]

    def passage(self, passage_id: str) -> Passage | None:
        """The passage with ``passage_id``."""
        return next((p for p in self.passages if p.id == passage_id), None)
