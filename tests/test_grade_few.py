"""Grade a few, suggest the rest: picks, suggestions from the teacher's grades, calibrated confidence."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from conftest import BagOfWordsEmbeddings
from toolkit.errors import ToolkitError
from toolkit.feedback.calibration import quadratic_weighted_kappa
from toolkit.feedback.confidence import (
    expected_calibration_error,
    fit_logistic,
    logistic,
    shipped_maps,
)
from toolkit.feedback.core import WorkItem
from toolkit.feedback.grade_few import (
    choose_to_grade,
    coverage_order,
    review_order,
    shipped_model,
    suggest_grades,
)
from toolkit.feedback.rubric import RubricRequest, generate_rubric
from toolkit.feedback.teacher_grades import class_grade_rows, level_of, read_grades
from toolkit.feedback.vectors import TextVectors

QUESTION = "Apa yang terjadi pada air saat dipanaskan matahari?"
REFERENCE = "Air menguap karena panas matahari, uap air mengembun menjadi awan, lalu turun sebagai hujan."
GOOD = [
    "Air menguap karena panas matahari lalu mengembun menjadi awan dan turun sebagai hujan.",
    "Karena panas matahari air menguap, uapnya mengembun menjadi awan, kemudian hujan turun.",
    "Air laut menguap karena panas, mengembun jadi awan, lalu turun hujan.",
]
PARTIAL = [
    "Air menguap karena panas matahari.",
    "Airnya menguap kena panas matahari.",
    "Panas matahari membuat air menguap.",
]
WRONG = ["Air membeku menjadi es batu.", "Es mencair di kulkas.", "Air membeku di kutub."]


def vectors() -> TextVectors:
    return TextVectors(BagOfWordsEmbeddings(), "fake")


def class_answers() -> list[str]:
    return [*GOOD, *PARTIAL, *WRONG, *GOOD[:2], *PARTIAL[:2], WRONG[0], ""]


def test_coverage_order_is_deterministic_nested_and_covers_the_groups() -> None:
    groups = np.repeat(np.eye(3), 4, axis=0) + 0.01 * np.arange(12)[:, None]
    groups /= np.linalg.norm(groups, axis=1, keepdims=True)
    three = coverage_order(groups, 3)
    assert sorted(row // 4 for row in three) == [0, 1, 2]  # one answer from each group first
    assert coverage_order(groups, 5)[:3] == three == coverage_order(groups, 3)
    assert coverage_order(groups, 2, first=three[:1]) == three[1:3]  # graded rows count as picked
    assert coverage_order(groups, 40) == coverage_order(groups, 12) and len(coverage_order(groups, 40)) == 12


def test_choose_to_grade_never_asks_for_an_empty_answer() -> None:
    answers = class_answers()
    picks = choose_to_grade(vectors(), answers, 5)
    assert len(picks) == 5 and len(set(picks)) == 5
    assert answers.index("") not in picks
    assert choose_to_grade(vectors(), answers, 5) == picks  # from the answers alone: same every time


def test_suggestions_follow_the_teachers_grades_and_update_after_each_grade() -> None:
    answers = class_answers()
    text_vectors = vectors()
    zero = suggest_grades(text_vectors, QUESTION, REFERENCE, answers, to_grade=3)
    assert len(zero.to_grade) == 3 and zero.graded == 0
    assert all(not item.graded and item.confidence < 1.0 for item in zero.suggestions)
    grades = {0: 5, 3: 2, 6: 0}  # one good, one partial, one wrong answer
    first = suggest_grades(text_vectors, QUESTION, REFERENCE, answers, grades, to_grade=3)
    assert first.to_grade == [] and first.graded == 3
    assert [first.suggestions[row].level for row in grades] == list(grades.values())
    assert all(first.suggestions[row].graded and first.suggestions[row].confidence == 1.0 for row in grades)
    duplicate_of_good, duplicate_of_wrong = 9, 13  # the same texts as rows 0 and 6
    assert first.suggestions[duplicate_of_good].level >= 4
    assert first.suggestions[duplicate_of_wrong].level <= 1
    assert first.suggestions[duplicate_of_good].nearest_graded == 0
    suggested = [item for item in first.suggestions if not item.graded]
    assert all(item.confidence < 1.0 for item in suggested)
    stricter = suggest_grades(text_vectors, QUESTION, REFERENCE, answers, {**grades, 4: 0, 5: 0})
    partial_duplicate = 11  # the same text as row 3, which the teacher graded 2
    assert (
        stricter.suggestions[partial_duplicate].continuous < first.suggestions[partial_duplicate].continuous
    )
    assert stricter.suggestions[answers.index("")].level == 0


def test_review_order_puts_answers_to_grade_and_flagged_ones_first() -> None:
    result = suggest_grades(vectors(), QUESTION, REFERENCE, class_answers(), {0: 5}, to_grade=3)
    order = review_order(result)
    assert sorted(order) == list(range(len(class_answers())))
    assert order[: len(result.to_grade)] == result.to_grade
    rest = order[len(result.to_grade) :]
    flagged = [row for row in rest if result.suggestions[row].flagged and not result.suggestions[row].graded]
    assert rest[: len(flagged)] == flagged
    chances = [result.suggestions[row].confidence for row in flagged]
    assert chances == sorted(chances)
    assert order[-1] == 0  # what the teacher graded comes last


def test_confidence_maps_are_calibrated_logistic_fits() -> None:
    rng = np.random.default_rng(0)
    feature = rng.uniform(-2, 2, size=(4000, 1))
    truth = 1 / (1 + np.exp(-(0.5 + 1.5 * feature[:, 0])))
    outcome = rng.uniform(size=4000) < truth
    coefficients = fit_logistic(feature, outcome, penalty=0.0)
    assert coefficients == pytest.approx([0.5, 1.5], abs=0.2)
    fitted = logistic(feature, coefficients)
    assert expected_calibration_error(fitted, outcome) < 0.05
    assert expected_calibration_error(np.ones(4000), outcome) > 0.3  # "conf 1.00" that is not earned
    maps = shipped_maps()
    assert 0 < maps.flag_below < 1 and 0.5 < maps.empty < 1.0
    assert "held_out" in maps.info and shipped_model().length_scale > 0


def test_teacher_grades_on_the_rubric_scale(tmp_path: Path) -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    assert level_of("Cakap", rubric) == 2 and level_of("4", rubric) == 3 and level_of(" ", rubric) is None
    with pytest.raises(ToolkitError, match="Mahir"):
        level_of("A+", rubric)
    grades_csv = tmp_path / "nilai.csv"
    with grades_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["nis", "Nilai"], ["s0", "Mahir"], ["s6", "1"], ["s3", ""]])
    assert read_grades(grades_csv, rubric) == {"s0": 3, "s6": 0}
    works = [WorkItem(student_id=f"s{row}", text=text) for row, text in enumerate(class_answers())]
    rows = class_grade_rows(vectors(), rubric, works, REFERENCE, {"s0": 3, "s6": 0}, to_grade=4)
    assert {row.student_id for row in rows} == {work.student_id for work in works}
    assert [row.status for row in rows[:2]] == ["to_grade", "to_grade"]
    graded = {row.student_id: row for row in rows if row.status == "graded"}
    assert graded["s0"].label == "Mahir" and graded["s6"].label == "Baru berkembang"
    assert rows[-1].status == "graded"
    assert next(row for row in rows if row.student_id == "s9").level_index >= 2  # like s0
    with pytest.raises(ToolkitError, match="unknown"):
        class_grade_rows(vectors(), rubric, works, REFERENCE, {"nobody": 1})


@pytest.mark.e2e
def test_ten_grades_beat_zero_shot_on_a_real_question(shared: Path) -> None:
    from toolkit.embeddings import E5Embeddings
    from toolkit.feedback.eval_scoring import load_question_sets

    folder = shared / "datasets" / "id-short-answer"
    item = load_question_sets(folder / "question-soshum.csv", folder / "score-soshum.csv")[1]
    answers, human_scores = item.answers[:80], item.human_scores[:80]
    text_vectors = TextVectors(E5Embeddings(), "e5")
    picks = choose_to_grade(text_vectors, answers, 10)
    grades = {row: human_scores[row] for row in picks}
    zero = suggest_grades(text_vectors, item.question, item.reference, answers)
    few = suggest_grades(text_vectors, item.question, item.reference, answers, grades)
    rest = [row for row in range(len(answers)) if row not in grades]
    human = np.asarray([human_scores[row] for row in rest])
    zero_levels = np.asarray([zero.suggestions[row].level for row in rest])
    few_levels = np.asarray([few.suggestions[row].level for row in rest])
    assert (
        quadratic_weighted_kappa(human, few_levels, 0, 5)
        > quadratic_weighted_kappa(human, zero_levels, 0, 5) + 0.1
    )
    zero_sure = np.mean([zero.suggestions[row].confidence for row in rest])
    few_sure = np.mean([few.suggestions[row].confidence for row in rest])
    assert few_sure > zero_sure  # the teacher's grades make the suggestions surer, and rightly so
    assert np.mean(few_levels == human) > np.mean(zero_levels == human)


@pytest.mark.e2e
def test_cli_grade_a_few(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from toolkit.cli import app
    from toolkit.feedback.rubric_io import rubric_to_csv

    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    rubric = rubric_to_csv(
        generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE)), tmp_path / "r.csv"
    )
    reference = tmp_path / "acuan.txt"
    reference.write_text(REFERENCE, encoding="utf-8")
    work = tmp_path / "kelas.csv"
    answers = class_answers()
    with work.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "jawaban"])
        writer.writerows([[f"s{row}", text] for row, text in enumerate(answers)])
    grades = tmp_path / "nilai.csv"
    command = ["feedback", "--rubric", str(rubric), "--work", str(work), "--reference", str(reference)]
    command += ["--out", str(tmp_path / "out"), "--grades", str(grades), "--to-grade", "3"]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 0, first.output
    assert "Grade these 3 answers first" in first.output
    with grades.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows[:3]] == ["nilai dulu"] * 3 and len(rows) == len(answers)
    for row in rows[:3]:
        row["nilai"] = "Mahir" if row["jawaban"] in GOOD else "Baru berkembang"
    with grades.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    second = CliRunner().invoke(app, command)
    assert second.exit_code == 0, second.output
    assert f"3 graded by you, {len(answers) - 3} suggested" in second.output
    with (tmp_path / "out" / "saran-nilai.csv").open(encoding="utf-8") as handle:
        suggested = list(csv.DictReader(handle))
    assert sum(row["status"] == "dinilai guru" for row in suggested) == 3
    assert all(float(row["keyakinan"]) < 1 for row in suggested if row["status"] != "dinilai guru")
    grades.write_text("student_id,nilai\ns1,A+\n", encoding="utf-8")
    wrong = CliRunner().invoke(app, command)
    assert wrong.exit_code == 1 and "not a level of the rubric" in wrong.output
