"""Grade a few, suggest the rest: the teacher's own grades on a handful of answers score the class.

For a class batch on one question:

1. ``coverage_order`` picks the answers that best cover the class, from the answers alone: greedy
   facility location on the answers' e5 vectors (each pick adds the most "closest-representative"
   similarity summed over the whole class), deterministic, and nested (the first 5 of 10 picks are
   the 5 picks). Human scores are never looked at.
2. The teacher grades those. ``suggest_grades`` then scores every other answer from three things:
   the reference (the calibrated zero-shot model's signals, ``short_answer``), the teacher's grades
   (the zero-shot linear model is re-anchored on them: a per-question ridge fit whose prior is the
   shipped coefficients) and the class's answers (a Gaussian-process correction that carries each
   graded answer's residual to answers close to it in e5 space).
3. Every suggestion carries a calibrated confidence (``confidence``: the chance it equals the
   teacher's grade); answers below the maps' ``flag_below`` are flagged and shown first. Each
   further grade updates all suggestions.

The hyperparameters (prior strength, length scale, noise) are chosen on training questions only
by ``benchmarks/fit_grade_few.py`` and ship in ``calibration/grade_few.json``; the confidence maps
in ``calibration/confidence.json``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from toolkit.feedback.calibration import CALIBRATION_DIR, STRICTNESS_SHIFT, OrdinalCalibration, Strictness
from toolkit.feedback.confidence import (
    ConfidenceMaps,
    graded_features,
    logistic,
    shipped_maps,
    zero_shot_features,
)
from toolkit.feedback.safety import remove_instructions
from toolkit.feedback.short_answer import (
    BATCH_MINIMUM,
    SHORT_ANSWER_FILES,
    load_calibration,
    select_columns,
)
from toolkit.feedback.signals import content_words, question_signals
from toolkit.feedback.vectors import TextVectors

GRADE_FEW_FILE = CALIBRATION_DIR / "grade_few.json"
DEFAULT_TO_GRADE = 10


@dataclass
class GradeFewModel:
    """Settings of the grade-a-few suggestions (chosen on training questions, shipped as JSON)."""

    prior_strength: float = 10.0
    length_scale: float = 0.2
    noise: float = 0.1
    info: dict[str, object] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Write the settings as JSON."""
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = GRADE_FEW_FILE) -> GradeFewModel:
        """Read settings written by ``save``."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def shipped_model() -> GradeFewModel:
    """The shipped settings (``calibration/grade_few.json``)."""
    return GradeFewModel.load(GRADE_FEW_FILE)


@dataclass
class Suggestion:
    """One answer's level (the teacher's grade or a suggestion) with its confidence."""

    level: int
    continuous: float
    confidence: float
    graded: bool = False
    flagged: bool = False
    nearest_graded: int | None = None
    """Row of the most similar graded answer (``None`` without grades)."""


def coverage_order(vectors: np.ndarray, count: int, first: Sequence[int] = ()) -> list[int]:
    """Rows of the ``count`` answers that best cover the class (greedy facility location).

    ``first`` (answers already graded) count as picked; the result lists only new rows, in the
    order a teacher should grade them. Ties go to the lower row, so the order is deterministic.
    """
    total = len(vectors)
    if total == 0 or count <= 0:
        return []
    similarity = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    best = np.full(total, float(similarity.min()) - 1.0)
    taken = set(int(row) for row in first)
    for row in taken:
        best = np.maximum(best, similarity[:, row])
    chosen: list[int] = []
    while len(chosen) < min(count, total - len(taken)):
        gain = np.maximum(similarity - best[:, None], 0.0).sum(axis=0)
        for row in taken.union(chosen):
            gain[row] = -1.0
        pick = int(np.argmax(gain))
        chosen.append(pick)
        best = np.maximum(best, similarity[:, pick])
    return chosen


def anchored_prior(
    standard: np.ndarray,
    calibration: OrdinalCalibration,
    rows: np.ndarray,
    grades: np.ndarray,
    strength: float,
) -> np.ndarray:
    """The zero-shot linear model refitted on the graded rows, pulled towards its shipped weights.

    Ridge regression on the standardised signals whose penalty is the distance to the shipped
    coefficients (``strength``); the intercept is nearly free, so a class graded higher or lower
    than the reference suggests moves as a whole.
    """
    design = np.column_stack([np.ones(len(standard)), standard])
    prior = np.concatenate([[calibration.intercept], np.asarray(calibration.coef, dtype=np.float64)])
    penalty = strength * np.eye(design.shape[1])
    penalty[0, 0] = 1e-3 * strength
    graded = design[rows]
    weights = np.linalg.solve(graded.T @ graded + penalty, graded.T @ grades + penalty @ prior)
    return np.asarray(design @ weights)


def neighbour_correction(
    similarity: np.ndarray, rows: np.ndarray, residuals: np.ndarray, length_scale: float, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian-process mean and variance of the graded residuals, carried to every answer."""
    kernel = np.exp((similarity[:, rows] - 1.0) / length_scale)
    graded_kernel = kernel[rows] + noise * np.eye(len(rows))
    mean = kernel @ np.linalg.solve(graded_kernel, residuals)
    variance = 1.0 - np.einsum("ij,ji->i", kernel, np.linalg.solve(graded_kernel, kernel.T))
    return np.asarray(mean), np.asarray(np.clip(variance, 0.0, 1.0))


