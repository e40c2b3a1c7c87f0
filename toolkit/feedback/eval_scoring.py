"""``kelas eval scoring``: agreement of the short-answer pipeline with human scores.

Questions CSV: ``type-problem,pertanyaan,jawaban`` (id, question, reference answer). Answers CSV:
``type-problem,jawaban,score`` (student answer, human score 0-5). Answers are scored per question
with ``short_answer.score_answers`` exactly as in the app; the human scores are read only
afterwards, to compute agreement.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit.feedback.calibration import Strictness, agreement
from toolkit.feedback.short_answer import score_answers
from toolkit.feedback.tables import TableError, read_table
from toolkit.feedback.vectors import TextVectors


@dataclass
class QuestionSet:
    """One question with its reference answer, student answers and (hidden) human scores."""

    question_id: str
    question: str
    reference: str
    answers: list[str] = field(default_factory=list)
    human_scores: list[int] = field(default_factory=list)


def load_question_sets(questions_csv: Path, answers_csv: Path) -> list[QuestionSet]:
    """Join the two CSV files by ``type-problem``; unknown question ids are a clear error."""
    questions = read_table(questions_csv, ["type-problem", "pertanyaan", "jawaban"])
    answers = read_table(answers_csv, ["type-problem", "jawaban", "score"])
    sets = {
        row["type-problem"]: QuestionSet(row["type-problem"], row["pertanyaan"], row["jawaban"])
        for row in questions.rows
    }
    for line, row in enumerate(answers.rows, start=2):
        target = sets.get(row["type-problem"])
        if target is None:
            raise TableError(
                f"{Path(answers_csv).name} line {line}: question id {row['type-problem']!r} "
                f"is not in {Path(questions_csv).name}."
            )
        try:
            value = float(row["score"])
            if not 0 <= value <= 5:
                raise ValueError(row["score"])
            score = round(value)
        except ValueError as exc:
            raise TableError(
                f"{Path(answers_csv).name} line {line}: score {row['score'][:20]!r} is not a number from 0 to 5."
            ) from exc
        target.answers.append(row["jawaban"])
        target.human_scores.append(score)
    return [item for item in sets.values() if item.answers]


def evaluate_scoring(
    questions_csv: Path,
    answers_csv: Path,
    vectors: TextVectors,
    strictness: Strictness = "standard",
    progress: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """QWK, exact agreement, MAE, n and seconds per answer over all questions."""
    question_sets = load_question_sets(questions_csv, answers_csv)
    predicted: list[int] = []
    truth: list[int] = []
    started = time.perf_counter()
    for item in question_sets:
        scored = score_answers(vectors, item.question, item.reference, item.answers, strictness)
        predicted.extend(result.level for result in scored)
        truth.extend(item.human_scores)
        if progress is not None:
            progress(f"question {item.question_id}: {len(item.answers)} answers scored")
    elapsed = time.perf_counter() - started
    n = len(truth)
    if n == 0:
        raise TableError(f"{Path(answers_csv).name}: no answers to score.")
    metrics = agreement(np.asarray(truth), np.asarray(predicted), 0, 5)
    return {**metrics, "n": float(n), "seconds_per_answer": elapsed / n}
