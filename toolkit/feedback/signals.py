"""Measurable signals of a short answer against its reference answer and its classmates' answers.

Signals (one row per answer, see ``SIGNAL_NAMES``): embedding similarity to the reference and to
the question, coverage of the reference's key points (by embeddings and by words), lexical
overlap (content words and character trigrams, robust to misspellings), length ratio, and
similarity to the consensus of the other answers to the same question plus the answer's rank
among them. No human score is used: the consensus comes from the answers alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from toolkit.feedback.safety import remove_instructions
from toolkit.feedback.vectors import TextVectors
from toolkit.language import FUNCTION_WORDS

STOPWORDS = FUNCTION_WORDS | {
    "agar",
    "antara",
    "at",
    "hanya",
    "jika",
    "kalau",
    "ketika",
    "maka",
    "masih",
    "merupakan",
    "nya",
    "saat",
    "saja",
    "secara",
    "sehingga",
    "seperti",
    "sudah",
    "supaya",
    "telah",
    "yaitu",
    "yakni",
}
"""The shared function words and the connectives an answer's content words leave out besides."""
WORD = re.compile(r"[a-zA-Z\u00c0-\u024f0-9]+")
KEY_POINT_SPLIT = re.compile(r"[.;:\n]|,|\bdan\b|\bserta\b|\band\b", re.IGNORECASE)

SIGNAL_NAMES: tuple[str, ...] = (
    "sim_reference",
    "sim_question",
    "keypoint_mean",
    "keypoint_min",
    "word_recall",
    "word_precision",
    "trigram_recall",
    "log_length_ratio",
    "is_short",
    "sim_consensus",
    "rank_reference",
    "z_reference",
    "rank_keypoint",
    "z_trigram",
    "sim_top_answers",
    "keypoint_lexical",
)
TOP_ANSWERS = 5


def content_words(text: str) -> list[str]:
    """Lower-cased words without stop words, with the ``-nya`` suffix removed."""
    words = []
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        if word.endswith("nya") and len(word) > 5:
            word = word[:-3]
        words.append(word)
    return words


def trigrams(text: str) -> set[str]:
    """Character trigrams of the content words (padded), for typo-tolerant overlap."""
    grams: set[str] = set()
    for word in content_words(text):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def key_points(reference: str) -> list[str]:
    """The reference answer split into its key points (clauses / list items)."""
    parts = [part.strip(" -•\t") for part in KEY_POINT_SPLIT.split(reference)]
    points = [part for part in parts if len(content_words(part)) >= 1]
    return points or [reference]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _rank(values: np.ndarray) -> np.ndarray:
    """Percentile rank in [0, 1] within the group (ties averaged)."""
    if len(values) <= 1:
        return np.full(len(values), 0.5)
    order = values.argsort(kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    for value in np.unique(values):
        tie = values == value
        ranks[tie] = ranks[tie].mean()
    return np.asarray(ranks / (len(values) - 1))


def _zscore(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return np.asarray((values - values.mean()) / spread) if spread > 1e-9 else np.zeros(len(values))


def question_signals(
    vectors: TextVectors, question: str, reference: str, answers: Sequence[str]
) -> np.ndarray:
    """Signal matrix (len(answers) x len(SIGNAL_NAMES)) for all answers to one question.

    Instruction-like sentences are removed and spacing normalised first (``safety``).
    """
    answers = [remove_instructions(answer)[0] for answer in answers]
    answer_vectors = vectors.passages(list(answers))
    reference_vector = vectors.passages([reference])[0]
    question_vector = vectors.query(question)
    points = key_points(reference)
    point_vectors = vectors.passages(points)
    sim_reference = answer_vectors @ reference_vector
    sim_question = answer_vectors @ question_vector
    point_sims = answer_vectors @ point_vectors.T
    reference_words = set(content_words(reference))
    reference_grams = trigrams(reference)
    reference_length = max(len(content_words(reference)), 1)
    if len(answers) > 1:
        totals = answer_vectors.sum(axis=0)
        consensus = np.array(
            [
                float(row @ (totals - row)) / max(float(np.linalg.norm(totals - row)), 1e-9)
                for row in answer_vectors
            ]
        )
    else:
        consensus = sim_reference.copy()
    rows = []
    for index, answer in enumerate(answers):
        words = content_words(answer)
        word_set = set(words)
        grams = trigrams(answer)
        rows.append(
            [
                float(sim_reference[index]),
                float(sim_question[index]),
                float(point_sims[index].mean()),
                float(point_sims[index].min()),
                _ratio(len(word_set & reference_words), len(reference_words)),
                _ratio(len(word_set & reference_words), len(word_set)),
                _ratio(len(grams & reference_grams), len(reference_grams)),
                math.log((len(words) + 1) / (reference_length + 1)),
                1.0 if len(words) <= 2 else 0.0,
                float(consensus[index]),
            ]
        )
    matrix = np.asarray(rows, dtype=np.float64)
    point_grams = [trigrams(point) for point in points]
    keypoint_lexical = np.array(
        [
            float(np.mean([_ratio(len(trigrams(answer) & grams), len(grams)) for grams in point_grams]))
            for answer in answers
        ]
    )
    if len(answers) > TOP_ANSWERS:
        top = np.argsort(-sim_reference)[:TOP_ANSWERS]
        similarity = answer_vectors @ answer_vectors[top].T
        for column, row in enumerate(top):
            similarity[row, column] = np.nan
        sim_top = np.nanmean(similarity, axis=1)
    else:
        sim_top = sim_reference.copy()
    keypoint_mean = matrix[:, 2]
    trigram_recall = matrix[:, 6]
    extra = np.column_stack(
        [
            _rank(sim_reference),
            _zscore(sim_reference),
            _rank(keypoint_mean),
            _zscore(trigram_recall),
            sim_top,
            keypoint_lexical,
        ]
    )
    return np.hstack([matrix, extra])