def suggest_from_signals(
    vectors: np.ndarray,
    signals: np.ndarray,
    calibration: OrdinalCalibration,
    grades: Mapping[int, float],
    model: GradeFewModel,
    maps: ConfidenceMaps,
    strictness: Strictness = "standard",
    single: bool = False,
) -> list[Suggestion]:
    """Suggestions for answers with signals ``signals`` (calibration columns) and e5 ``vectors``.

    ``grades`` maps rows to the teacher's grades on the calibration's scale. Without grades the
    zero-shot levels are returned (``strictness`` shifts their thresholds); with grades the
    teacher's standard is the one that counts, so strictness does not apply.
    """
    low, high = calibration.min_level, calibration.max_level
    continuous = calibration.continuous(signals)
    if not grades:
        levels = calibration.levels(signals, strictness)
        shifted = [cut + STRICTNESS_SHIFT[strictness] for cut in calibration.thresholds]
        features = zero_shot_features(continuous, shifted, levels, low, high, single)
        confidence = logistic(features, maps.zero_shot)
        return [
            Suggestion(
                int(level), float(value), round(float(chance), 2), flagged=bool(chance < maps.flag_below)
            )
            for level, value, chance in zip(levels, continuous, confidence, strict=True)
        ]
    rows = np.asarray(sorted(grades), dtype=int)
    values = np.asarray([float(grades[row]) for row in rows])
    standard = (signals - np.asarray(calibration.mean)) / np.asarray(calibration.scale)
    prior = anchored_prior(standard, calibration, rows, values, model.prior_strength)
    similarity = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    correction, variance = neighbour_correction(
        similarity, rows, values - prior[rows], model.length_scale, model.noise
    )
    predicted = prior + correction
    features = graded_features(predicted, variance, correction, low, high, len(rows))
    confidence = logistic(features, maps.graded)
    nearest = rows[np.argmax(similarity[:, rows], axis=1)]
    out = []
    for row, value in enumerate(predicted):
        if row in grades:
            out.append(
                Suggestion(round(grades[row]), float(grades[row]), 1.0, graded=True, nearest_graded=row)
            )
            continue
        out.append(
            Suggestion(
                level=int(np.clip(np.rint(value), low, high)),
                continuous=float(value),
                confidence=round(float(confidence[row]), 2),
                flagged=bool(confidence[row] < maps.flag_below),
                nearest_graded=int(nearest[row]),
            )
        )
    return out


def filled_rows(answers: Sequence[str]) -> tuple[list[str], list[int]]:
    """The answers without instruction sentences, and the rows that have any content words."""
    cleaned = [remove_instructions(answer)[0] for answer in answers]
    return cleaned, [row for row, answer in enumerate(cleaned) if content_words(answer)]


