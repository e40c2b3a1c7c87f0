"""Grade a few, suggest the rest: nested leave-one-question-out on ../shared/datasets/id-short-answer.

Usage: ``.venv/bin/python benchmarks/fit_grade_few.py [--write] [--out FILE]``

For every held-out question (of the 30 shared ones) nothing fitted has seen its human scores:

* the zero-shot calibration (ridge + thresholds, as ``fit_feedback_calibration.py``) is fitted on
  the other 29 questions;
* the grade-a-few hyperparameters (prior strength, length scale, noise; grid ``GRID``) are chosen
  by pooled QWK on simulated classes of the other 29 questions, each of those scored with a
  zero-shot model fitted without it *and* without the held-out question;
* the confidence maps (``toolkit.feedback.confidence``) are fitted on the other 29 questions'
  simulated suggestions (features from models that never saw the held-out question).

A simulated class: the answers of one question; ``coverage_order`` picks K of them from the
answers alone; their human scores play the teacher's grades; every other answer gets a suggestion
(``grade_few.suggest_from_signals``), and QWK, exact agreement, MAE, ECE, the flagged share and QWK
on the unflagged answers are computed on those other answers, pooled per domain. K = 0 is the
zero-shot model with its calibrated confidence.

``--write`` then fits on all 30 questions and writes ``toolkit/feedback/calibration/grade_few.json``
and ``confidence.json`` (the zero-shot calibrations themselves are not changed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from fit_feedback_calibration import (  # noqa: E402
    BATCH_FEATURES,
    SINGLE_FEATURES,
    fit,
    question_sets,
    vectors,
)

from toolkit.feedback.calibration import (  # noqa: E402
    CALIBRATION_DIR,
    OrdinalCalibration,
    agreement,
    fit_ridge,
    quadratic_weighted_kappa,
)
from toolkit.feedback.confidence import (  # noqa: E402
    GRADED_FEATURES,
    ZERO_SHOT_FEATURES,
    ConfidenceMaps,
    expected_calibration_error,
    fit_logistic,
    graded_features,
    logistic,
    zero_shot_features,
)
from toolkit.feedback.grade_few import (  # noqa: E402
    GradeFewModel,
    anchored_prior,
    coverage_order,
    neighbour_correction,
)
from toolkit.feedback.safety import remove_instructions  # noqa: E402
from toolkit.feedback.signals import SIGNAL_NAMES, content_words, question_signals  # noqa: E402

GRID = [
    (strength, scale, noise)
    for strength in (10.0, 30.0, 100.0)
    for scale in (0.1, 0.2)
    for noise in (0.03, 0.1)
]
GRADED = (5, 10, 20)
ALPHA = {"batch": 100.0, "single": 10.0}
FLAG_BELOW = 0.5
PICKS: dict[tuple[str, int], np.ndarray] = {}


@dataclass
class Question:
    """One question's class: signals and vectors of the non-empty answers, all human scores."""

    qid: str
    domain: str
    scores: np.ndarray  # every answer
    filled: np.ndarray  # rows with content words
    signals: np.ndarray  # filled rows x SIGNAL_NAMES (batch signals of the filled answers)
    similarity: np.ndarray  # filled x filled e5 cosine
    vectors: np.ndarray


def load_questions() -> list[Question]:
    """Every shared question, with signals computed as the app computes them for a class."""
    text_vectors = vectors()
    out = []
    for domain in ("saintek", "soshum"):
        for item in question_sets(domain):
            cleaned = [remove_instructions(answer)[0] for answer in item.answers]
            filled = np.asarray([row for row, text in enumerate(cleaned) if content_words(text)])
            answers = [item.answers[row] for row in filled]
            signals = question_signals(text_vectors, item.question, item.reference, answers)
            answer_vectors = text_vectors.passages([cleaned[row] for row in filled]).astype(np.float64)
            out.append(
                Question(
                    f"{domain}-{item.question_id}",
                    domain,
                    np.asarray(item.human_scores),
                    filled,
                    signals,
                    answer_vectors @ answer_vectors.T,
                    answer_vectors,
                )
            )
            print(f"  {domain} q{item.question_id}: {len(item.answers)} answers", flush=True)
    return out


