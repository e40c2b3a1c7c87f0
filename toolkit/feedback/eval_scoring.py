"""``kelas eval scoring``: agreement of the short-answer pipeline with human scores.

Questions CSV: ``type-problem,pertanyaan,jawaban`` (id, question, reference answer). Answers CSV:
``type-problem,jawaban,score`` (student answer, human score 0-5). Answers are scored per question
with ``short_answer.score_answers`` exactly as in the app; the human scores are read only
afterwards, to compute agreement.

With ``graded`` = K > 0 the grade-a-few flow is simulated: for each question K answers are picked
by ``grade_few.choose_to_grade`` (from the answers alone, without looking at any score), their
human scores play the teacher's grades, and agreement is measured on the remaining answers only.
Every result also reports the calibrated confidence's ECE, the share flagged for the teacher
(confidence below the threshold) and QWK on the answers that are not flagged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit.feedback.calibration import Strictness, agreement, quadratic_weighted_kappa
from toolkit.feedback.confidence import expected_calibration_error, shipped_maps
from toolkit.feedback.grade_few import choose_to_grade, suggest_grades
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
    graded: int = 0,
) -> dict[str, float]:
    """QWK, exact, MAE, ECE, flagged share, QWK unflagged, n and seconds per answer.

    ``graded`` = K simulates grade-a-few with K teacher grades per question (``n`` then counts the
    answers not graded).
    """
    question_sets = load_question_sets(questions_csv, answers_csv)
    predicted: list[int] = []
    truth: list[int] = []
    confidence: list[float] = []
    started = time.perf_counter()
    for item in question_sets:
        if graded > 0:
            picks = choose_to_grade(vectors, item.answers, graded)
            grades = {row: item.human_scores[row] for row in picks}
            result = suggest_grades(
                vectors, item.question, item.reference, item.answers, grades, graded, strictness
            )
            rest = [row for row in range(len(item.answers)) if row not in grades]
            predicted.extend(result.suggestions[row].level for row in rest)
            confidence.extend(result.suggestions[row].confidence for row in rest)
            truth.extend(item.human_scores[row] for row in rest)
        else:
            scored = score_answers(vectors, item.question, item.reference, item.answers, strictness)
            predicted.extend(result.level for result in scored)
            confidence.extend(result.confidence for result in scored)
            truth.extend(item.human_scores)
        if progress is not None:
            progress(f"question {item.question_id}: {len(item.answers)} answers scored")
    elapsed = time.perf_counter() - started
    n = len(truth)
    if n == 0:
        raise TableError(f"{Path(answers_csv).name}: no answers to score.")
    truth_array, predicted_array = np.asarray(truth), np.asarray(predicted)
    chance = np.asarray(confidence)
    flagged = chance < shipped_maps().flag_below
    metrics = agreement(truth_array, predicted_array, 0, 5)
    return {
        **metrics,
        "ece": expected_calibration_error(chance, truth_array == predicted_array),
        "flagged": float(flagged.mean()),
        "qwk_unflagged": quadratic_weighted_kappa(truth_array[~flagged], predicted_array[~flagged], 0, 5),
        "graded_per_question": float(graded),
        "n": float(n),
        "seconds_per_answer": elapsed / n,
    }
