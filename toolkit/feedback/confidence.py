"""Confidence that means something: the chance that a suggested level equals the teacher's.

A confidence is a logistic map from a few visible features of a score (how far it lies from the
nearest level boundary, how uncertain the suggestion from the teacher's grades still is, whether
it sits at the end of the scale) to the probability of *exact* agreement with a human grader. The
maps are fitted on the shared short-answer data by ``benchmarks/fit_grade_few.py`` and ship in
``calibration/confidence.json``; the benchmark reports their expected calibration error (ECE) on
questions left out of the fit (leave-one-question-out). Answers whose confidence is below
``flag_below`` are flagged for the teacher.
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from toolkit.feedback.calibration import CALIBRATION_DIR

ZERO_SHOT_FEATURES: tuple[str, ...] = ("boundary", "extreme", "single")
"""Without grades: distance of the score to the nearest threshold (capped at 2), level at an end
of the scale (0/1), scored alone with the single-work calibration (0/1)."""
GRADED_FEATURES: tuple[str, ...] = ("boundary", "variance", "correction", "extreme", "log_graded")
"""With the teacher's grades: distance to the rounding boundary (0-0.5), remaining uncertainty of
the neighbour term (0-1), size of the correction the neighbours make (capped at 2), level at an
end of the scale, log(1 + number of grades)."""
BOUNDARY_CAP = 2.0
CONFIDENCE_FILE = CALIBRATION_DIR / "confidence.json"


@dataclass
class ConfidenceMaps:
    """The fitted logistic maps (``[intercept, *weights]``) and the flagging threshold."""

    zero_shot: list[float] = field(default_factory=lambda: [0.0] * (1 + len(ZERO_SHOT_FEATURES)))
    graded: list[float] = field(default_factory=lambda: [0.0] * (1 + len(GRADED_FEATURES)))
    empty: float = 0.5
    """Measured share of empty answers that a human also gave the lowest score."""
    flag_below: float = 0.5
    info: dict[str, object] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Write the maps as JSON."""
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = CONFIDENCE_FILE) -> ConfidenceMaps:
        """Read maps written by ``save``."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))


@functools.cache
def shipped_maps() -> ConfidenceMaps:
    """The shipped maps (``calibration/confidence.json``)."""
    return ConfidenceMaps.load(CONFIDENCE_FILE)


def logistic(features: np.ndarray, coefficients: list[float]) -> np.ndarray:
    """``sigmoid(intercept + features @ weights)`` with ``coefficients = [intercept, *weights]``."""
    weights = np.asarray(coefficients[1:], dtype=np.float64)
    linear = coefficients[0] + np.asarray(features, dtype=np.float64) @ weights
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(linear, -30.0, 30.0))))


def fit_logistic(
    features: np.ndarray, outcome: np.ndarray, penalty: float = 1.0, steps: int = 50
) -> list[float]:
    """Logistic regression by Newton's method with a small ridge penalty (the intercept is free)."""
    design = np.column_stack([np.ones(len(features)), np.asarray(features, dtype=np.float64)])
    target = np.asarray(outcome, dtype=np.float64)
    weights = np.zeros(design.shape[1])
    ridge = penalty * np.eye(design.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(steps):
        probability = 1.0 / (1.0 + np.exp(-np.clip(design @ weights, -30.0, 30.0)))
        gradient = design.T @ (probability - target) + ridge @ weights
        hessian = (design * (probability * (1 - probability))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(weights)), gradient)
        weights -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return [float(value) for value in weights]


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: the share-weighted gap between mean confidence and accuracy in equal-width bins."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    if len(confidence) == 0:
        return 0.0
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for number in range(bins):
        inside = index == number
        if inside.any():
            error += inside.mean() * abs(float(confidence[inside].mean()) - float(correct[inside].mean()))
    return float(error)


def zero_shot_features(
    continuous: np.ndarray, thresholds: list[float], levels: np.ndarray, low: int, high: int, single: bool
) -> np.ndarray:
    """``ZERO_SHOT_FEATURES`` for scores cut at ``thresholds`` into ``levels`` (``low..high``)."""
    cuts = np.asarray(thresholds, dtype=np.float64)
    boundary = np.min(np.abs(np.asarray(continuous)[:, None] - cuts[None, :]), axis=1)
    extreme = (np.asarray(levels) == low) | (np.asarray(levels) == high)
    return np.column_stack(
        [np.minimum(boundary, BOUNDARY_CAP), extreme.astype(float), np.full(len(boundary), float(single))]
    )


def graded_features(
    predicted: np.ndarray, variance: np.ndarray, correction: np.ndarray, low: int, high: int, graded: int
) -> np.ndarray:
    """``GRADED_FEATURES`` for suggestions ``predicted`` (continuous) from ``graded`` teacher grades."""
    predicted = np.asarray(predicted, dtype=np.float64)
    levels = np.clip(np.rint(predicted), low, high)
    inside = (predicted > low) & (predicted < high)
    boundary = np.where(inside, 0.5 - np.abs(predicted - np.rint(predicted)), 0.5)
    extreme = (levels == low) | (levels == high)
    return np.column_stack(
        [
            boundary,
            np.clip(variance, 0.0, 1.0),
            np.minimum(np.abs(correction), BOUNDARY_CAP),
            extreme.astype(float),
            np.full(len(predicted), np.log1p(graded)),
        ]
    )


def trait_confidence_features(scores: np.ndarray) -> np.ndarray:
    """Features of an essay trait score (1.0-5.0) for the chance its level (rounded) is the raters':
    the distance to the rounding boundary (0-0.5) and whether the level is at an end of the scale."""
    scores = np.asarray(scores, dtype=np.float64)
    levels = np.clip(np.floor(scores + 0.5), 1, 5)
    boundary = np.where((scores > 1) & (scores < 5), 0.5 - np.abs(scores - levels), 0.5)
    return np.column_stack([boundary, ((levels == 1) | (levels == 5)).astype(float)])
