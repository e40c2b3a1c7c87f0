"""A small calibrated ordinal model: ridge regression on signals plus fitted score thresholds.

Fitting (numpy only) happens in ``benchmarks/fit_feedback_calibration.py``; the fitted
parameters ship as small JSON files in ``toolkit/feedback/calibration/`` and are loaded here.
Strictness shifts every threshold by a visible amount of score units.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

CALIBRATION_DIR = Path(__file__).parent / "calibration"
Strictness = Literal["lenient", "standard", "strict"]
STRICTNESS_SHIFT: dict[str, float] = {"lenient": -0.35, "standard": 0.0, "strict": 0.35}


@dataclass
class OrdinalCalibration:
    """Standardise -> linear score -> cut at thresholds into levels ``min_level..max_level``."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    thresholds: list[float]
    min_level: int = 0
    max_level: int = 5
    info: dict[str, object] = field(default_factory=dict)

    def continuous(self, matrix: np.ndarray) -> np.ndarray:
        """The linear score before thresholds."""
        standard = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(standard @ np.asarray(self.coef) + self.intercept)

    def levels(self, matrix: np.ndarray, strictness: Strictness = "standard") -> np.ndarray:
        """Integer levels; ``strict`` raises every threshold, ``lenient`` lowers it."""
        cuts = np.asarray(self.thresholds) + STRICTNESS_SHIFT[strictness]
        return np.asarray(self.min_level + np.searchsorted(cuts, self.continuous(matrix), side="right"))

    def save(self, path: Path) -> None:
        """Write the parameters as JSON."""
        path.write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> OrdinalCalibration:
        """Read parameters written by ``save``."""
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def fit_ridge(matrix: np.ndarray, target: np.ndarray, alpha: float = 1.0) -> tuple[list[float], ...]:
    """Ridge regression on standardised columns: returns (mean, scale, coef, [intercept])."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    standard = (matrix - mean) / scale
    intercept = float(target.mean())
    gram = standard.T @ standard + alpha * np.eye(standard.shape[1])
    coef = np.linalg.solve(gram, standard.T @ (target - intercept))
    return mean.tolist(), scale.tolist(), coef.tolist(), [intercept]


def quadratic_weighted_kappa(truth: np.ndarray, predicted: np.ndarray, low: int, high: int) -> float:
    """Cohen's kappa with quadratic weights on integer ratings ``low..high``."""
    size = high - low + 1
    rows = np.clip(np.asarray(truth, dtype=int) - low, 0, size - 1)
    cols = np.clip(np.asarray(predicted, dtype=int) - low, 0, size - 1)
    observed = np.bincount(rows * size + cols, minlength=size * size).reshape(size, size).astype(float)
    return _kappa_of_table(observed)


def _kappa_of_table(observed: np.ndarray) -> float:
    """Quadratic weighted kappa of a (truth x predicted) count table."""
    size = observed.shape[0]
    if observed.sum() == 0:
        return 0.0
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    grid = np.arange(size)
    weights = (grid[:, None] - grid[None, :]) ** 2 / max((size - 1) ** 2, 1)
    denominator = float((weights * expected).sum())
    return 1.0 - float((weights * observed).sum()) / denominator if denominator else 0.0


def fit_thresholds(
    scores: np.ndarray, truth: np.ndarray, low: int, high: int, rounds: int = 3
) -> list[float]:
    """Thresholds between consecutive levels that maximise QWK (coordinate search from midpoints).

    Candidate cuts are 201 quantiles of the scores plus the midpoints; the scores are counted once
    per interval between candidates, so each trial costs a small table sum, not a pass over all scores.
    """
    size = high - low + 1
    start = np.arange(low, high) + 0.5
    candidates = np.quantile(scores, np.linspace(0.0, 1.0, 201))
    edges = np.unique(np.concatenate([candidates, start]))
    bins = np.searchsorted(edges, scores, side="right")  # number of edges <= score
    counts = np.zeros((len(edges) + 1, size))
    np.add.at(counts, (bins, np.clip(np.asarray(truth, dtype=int) - low, 0, size - 1)), 1.0)
    cumulative = np.vstack([np.zeros(size), np.cumsum(counts, axis=0)])  # rows before bin k
    candidate_index = np.searchsorted(edges, candidates)

    def kappa(cut_index: np.ndarray) -> float:
        # a score is above the cut at edges[i] when its bin is > i, so level l holds bins
        # (cut_(l-1), cut_l]
        bounds = np.concatenate([[-1], np.sort(cut_index), [len(edges)]]) + 1
        table = (cumulative[bounds[1:]] - cumulative[bounds[:-1]]).T  # truth x level
        return _kappa_of_table(table)

    cuts = np.searchsorted(edges, start)
    best = kappa(cuts)
    for _ in range(rounds):
        for position in range(len(cuts)):
            for value in candidate_index:
                trial = cuts.copy()
                trial[position] = value
                score = kappa(trial)
                if score > best + 1e-9:
                    best, cuts = score, trial
    return sorted(float(edges[cut]) for cut in cuts)


def agreement(truth: np.ndarray, predicted: np.ndarray, low: int, high: int) -> dict[str, float]:
    """QWK, exact agreement and mean absolute error."""
    return {
        "qwk": quadratic_weighted_kappa(truth, predicted, low, high),
        "exact": float(np.mean(truth == predicted)),
        "mae": float(np.mean(np.abs(truth - predicted))),
    }


def binary_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of the positive class."""
    true_positive = float(np.sum((truth == 1) & (predicted == 1)))
    denominator = float(np.sum(truth == 1) + np.sum(predicted == 1))
    return 2 * true_positive / denominator if denominator else 0.0
