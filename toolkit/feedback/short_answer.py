"""Calibrated scoring of short answers against a reference answer (the app's scoring pipeline).

``score_answers`` computes the measurable signals (``signals.question_signals``) for all answers to
one question and maps them to levels with the shipped calibration: the *batch* calibration uses
the class's other answers (consensus and rank signals) when at least ``BATCH_MINIMUM`` answers are
scored together; a single answer uses the *single* calibration, which needs only the reference.
Empty answers get the lowest level with a note. Human scores are never an input. Each level's
confidence is the calibrated chance that a human grader gives the same level (``confidence``).

With a ``scorer`` (the embedded language model, ``model_signal``) and a shipped calibration fitted
with that model's signals (``short_answer_{batch,single}_llm.json``, its ``info["model"]`` naming the
model file), the model's log-probability signals are added and that calibration is used; without
a scorer, or when no calibration for that model ships, the embedding/lexical calibration is used.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from toolkit.feedback.calibration import CALIBRATION_DIR, STRICTNESS_SHIFT, OrdinalCalibration, Strictness
from toolkit.feedback.confidence import logistic, shipped_maps, zero_shot_features
from toolkit.feedback.model_signal import MODEL_SIGNAL_NAMES, LogProbScorer, model_signals
from toolkit.feedback.safety import remove_instructions
from toolkit.feedback.signals import SIGNAL_NAMES, content_words, question_signals
from toolkit.feedback.vectors import TextVectors, VectorCache

BATCH_MINIMUM = 10
EMPTY_NOTE = "Jawaban kosong: diberi tingkat terendah. / Empty answer: scored at the lowest level."
SHORT_ANSWER_FILES = {"batch": "short_answer_batch.json", "single": "short_answer_single.json"}
MODEL_ANSWER_FILES = {"batch": "short_answer_batch_llm.json", "single": "short_answer_single_llm.json"}
ALL_SIGNAL_NAMES: tuple[str, ...] = SIGNAL_NAMES + MODEL_SIGNAL_NAMES


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


def model_calibration(kind: str, scorer: LogProbScorer | None) -> OrdinalCalibration | None:
    """The shipped calibration with the model's signals for ``scorer``'s model, if there is one."""
    if scorer is None or not (CALIBRATION_DIR / MODEL_ANSWER_FILES[kind]).is_file():
        return None
    calibration = load_calibration(MODEL_ANSWER_FILES[kind])
    return calibration if calibration.info.get("model") == scorer.name else None


def calibrated_models() -> set[str]:
    """Model names (GGUF file stems) that a shipped short-answer calibration was fitted with."""
    names = set()
    for name in MODEL_ANSWER_FILES.values():
        if (CALIBRATION_DIR / name).is_file():
            names.add(str(load_calibration(name).info.get("model", "")))
    return names - {""}


def uses_model(calibration: OrdinalCalibration) -> bool:
    """Whether ``calibration`` needs the language model's signals."""
    return any(name in MODEL_SIGNAL_NAMES for name in calibration.features)


def select_columns(matrix: np.ndarray, calibration: OrdinalCalibration) -> np.ndarray:
    """The signal columns the calibration was fitted on, in its order (``ALL_SIGNAL_NAMES`` layout)."""
    return matrix[:, [ALL_SIGNAL_NAMES.index(name) for name in calibration.features]]


def score_answers(
    vectors: TextVectors,
    question: str,
    reference: str,
    answers: list[str],
    strictness: Strictness = "standard",
    calibration: OrdinalCalibration | None = None,
    max_level: int | None = None,
    scorer: LogProbScorer | None = None,
    model_cache: VectorCache | None = None,
) -> list[ScoredAnswer]:
    """Score every answer to one question; levels are rescaled to ``0..max_level`` if given.

    ``scorer`` adds the language model's signals when a calibration for its model ships (or when
    ``calibration`` needs them); ``model_cache`` keeps its values between runs.
    """
    if not answers:
        return []
    kind = "batch" if len(answers) >= BATCH_MINIMUM else "single"
    model = calibration or model_calibration(kind, scorer) or load_calibration(SHORT_ANSWER_FILES[kind])
    if uses_model(model) and scorer is None:
        raise ValueError("This calibration uses the language model's signals; pass a scorer.")
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
        if uses_model(model) and scorer is not None:
            cleaned = [remove_instructions(answers[i])[0] for i in filled]
            extra = model_signals(scorer, question, reference, cleaned, cache=model_cache)
            matrix = np.hstack([matrix, extra])
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
                    for name, value in zip(ALL_SIGNAL_NAMES, matrix[row], strict=False)
                },
            )
    for result in results:
        result.level = max(result.level, model.min_level)
        if max_level is not None and model.max_level != max_level:
            result.level = round(
                (result.level - model.min_level) * max_level / (model.max_level - model.min_level)
            )
    return results