def columns(kind: str) -> list[int]:
    """Signal columns of the batch or single calibration."""
    features = BATCH_FEATURES if kind == "batch" else SINGLE_FEATURES
    return [SIGNAL_NAMES.index(name) for name in features]


def zero_shot_model(questions: list[Question], exclude: set[str], kind: str) -> OrdinalCalibration:
    """Ridge + QWK thresholds on the questions not in ``exclude`` (as the shipped calibration)."""
    train = [q for q in questions if q.qid not in exclude]
    matrix = np.vstack([q.signals for q in train])
    target = np.concatenate([q.scores[q.filled] for q in train])
    features = BATCH_FEATURES if kind == "batch" else SINGLE_FEATURES
    padded = np.zeros((len(matrix), len(SIGNAL_NAMES) + 3))  # fit() indexes signals + model signals
    padded[:, : len(SIGNAL_NAMES)] = matrix
    return fit(padded, target, features, ALPHA[kind])


def ridge_model(questions: list[Question], exclude: set[str]) -> OrdinalCalibration:
    """The batch ridge alone (no thresholds): all grade-a-few needs from a zero-shot model."""
    train = [q for q in questions if q.qid not in exclude]
    matrix = np.vstack([q.signals for q in train])
    target = np.concatenate([q.scores[q.filled] for q in train]).astype(float)
    mean, scale, coef, intercept = fit_ridge(matrix, target, ALPHA["batch"])
    return OrdinalCalibration(
        list(BATCH_FEATURES), mean, scale, coef, intercept[0], [0.5, 1.5, 2.5, 3.5, 4.5]
    )


@dataclass
class Episode:
    """Suggestions for the answers of one simulated class that the teacher did not grade."""

    qid: str
    domain: str
    truth: np.ndarray
    levels: np.ndarray
    features: np.ndarray  # confidence features of the filled, ungraded answers
    filled_mask: np.ndarray  # which of ``truth`` are filled answers (the rest are empty)


def graded_episode(
    q: Question, calibration: OrdinalCalibration, config: tuple[float, float, float], count: int
) -> Episode:
    """K = ``count``: pick, take the human scores as grades, suggest the rest."""
    strength, scale, noise = config
    key = (q.qid, count)
    if key not in PICKS:  # the picks depend on the answers alone, not on the settings
        PICKS[key] = np.asarray(coverage_order(q.vectors, count), dtype=int)
    picked = PICKS[key]
    truth_filled = q.scores[q.filled]
    standard = (q.signals - np.asarray(calibration.mean)) / np.asarray(calibration.scale)
    prior = anchored_prior(standard, calibration, picked, truth_filled[picked].astype(float), strength)
    correction, variance = neighbour_correction(
        q.similarity, picked, truth_filled[picked] - prior[picked], scale, noise
    )
    predicted = prior + correction
    features = graded_features(predicted, variance, correction, 0, 5, len(picked))
    rest = np.setdiff1d(np.arange(len(q.filled)), picked)
    empty = np.setdiff1d(np.arange(len(q.scores)), q.filled)
    levels = np.clip(np.rint(predicted[rest]), 0, 5).astype(int)
    return Episode(
        q.qid,
        q.domain,
        np.concatenate([truth_filled[rest], q.scores[empty]]),
        np.concatenate([levels, np.zeros(len(empty), dtype=int)]),
        features[rest],
        np.concatenate([np.ones(len(rest), bool), np.zeros(len(empty), bool)]),
    )


def zero_shot_episode(q: Question, calibration: OrdinalCalibration, kind: str) -> Episode:
    """K = 0: the zero-shot levels of every answer (empty answers at the lowest level)."""
    selected = q.signals[:, columns(kind)]
    levels = calibration.levels(selected)
    features = zero_shot_features(
        calibration.continuous(selected), calibration.thresholds, levels, 0, 5, kind == "single"
    )
    empty = np.setdiff1d(np.arange(len(q.scores)), q.filled)
    return Episode(
        q.qid,
        q.domain,
        np.concatenate([q.scores[q.filled], q.scores[empty]]),
        np.concatenate([levels, np.zeros(len(empty), dtype=int)]),
        features,
        np.concatenate([np.ones(len(q.filled), bool), np.zeros(len(empty), bool)]),
    )


