"""Calibrated scoring of short answers against a reference answer (the app's scoring pipeline).

``score_answers`` computes the measurable signals (``signals.question_signals``) for all answers to
one question and maps them to levels with the shipped calibration: the *batch* calibration uses
the class's other answers (consensus and rank signals) when at least ``BATCH_MINIMUM`` answers are
scored together; a single answer uses the *single* calibration, which needs only the reference.
Empty answers get the lowest level with a note. Human scores are never an input. Each level's
confidence is the calibrated chance that a human grader gives the same level (``confidence``).

The embedded language model's log-probability signals were measured as extra columns and did not
help held-out (``benchmarks/feedback.md``); that experiment lives in
``benchmarks/short_answer_llm.py``, not in the app.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from toolkit.feedback.calibration import CALIBRATION_DIR, STRICTNESS_SHIFT, OrdinalCalibration, Strictness
from toolkit.feedback.confidence import logistic, shipped_maps, zero_shot_features
from toolkit.feedback.signals import SIGNAL_NAMES, content_words, question_signals
from toolkit.feedback.vectors import TextVectors

BATCH_MINIMUM = 10
EMPTY_NOTE = "Jawaban kosong: diberi tingkat terendah. / Empty answer: scored at the lowest level."
SHORT_ANSWER_FILES = {"batch": "short_answer_batch.json", "single": "short_answer_single.json"}


@dataclass
class ScoredAnswer:
    """One answer's level on ``min_level..max_level`` with its signals and a confidence."""

    level: int
    continuous: float
    confidence: float
    signals: dict[str, float]
    note: str = ""


@functools.cache
def load_calibration(name: str) -> OrdinalCalibration:
    """A shipped calibration by file name (``short_answer_batch.json`` ...)."""
    return OrdinalCalibration.load(CALIBRATION_DIR / name)


def select_columns(matrix: np.ndarray, calibration: OrdinalCalibration) -> np.ndarray:
    """The signal columns the calibration was fitted on, in its order (``SIGNAL_NAMES`` layout)."""
    return matrix[:, [SIGNAL_NAMES.index(name) for name in calibration.features]]


def score_answers(
    vectors: TextVectors,
    question: str,
    reference: str,
    answers: list[str],
    strictness: Strictness = "standard",
    calibration: OrdinalCalibration | None = None,
    max_level: int | None = None,
) -> list[ScoredAnswer]:
    """Score every answer to one question; levels are rescaled to ``0..max_level`` if given."""
    if not answers:
        return []
    kind = "batch" if len(answers) >= BATCH_MINIMUM else "single"
    model = calibration or load_calibration(SHORT_ANSWER_FILES[kind])
    filled = [index for index, answer in enumerate(answers) if content_words(answer)]
    maps = shipped_maps()
    results: list[ScoredAnswer] = [
        ScoredAnswer(
            level=0, continuous=float(model.min_level), confidence=maps.empty, signals={}, note=EMPTY_NOTE
        )
        for _ in answers
    ]
    if filled:
        matrix = question_signals(vectors, question, reference, [answers[i] for i in filled])
        selected = select_columns(matrix, model)
        levels = model.levels(selected, strictness)
        continuous = model.continuous(selected)
        cuts = [cut + STRICTNESS_SHIFT[strictness] for cut in model.thresholds]
        features = zero_shot_features(
            continuous, cuts, levels, model.min_level, model.max_level, single=kind == "single"
        )
        confidence = logistic(features, maps.zero_shot)
        for row, index in enumerate(filled):
            results[index] = ScoredAnswer(
                level=int(levels[row]),
                continuous=float(continuous[row]),
                confidence=round(float(confidence[row]), 2),
                signals={
                    name: round(float(value), 4)
                    for name, value in zip(SIGNAL_NAMES, matrix[row], strict=True)
                },
            )
    for result in results:
        result.level = max(result.level, model.min_level)
        if max_level is not None and model.max_level != max_level:
            result.level = round(
                (result.level - model.min_level) * max_level / (model.max_level - model.min_level)
            )
    return results
