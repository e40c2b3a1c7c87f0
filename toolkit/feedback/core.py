"""Feedback on student work against a rubric: levels, verified evidence, strength, next step.

For every criterion the work is scored with the calibrated short-answer pipeline against the
criterion's target (``criteria.plan_criterion``: its key points, else the reference answer, else
its top descriptor); the 0-5 level is mapped onto the rubric's levels, with a confidence that is
the calibrated chance a human grader agrees. A language criterion is judged on language instead
(``language_check``: informal words, capitals, complete sentences, EYD/PUEBI), and a reasoning
criterion reaches the top level only when the work gives a reason, a completeness criterion only
when every key point is there. Each criterion quotes the part
of the work that bears on it, with a strength and a next step about that criterion
(``evidence``); every quotation is verified to occur in the work (otherwise it is dropped).
Personal data is masked before scoring and restored in the output; instruction-like sentences
are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from toolkit.feedback.calibration import Strictness
from toolkit.feedback.confidence import shipped_maps
from toolkit.feedback.criteria import CriterionPlan, plan_criterion, reaches_top
from toolkit.feedback.evidence import criterion_evidence
from toolkit.feedback.language_check import check_language, language_level
from toolkit.feedback.models import CriterionFeedback, StudentFeedback, WorkItem
from toolkit.feedback.privacy import MaskedText, mask_batch
from toolkit.feedback.rubric import Rubric, RubricCriterion
from toolkit.feedback.safety import INJECTION_NOTE, normalise_space, remove_instructions
from toolkit.feedback.short_answer import EMPTY_NOTE, score_answers
from toolkit.feedback.signals import content_words
from toolkit.feedback.vectors import TextVectors
from toolkit.language import detect_language

SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
MAX_SENTENCES = 200
PLACEHOLDER_NUMBER = re.compile(r"\[([A-Z_]+?)_\d+\]")


def neutral_placeholders(text: str) -> str:
    """``[NAMA_3]`` -> ``[NAMA]``: the scored text never depends on which or how many names."""
    return PLACEHOLDER_NUMBER.sub(r"[\1]", text)


def verify_quotes(quotes: list[str], work: str) -> list[str]:
    """Keep only quotations that occur in ``work`` (ignoring spacing and case)."""
    haystack = normalise_space(work).lower()
    return [quote for quote in quotes if quote.strip() and normalise_space(quote).lower() in haystack]


def sentences_of(text: str) -> list[str]:
    """The work's sentences (at most ``MAX_SENTENCES``; long work is read in chunks by the vectors)."""
    found = [normalise_space(s) for s in SENTENCE.findall(text)]
    return [s for s in found if content_words(s)][:MAX_SENTENCES]


def recompute_total(feedback: StudentFeedback, rubric: Rubric) -> StudentFeedback:
    """Weighted total from the effective (overridden or scored) levels."""
    weights = {c.name: c.weight for c in rubric.criteria}
    total_weight = sum(weights.get(c.criterion, 1.0) for c in feedback.criteria) or 1.0
    mean_points = 0.0
    for item in feedback.criteria:
        index = item.override_level if item.override_level is not None else item.level_index
        item.points = rubric.levels[index].points
        mean_points += weights.get(item.criterion, 1.0) * item.points / total_weight
    low = min(level.points for level in rubric.levels)
    feedback.total_points = round(mean_points, 2)
    feedback.max_points = rubric.max_points
    feedback.percent = (
        round(100 * (mean_points - low) / max(rubric.max_points - low, 1e-9), 1) + 0.0
    )  # no "-0"
    nearest = min(rubric.levels, key=lambda level: abs(level.points - mean_points))
    feedback.scale_label = nearest.label
    return feedback


def override(
    feedback: StudentFeedback, rubric: Rubric, criterion: str, level_index: int, reason: str
) -> StudentFeedback:
    """The teacher sets a criterion's level; a reason is required and approval is reset."""
    if not reason.strip():
        raise ValueError("An override needs a reason (alasan).")
    if not 0 <= level_index < len(rubric.levels):
        raise ValueError(f"Level must be between 0 and {len(rubric.levels) - 1}.")
    for item in feedback.criteria:
        if item.criterion == criterion:
            item.override_level = level_index
            item.override_reason = reason.strip()
            feedback.approved = False
            return recompute_total(feedback, rubric)
    raise ValueError(f"The rubric has no criterion '{criterion}'.")