def pooled_qwk(episodes: list[Episode]) -> float:
    """QWK over all suggested answers of the episodes."""
    truth = np.concatenate([e.truth for e in episodes])
    levels = np.concatenate([e.levels for e in episodes])
    return quadratic_weighted_kappa(truth, levels, 0, 5)


def fit_maps(zero: list[Episode], graded: list[Episode]) -> ConfidenceMaps:
    """Logistic maps of exact agreement on the episodes' features; the empty answers' share."""
    maps = ConfidenceMaps(flag_below=FLAG_BELOW)
    if zero:
        features = np.vstack([e.features for e in zero])
        exact = np.concatenate([(e.truth == e.levels)[e.filled_mask] for e in zero])
        maps.zero_shot = fit_logistic(features, exact)
        empty = np.concatenate([(e.truth == 0)[~e.filled_mask] for e in zero])
        maps.empty = round(float((empty.sum() + 1) / (len(empty) + 2)), 3)  # Laplace: never 1.00
    if graded:
        features = np.vstack([e.features for e in graded])
        exact = np.concatenate([(e.truth == e.levels)[e.filled_mask] for e in graded])
        maps.graded = fit_logistic(features, exact)
    return maps


def confidences(episode: Episode, maps: ConfidenceMaps, graded: bool) -> np.ndarray:
    """Confidence of every suggested answer of an episode (filled ones first, as in ``truth``)."""
    filled = logistic(episode.features, maps.graded if graded else maps.zero_shot)
    return np.concatenate([filled, np.full(int((~episode.filled_mask).sum()), maps.empty)])


