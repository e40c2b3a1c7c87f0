"""The feedback tool's data: the request, one student's result, and a class run.

Plain pydantic models with no scoring code behind them, so the tool registry, the Library and the
exports can name them without loading the embeddings or the language model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from toolkit.feedback.calibration import Strictness
from toolkit.feedback.rubric import Rubric

FeedbackLanguage = Literal["auto", "id", "en"]
SHORT_ANSWER_CALIBRATION = "toolkit/feedback/calibration/short_answer_{batch,single}.json"


class CriterionFeedback(BaseModel):
    """The result for one criterion (the teacher may override the level with a reason)."""

    criterion: str
    level_index: int
    level_label: str
    points: float
    evidence: list[str] = Field(default_factory=list)
    strength: str = ""
    next_step: str = ""
    confidence: float = 0.0
    calibrated: bool = True
    """Whether ``confidence`` is calibrated on human grades (False: a visible rule, e.g. language)."""
    override_level: int | None = None
    override_reason: str = ""


class StudentFeedback(BaseModel):
    """All criteria for one student, the total and its place on the rubric's scale."""

    student_id: str
    language: Literal["id", "en"] = "id"
    criteria: list[CriterionFeedback]
    total_points: float = 0.0
    max_points: float = 0.0
    percent: float = 0.0
    scale_label: str = ""
    notes: list[str] = Field(default_factory=list)
    approved: bool = False


class WorkItem(BaseModel):
    """One piece of student work."""

    student_id: str
    text: str
    name: str = ""


class FeedbackRequest(BaseModel):
    """What the feedback tool is asked: a rubric, the works, and how to read them."""

    rubric: Rubric
    works: list[WorkItem]
    reference: str = ""
    exemplars: list[str] = Field(default_factory=list)
    strictness: Strictness = "standard"
    language: FeedbackLanguage = "auto"


class FeedbackRun(BaseModel):
    """What a feedback run produced, with the rubric and strictness it was scored with."""

    rubric: Rubric
    results: list[StudentFeedback]
    strictness: Strictness = "standard"
    embeddings: str = ""
    """The embedding model the scores were computed with (recorded in the Library)."""
    calibration: str = SHORT_ANSWER_CALIBRATION
    """The shipped calibration the levels come from (recorded in the Library)."""
    notes: list[str] = Field(default_factory=list)
    files: list[Path] = Field(default_factory=list)
    resumed: int = 0
    model_signals: bool = False
    """Whether the embedded language model's signals took part in the scores."""

    def approved(self) -> list[StudentFeedback]:
        """The results the teacher approved (the class report holds only these)."""
        return [result for result in self.results if result.approved]