def give_feedback(
    rubric: Rubric,
    works: list[WorkItem],
    vectors: TextVectors,
    reference: str = "",
    exemplars: list[str] | None = None,
    strictness: Strictness = "standard",
    language: Literal["auto", "id", "en"] = "auto",
    on_result: Callable[[StudentFeedback], None] | None = None,
    skip: set[str] | None = None,
) -> list[StudentFeedback]:
    """Feedback for every work (scored together, so a class batch uses the batch calibration).

    ``on_result`` is called after each finished student (used to save progress); students in
    ``skip`` are scored with the batch but not returned (they were finished in an earlier run).
    """
    rubric = rubric.filled()
    masked: list[MaskedText] = mask_batch([work.text for work in works], [work.name for work in works])
    cleaned: list[tuple[str, list[str]]] = [remove_instructions(m.text) for m in masked]
    texts = [neutral_placeholders(text) for text, _ in cleaned]
    references = [reference, *(exemplars or [])] if reference.strip() else list(exemplars or [])
    per_criterion: list[list[tuple[int, float]]] = []
    plans = [criterion_plan(criterion, references) for criterion in rubric.criteria]
    for criterion, plan in zip(rubric.criteria, plans, strict=True):
        best: list[tuple[int, float]] = [(0, 0.0)] * len(works)
        for target_text in plan.targets:
            scored = score_answers(vectors, f"{rubric.task} {criterion.name}", target_text, texts, strictness)
            best = [
                max(previous, (result.level, result.confidence))
                for previous, result in zip(best, scored, strict=True)
            ]
        per_criterion.append(best)
    results: list[StudentFeedback] = []
    for row, work in enumerate(works):
        if skip and work.student_id in skip:
            continue
        feedback = _student_feedback(
            rubric,
            work,
            masked[row],
            cleaned[row][0],
            cleaned[row][1],
            [levels[row] for levels in per_criterion],
            plans,
            vectors,
            language,
        )
        results.append(feedback)
        if on_result is not None:
            on_result(feedback)
    return results


def criterion_plan(criterion: RubricCriterion, references: list[str]) -> CriterionPlan:
    """How ``criterion`` is judged (``criteria.plan_criterion``)."""
    top = criterion.descriptors[-1] if criterion.descriptors else criterion.name
    return plan_criterion(criterion.name, criterion.key_points, references, top)


def _student_feedback(
    rubric: Rubric,
    work: WorkItem,
    masked: MaskedText,
    text: str,
    removed: list[str],
    levels: list[tuple[int, float]],
    plans: list[CriterionPlan],
    vectors: TextVectors,
    language: Literal["auto", "id", "en"],
) -> StudentFeedback:
    chosen: Literal["id", "en"] = detect_language(work.text) if language == "auto" else language
    notes = [INJECTION_NOTE] if removed else []
    sentences = sentences_of(text)
    if not sentences:
        notes.append(EMPTY_NOTE)
    report = check_language(text, chosen)
    top = len(rubric.levels) - 1
    items = []
    for criterion, plan, (level, confidence) in zip(rubric.criteria, plans, levels, strict=True):
        index = round(level * top / 5) if sentences else 0
        calibrated = plan.kind != "language"
        if plan.kind == "language":
            index, confidence = language_level(report, len(rubric.levels)), 0.0
        elif index == top and not reaches_top(plan, text):
            index = max(top - 1, 0)
        if not sentences and calibrated:
            confidence = shipped_maps().empty
        found = criterion_evidence(plan, text, index == top, chosen, vectors, report, masked.restore)
        items.append(
            CriterionFeedback(
                criterion=criterion.name,
                level_index=index,
                level_label=rubric.levels[index].label,
                points=rubric.levels[index].points,
                evidence=verify_quotes(found.quotes, work.text),
                strength=found.strength,
                next_step=found.next_step,
                confidence=round(confidence, 2),
                calibrated=calibrated,
            )
        )
    feedback = StudentFeedback(student_id=work.student_id, language=chosen, criteria=items, notes=notes)
    return recompute_total(feedback, rubric)