def report(episodes: list[Episode], confidence: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Per domain: agreement, ECE, flagged share, QWK on the unflagged answers."""
    out = {}
    for domain in ("saintek", "soshum"):
        chosen = [e for e in episodes if e.domain == domain]
        truth = np.concatenate([e.truth for e in chosen])
        levels = np.concatenate([e.levels for e in chosen])
        chance = np.concatenate([confidence[e.qid] for e in chosen])
        flagged = chance < FLAG_BELOW
        metrics = agreement(truth, levels, 0, 5)
        out[domain] = {key: round(value, 4) for key, value in metrics.items()} | {
            "n": len(truth),
            "ece": round(expected_calibration_error(chance, truth == levels), 4),
            "mean_confidence": round(float(chance.mean()), 4),
            "flagged": round(float(flagged.mean()), 4),
            "qwk_unflagged": round(quadratic_weighted_kappa(truth[~flagged], levels[~flagged], 0, 5), 4),
            "exact_unflagged": round(float(np.mean(truth[~flagged] == levels[~flagged])), 4),
        }
    return out


def choose_config(
    questions: list[Question], models: dict[str, OrdinalCalibration]
) -> tuple[tuple[float, float, float], dict[str, float]]:
    """The grid point with the best mean (over K) pooled QWK on ``questions`` (each with its model)."""
    scores = {}
    for config in GRID:
        scores[config] = float(
            np.mean(
                [pooled_qwk([graded_episode(q, models[q.qid], config, k) for q in questions]) for k in GRADED]
            )
        )
    best = max(scores, key=lambda key: scores[key])
    return best, {str(key): round(value, 4) for key, value in scores.items()}


def nested(questions: list[Question]) -> dict[str, object]:
    """Held-out figures for K = 0 and every K in ``GRADED``."""
    outer_zero: list[Episode] = []
    outer_graded: dict[int, list[Episode]] = {k: [] for k in GRADED}
    conf_zero: dict[str, np.ndarray] = {}
    conf_graded: dict[int, dict[str, np.ndarray]] = {k: {} for k in GRADED}
    chosen: dict[str, list[float]] = {}
    for held in questions:
        started = time.perf_counter()
        others = [q for q in questions if q.qid != held.qid]
        inner_ridge = {q.qid: ridge_model(questions, {held.qid, q.qid}) for q in others}
        config, _ = choose_config(others, inner_ridge)
        chosen[held.qid] = list(config)
        inner_zero = []
        for q in others:
            for kind in ("batch", "single"):
                inner_zero.append(
                    zero_shot_episode(q, zero_shot_model(questions, {held.qid, q.qid}, kind), kind)
                )
        inner_graded = [graded_episode(q, inner_ridge[q.qid], config, k) for q in others for k in GRADED]
        maps = fit_maps(inner_zero, inner_graded)
        outer_model = zero_shot_model(questions, {held.qid}, "batch")
        episode = zero_shot_episode(held, outer_model, "batch")
        outer_zero.append(episode)
        conf_zero[held.qid] = confidences(episode, maps, graded=False)
        for k in GRADED:
            episode = graded_episode(held, outer_model, config, k)
            outer_graded[k].append(episode)
            conf_graded[k][held.qid] = confidences(episode, maps, graded=True)
        print(f"{held.qid}: config {config}, {time.perf_counter() - started:.0f} s", flush=True)
    results: dict[str, object] = {"0": report(outer_zero, conf_zero)}
    for k in GRADED:
        results[str(k)] = report(outer_graded[k], conf_graded[k])
        print(k, json.dumps(results[str(k)]), flush=True)
    print(0, json.dumps(results["0"]), flush=True)
    return {"held_out": results, "chosen_per_question": chosen}


def write_shipped(questions: list[Question], summary: dict[str, object]) -> None:
    """Choose the settings on all 30 questions, fit the confidence maps, write both JSON files."""
    ids = {q.qid for q in questions}
    loqo_ridge = {q.qid: ridge_model(questions, {q.qid}) for q in questions}
    config, grid = choose_config(questions, loqo_ridge)
    zero = [
        zero_shot_episode(q, zero_shot_model(questions, {q.qid}, kind), kind)
        for q in questions
        for kind in ("batch", "single")
    ]
    graded = [graded_episode(q, loqo_ridge[q.qid], config, k) for q in questions for k in GRADED]
    maps = fit_maps(zero, graded)
    date = datetime.date.today().isoformat()
    source = f"id-short-answer saintek+soshum, {len(ids)} questions (leave-one-question-out features)"
    maps.info = {
        "fitted_on": source,
        "zero_shot_features": list(ZERO_SHOT_FEATURES),
        "graded_features": list(GRADED_FEATURES),
        "graded_per_question": list(GRADED),
        "held_out": summary,
        "date": date,
        "script": "benchmarks/fit_grade_few.py --write",
    }
    maps.save(CALIBRATION_DIR / "confidence.json")
    strength, scale, noise = config
    GradeFewModel(
        prior_strength=strength,
        length_scale=scale,
        noise=noise,
        info={
            "fitted_on": source,
            "grid_mean_qwk": grid,
            "date": date,
            "script": "benchmarks/fit_grade_few.py --write",
        },
    ).save(CALIBRATION_DIR / "grade_few.json")
    print(f"wrote grade_few.json ({config}) and confidence.json", flush=True)


def main() -> None:
    """Nested held-out figures; with ``--write`` the shipped settings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="Write grade_few.json and confidence.json.")
    parser.add_argument("--out", type=Path, help="Also write the results JSON here.")
    args = parser.parse_args()
    started = time.perf_counter()
    questions = load_questions()
    results = nested(questions)
    results |= {
        "command": ".venv/bin/python benchmarks/fit_grade_few.py"
        + (" --write" if args.write else "")
        + (f" --out {args.out}" if args.out else ""),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "date": datetime.date.today().isoformat(),
        "grid": [list(point) for point in GRID],
        "flag_below": FLAG_BELOW,
        "n_questions": len(questions),
        "seconds": round(time.perf_counter() - started),
    }
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.write:
        summary = {k: v for k, v in results["held_out"].items()}  # type: ignore[union-attr]
        write_shipped(questions, summary)


if __name__ == "__main__":
    main()
