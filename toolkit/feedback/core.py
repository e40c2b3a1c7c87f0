"""Feedback on student work against a rubric: levels, verified evidence, strength, next step.

For every criterion the work is scored with the calibrated short-answer pipeline against the
criterion's target (its key points, else the reference answer, else its top descriptor); the
0-5 level is mapped onto the rubric's levels. Evidence is the work's own sentence closest to the
target, and every quotation is verified to occur in the work (otherwise it is dropped). The
strength names the best-covered key point, the next step the least-covered one. Personal data is
masked before scoring and restored in the output; instruction-like sentences are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

import numpy as np

from toolkit.feedback.calibration import Strictness
from toolkit.feedback.models import CriterionFeedback, StudentFeedback, WorkItem
from toolkit.feedback.privacy import MaskedText, mask_batch
from toolkit.feedback.rubric import Rubric, RubricCriterion
from toolkit.feedback.safety import INJECTION_NOTE, normalise_space, remove_instructions
from toolkit.feedback.short_answer import EMPTY_NOTE, score_answers
from toolkit.feedback.signals import content_words, key_points
from toolkit.feedback.vectors import TextVectors

SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
MAX_SENTENCES = 200
PLACEHOLDER_NUMBER = re.compile(r"\[([A-Z_]+?)_\d+\]")
ENGLISH_HINTS = frozenset(
    ["the", "and", "is", "are", "of", "to", "in", "that", "it", "was", "with", "for", "this", "because"]
)
INDONESIAN_HINTS = frozenset(
    ["yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "adalah", "karena", "tidak"]
)


def neutral_placeholders(text: str) -> str:
    """``[NAMA_3]`` -> ``[NAMA]``: the scored text never depends on which or how many names."""
    return PLACEHOLDER_NUMBER.sub(r"[\1]", text)


def detect_language(text: str) -> Literal["id", "en"]:
    """``en`` when English function words outnumber Indonesian ones, else ``id``."""
    words = [word.lower() for word in re.findall(r"[A-Za-z]+", text)]
    english = sum(word in ENGLISH_HINTS for word in words)
    indonesian = sum(word in INDONESIAN_HINTS for word in words)
    return "en" if english > indonesian else "id"


def verify_quotes(quotes: list[str], work: str) -> list[str]:
    """Keep only quotations that occur in ``work`` (ignoring spacing and case)."""
    haystack = normalise_space(work).lower()
    return [quote for quote in quotes if quote.strip() and normalise_space(quote).lower() in haystack]


def sentences_of(text: str) -> list[str]:
    """The work's sentences (at most ``MAX_SENTENCES``; long work is read in chunks by the vectors)."""
    found = [normalise_space(s) for s in SENTENCE.findall(text)]
    return [s for s in found if content_words(s)][:MAX_SENTENCES]


def criterion_target(criterion: RubricCriterion, reference: str, rubric: Rubric) -> tuple[str, list[str]]:
    """The text a criterion is scored against and its key points."""
    if criterion.key_points:
        return "; ".join(criterion.key_points), criterion.key_points
    if reference.strip():
        return reference, key_points(reference)
    top = criterion.descriptors[-1] if criterion.descriptors else criterion.name
    return top, [top]


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


def _texts(language: str) -> dict[str, str]:
    if language == "en":
        return {
            "strength": "You already cover '{point}': \"{quote}\".",
            "strength_plain": 'You wrote a relevant part: "{quote}".',
            "next": "Next, explain '{point}' in your own words and link it to the question.",
            "next_top": "Keep this up; add your own example for '{point}'.",
            "empty_next": "Write an answer that covers '{point}'.",
        }
    return {
        "strength": "Kamu sudah membahas '{point}': \"{quote}\".",
        "strength_plain": 'Bagian jawabanmu yang sudah relevan: "{quote}".',
        "next": "Selanjutnya, jelaskan '{point}' dengan kata-katamu sendiri dan kaitkan dengan pertanyaan.",
        "next_top": "Pertahankan; tambahkan contohmu sendiri tentang '{point}'.",
        "empty_next": "Tulis jawaban yang membahas '{point}'.",
    }


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
    for criterion in rubric.criteria:
        target, _ = criterion_target(criterion, references[0] if references else "", rubric)
        targets = [target] if criterion.key_points or not references else references
        best: list[tuple[int, float]] = [(0, 0.0)] * len(works)
        for target_text in targets:
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
            references,
            vectors,
            language,
        )
        results.append(feedback)
        if on_result is not None:
            on_result(feedback)
    return results


def _student_feedback(
    rubric: Rubric,
    work: WorkItem,
    masked: MaskedText,
    text: str,
    removed: list[str],
    levels: list[tuple[int, float]],
    references: list[str],
    vectors: TextVectors,
    language: Literal["auto", "id", "en"],
) -> StudentFeedback:
    chosen: Literal["id", "en"] = detect_language(work.text) if language == "auto" else language
    words = _texts(chosen)
    notes = [INJECTION_NOTE] if removed else []
    sentences = sentences_of(text)
    sentence_vectors = vectors.passages(sentences) if sentences else np.zeros((0, 1))
    if not sentences:
        notes.append(EMPTY_NOTE)
    items = []
    for criterion, (level, confidence) in zip(rubric.criteria, levels, strict=True):
        _, points = criterion_target(criterion, references[0] if references else "", rubric)
        index = round(level * (len(rubric.levels) - 1) / 5) if sentences else 0
        evidence: list[str] = []
        strength = ""
        next_point = points[0] if points else criterion.name
        if sentences:
            point_vectors = vectors.passages(points)
            coverage = sentence_vectors @ point_vectors.T  # sentences x points
            best_sentence = int(coverage.max(axis=1).argmax())
            evidence = verify_quotes([masked.restore(sentences[best_sentence])], work.text)
            point_cover = coverage.max(axis=0)
            strong_point = points[int(point_cover.argmax())]
            next_point = points[int(point_cover.argmin())]
            if evidence:
                template = words["strength"] if index > 0 else words["strength_plain"]
                strength = template.format(point=strong_point[:80], quote=evidence[0][:200])
            step = words["next_top"] if index == len(rubric.levels) - 1 else words["next"]
        else:
            step = words["empty_next"]
        items.append(
            CriterionFeedback(
                criterion=criterion.name,
                level_index=index,
                level_label=rubric.levels[index].label,
                points=rubric.levels[index].points,
                evidence=evidence,
                strength=strength,
                next_step=step.format(point=next_point[:80]),
                confidence=round(confidence if sentences else 1.0, 2),
            )
        )
    feedback = StudentFeedback(student_id=work.student_id, language=chosen, criteria=items, notes=notes)
    return recompute_total(feedback, rubric)