def choose_to_grade(
    vectors: TextVectors, answers: Sequence[str], count: int, graded: Sequence[int] = ()
) -> list[int]:
    """Rows of the ``count`` answers the teacher should grade first (from the answers alone).

    Empty answers are never asked for; ``graded`` rows count as already picked.
    """
    cleaned, filled = filled_rows(answers)
    if not filled or count <= 0:
        return []
    answer_vectors = vectors.passages([cleaned[row] for row in filled])
    position = {row: number for number, row in enumerate(filled)}
    first = [position[row] for row in graded if row in position]
    return [filled[row] for row in coverage_order(answer_vectors, count, first)]


@dataclass
class ClassSuggestions:
    """Suggestions for a whole class, the answers to grade next, and what was used."""

    suggestions: list[Suggestion]
    to_grade: list[int]
    graded: int


def suggest_grades(
    vectors: TextVectors,
    question: str,
    reference: str,
    answers: list[str],
    grades: Mapping[int, float] | None = None,
    to_grade: int = DEFAULT_TO_GRADE,
    strictness: Strictness = "standard",
    model: GradeFewModel | None = None,
    maps: ConfidenceMaps | None = None,
) -> ClassSuggestions:
    """Grade-a-few suggestions on the 0-5 scale for every answer to one question.

    ``grades`` maps answer rows to the teacher's grades on the 0-5 scale (other scales are mapped
    onto it by the caller, ``teacher_grades``). ``to_grade`` is how many answers the
    teacher is asked to grade first: the result's ``to_grade`` lists those not graded yet (in
    coverage order), then nothing more once that many are graded.
    """
    settings = model or shipped_model()
    confidence_maps = maps or shipped_maps()
    grades = dict(grades or {})
    kind = "batch" if len(answers) >= BATCH_MINIMUM else "single"
    calibration = load_calibration(SHORT_ANSWER_FILES[kind])
    cleaned, filled = filled_rows(answers)
    suggestions = [
        Suggestion(calibration.min_level, float(calibration.min_level), confidence_maps.empty)
        for _ in answers
    ]
    for row, grade in grades.items():
        suggestions[row] = Suggestion(round(grade), float(grade), 1.0, graded=True, nearest_graded=row)
    order: list[int] = []
    if filled:
        answer_vectors = vectors.passages([cleaned[row] for row in filled])
        matrix = question_signals(vectors, question, reference, [answers[row] for row in filled])
        signals = select_columns(matrix, calibration)
        local = {position: grades[row] for position, row in enumerate(filled) if row in grades}
        for position, suggestion in enumerate(
            suggest_from_signals(
                answer_vectors,
                signals,
                calibration,
                local,
                settings,
                confidence_maps,
                strictness,
                single=kind == "single",
            )
        ):
            if suggestion.nearest_graded is not None:
                suggestion.nearest_graded = filled[suggestion.nearest_graded]
            suggestions[filled[position]] = suggestion
        wanted = max(0, to_grade - len(grades))
        order = [filled[row] for row in coverage_order(answer_vectors, wanted, list(local))]
    for row, suggestion in enumerate(suggestions):
        if row not in grades and row not in filled:
            suggestion.flagged = suggestion.confidence < confidence_maps.flag_below
    return ClassSuggestions(suggestions=suggestions, to_grade=order, graded=len(grades))


def review_order(result: ClassSuggestions) -> list[int]:
    """Rows in the order a teacher should look at them: to grade first, flagged, then the rest."""
    first = list(result.to_grade)
    seen = set(first)
    flagged = sorted(
        (row for row, item in enumerate(result.suggestions) if item.flagged and row not in seen),
        key=lambda row: result.suggestions[row].confidence,
    )
    seen.update(flagged)
    graded = [row for row, item in enumerate(result.suggestions) if item.graded and row not in seen]
    seen.update(graded)
    rest = [row for row in range(len(result.suggestions)) if row not in seen]
    return first + flagged + rest + graded
