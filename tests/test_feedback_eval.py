"""Calibrated scoring on real rows and the ``kelas eval scoring/essays`` commands on small slices."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from toolkit.feedback.calibration import (
    OrdinalCalibration,
    binary_f1,
    fit_ridge,
    fit_thresholds,
    quadratic_weighted_kappa,
)
from toolkit.feedback.short_answer import SHORT_ANSWER_FILES, load_calibration, score_answers


def test_kappa_and_thresholds() -> None:
    truth = np.array([0, 1, 2, 3, 4, 5, 5, 0])
    assert quadratic_weighted_kappa(truth, truth, 0, 5) == pytest.approx(1.0)
    assert quadratic_weighted_kappa(truth, 5 - truth, 0, 5) < 0
    scores = truth * 0.1 + 0.05
    cuts = fit_thresholds(scores, truth, 0, 5)
    assert quadratic_weighted_kappa(
        truth, np.searchsorted(cuts, scores, side="right"), 0, 5
    ) == pytest.approx(1.0)
    assert binary_f1(np.array([1, 0, 1]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    mean, scale, coef, intercept = fit_ridge(
        np.array([[0.0], [1.0], [2.0]]), np.array([0.0, 1.0, 2.0]), alpha=0.01
    )
    model = OrdinalCalibration(["sim_reference"], mean, scale, coef, intercept[0], [0.5, 1.5], 0, 2)
    assert model.levels(np.array([[0.0], [1.0], [2.0]])).tolist() == [0, 1, 2]
    assert model.levels(np.array([[0.7]])).tolist() == [1]
    assert model.levels(np.array([[0.7]]), "strict").tolist() == [0]
    assert model.levels(np.array([[0.3]]), "lenient").tolist() == [1]


def test_shipped_calibrations_are_small_and_complete() -> None:
    for name in SHORT_ANSWER_FILES.values():
        model = load_calibration(name)
        assert len(model.coef) == len(model.features) == len(model.mean)
        assert len(model.thresholds) == model.max_level - model.min_level
        assert "held_out" in model.info


def test_shipped_calibrations_name_every_question_of_the_data(shared: Path) -> None:
    from toolkit.feedback.eval_scoring import load_question_sets

    folder = shared / "datasets" / "id-short-answer"
    count = sum(
        len(load_question_sets(folder / f"question-{domain}.csv", folder / f"score-{domain}.csv"))
        for domain in ("saintek", "soshum")
    )
    for name in SHORT_ANSWER_FILES.values():
        assert load_calibration(name).info["fitted_on"].endswith(f"all {count} questions"), name


def _slice(shared: Path, tmp_path: Path, domain: str, question_id: str, limit: int) -> tuple[Path, Path]:
    folder = shared / "datasets" / "id-short-answer"
    with (folder / f"question-{domain}.csv").open(encoding="utf-8") as handle:
        question_rows = [row for row in csv.DictReader(handle) if row["type-problem"] == question_id]
    with (folder / f"score-{domain}.csv").open(encoding="utf-8") as handle:
        answer_rows = [row for row in csv.DictReader(handle) if row["type-problem"] == question_id][:limit]
    questions, answers = tmp_path / "q.csv", tmp_path / "a.csv"
    for path, rows in ((questions, question_rows), (answers, answer_rows)):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return questions, answers


@pytest.mark.e2e
def test_calibrated_scorer_orders_real_answers(shared: Path, tmp_path: Path) -> None:
    from toolkit.embeddings import E5Embeddings
    from toolkit.feedback.eval_scoring import load_question_sets
    from toolkit.feedback.vectors import TextVectors

    questions, answers = _slice(shared, tmp_path, "soshum", "1", 40)
    item = load_question_sets(questions, answers)[0]
    scored = score_answers(TextVectors(E5Embeddings(), "e5"), item.question, item.reference, item.answers)
    levels = np.array([result.level for result in scored])
    human = np.array(item.human_scores)
    assert np.corrcoef(levels, human)[0, 1] > 0.3
    assert levels[human >= 4].mean() > levels[human <= 1].mean()


@pytest.mark.e2e
def test_eval_scoring_cli_json(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.cli import app

    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    questions, answers = _slice(shared, tmp_path, "saintek", "1", 30)
    result = CliRunner().invoke(
        app, ["eval", "scoring", "--questions", str(questions), "--answers", str(answers), "--json"]
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    keys = {"qwk", "exact", "mae", "ece", "flagged", "qwk_unflagged", "n", "seconds_per_answer"}
    assert set(line) == keys | {"graded_per_question"}
    assert line["n"] == 30 and 0 <= line["exact"] <= 1 and line["mae"] >= 0
    assert line["graded_per_question"] == 0 and 0 <= line["ece"] <= 1 and 0 <= line["flagged"] <= 1
    graded = CliRunner().invoke(
        app,
        [
            "eval",
            "scoring",
            "--questions",
            str(questions),
            "--answers",
            str(answers),
            "--graded",
            "5",
            "--json",
        ],
    )
    assert graded.exit_code == 0, graded.output
    line = json.loads(graded.stdout.strip().splitlines()[-1])
    assert line["graded_per_question"] == 5 and line["n"] == 25  # measured on the answers not graded


def test_eval_scoring_cli_names_missing_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.cli import app

    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    questions = tmp_path / "q.csv"
    questions.write_text("id,pertanyaan\n1,Apa?\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["eval", "scoring", "--questions", str(questions), "--answers", str(questions)]
    )
    assert result.exit_code == 1
    assert "missing column" in result.output


@pytest.mark.e2e
def test_eval_essays_cli_json(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.cli import app

    monkeypatch.setenv("KELAS_DATA_DIR", str(tmp_path / "data"))
    source = shared / "datasets" / "ellipse" / "ellipse_dev.csv"
    with source.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(6), reader, strict=False)]
        fields = list(reader.fieldnames or [])
    data = tmp_path / "essays.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["eval", "essays", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(line) == {"mcrmse", "qwk_mean", "qwk", "n", "seconds_per_essay", "group_bias", "model_signals"}
    assert line["n"] == 6 and len(line["qwk"]) == 7 and 0 <= line["mcrmse"] < 2
    assert line["model_signals"] is False  # no GGUF file in this data folder
    assert "model signals no" in result.stdout
