"""The language model's log-probability signals (``toolkit.feedback.model_signal``).

Unit tests use a tiny fake model whose words are likely when they already occurred in the text
before them, which is exactly the behaviour the PMI signals rely on; one e2e test runs the real
embedded Gemma file.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from logprob_fakes import RepeatedWordModel

from toolkit.feedback.calibration import OrdinalCalibration
from toolkit.feedback.model_signal import (
    MODEL_SIGNAL_NAMES,
    LlamaLogProbs,
    local_scorer,
    log_softmax_rows,
    model_signals,
    raw_answer_scores,
)
from toolkit.feedback.service import model_scorer
from toolkit.feedback.short_answer import model_calibration, score_answers
from toolkit.feedback.vectors import TextVectors, VectorCache
from toolkit.services import Services
from toolkit.settings import Settings

QUESTION = "Apa fungsi akar pada tumbuhan?"
REFERENCE = "Akar menyerap air dan unsur hara dari tanah serta menopang tumbuhan."
GOOD = "akar menyerap air dan unsur hara dari tanah"
BAD = "daun berwarna hijau karena klorofil"


ECHO_NAME = "echo-fake"


def echo_model() -> RepeatedWordModel:
    """The fake model these tests score with."""
    return RepeatedWordModel(ECHO_NAME, seen=-0.5, new=-6.0)


def test_answers_that_say_what_the_reference_says_get_higher_pmi() -> None:
    matrix = model_signals(echo_model(), QUESTION, REFERENCE, [GOOD, BAD, "akar"])
    assert matrix.shape == (3, len(MODEL_SIGNAL_NAMES))
    columns = {name: matrix[:, k] for k, name in enumerate(MODEL_SIGNAL_NAMES)}
    assert columns["llm_pmi_answer"][0] > columns["llm_pmi_answer"][1]
    assert columns["llm_pmi_reference"][0] > columns["llm_pmi_reference"][1]
    assert columns["llm_logprob_answer"][0] > columns["llm_logprob_answer"][1]
    assert columns["llm_z_pmi_answer"].mean() == pytest.approx(0.0, abs=1e-9)
    assert columns["llm_z_pmi_answer"][0] > 0 > columns["llm_z_pmi_answer"][1]


def test_raw_scores_count_the_tokens_of_answer_and_reference() -> None:
    raw = raw_answer_scores(echo_model(), QUESTION, REFERENCE, BAD)
    assert raw[2] == len(BAD.split())
    assert raw[4] == len(re.findall(r"\w+", REFERENCE))
    assert raw[0] == raw[1] == pytest.approx(-6.0 * 5)  # no word of BAD is in the question or reference


def test_values_are_cached_so_a_rerun_calls_no_model(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "llm.sqlite")
    first_model, second_model = echo_model(), echo_model()
    first = model_signals(first_model, QUESTION, REFERENCE, [GOOD, BAD], cache=cache)
    assert first_model.calls == 1 + 2 * 2  # the reference baseline plus two passes per answer
    second = model_signals(second_model, QUESTION, REFERENCE, [GOOD, BAD], cache=cache)
    assert second_model.calls == 0
    np.testing.assert_allclose(first, second, rtol=1e-5, atol=1e-5)
    other = echo_model()
    other.name = "another-model"
    model_signals(other, QUESTION, REFERENCE, [GOOD], cache=cache)
    assert other.calls == 3  # the model name is part of the key


def test_log_softmax_rows_matches_the_definition() -> None:
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 10.0]])
    targets = np.array([2, 0])
    expected = [
        3.0 - np.log(np.exp(logits[0]).sum()),
        0.0 - np.log(np.exp(logits[1]).sum()),
    ]
    np.testing.assert_allclose(log_softmax_rows(logits, targets), expected, rtol=1e-6)


def test_no_local_model_means_no_scorer(tmp_path: Path) -> None:
    assert local_scorer(None) is None
    assert local_scorer(tmp_path / "missing.gguf") is None


@pytest.mark.e2e
def test_real_embedded_model_prefers_the_correct_answer(embedded_model_path: Path) -> None:
    scorer = LlamaLogProbs(embedded_model_path, n_ctx=256)
    assert scorer.name == embedded_model_path.stem
    context = "Pertanyaan: Apa ibu kota Indonesia?\nJawaban yang benar: Jakarta\nJawaban siswa:"
    reused = scorer.segment_logprobs(context, [" Jakarta adalah ibu kota", "\nSelesai"])
    scorer.segment_logprobs("Sesuatu yang lain sama sekali", [" untuk mengosongkan cache"])
    fresh = scorer.segment_logprobs(context, [" Jakarta adalah ibu kota", "\nSelesai"])
    assert len(reused[0]) >= 3 and np.all(reused[0] <= 0)
    np.testing.assert_allclose(reused[0], fresh[0], atol=0.05)
    matrix = model_signals(
        scorer,
        "Apa ibu kota Indonesia?",
        "Ibu kota Indonesia adalah Jakarta.",
        ["Ibu kota Indonesia adalah Jakarta", "Kucing suka makan ikan asin"],
    )
    pmi_answer = matrix[:, MODEL_SIGNAL_NAMES.index("llm_pmi_answer")]
    pmi_reference = matrix[:, MODEL_SIGNAL_NAMES.index("llm_pmi_reference")]
    assert pmi_answer[0] > pmi_answer[1]
    assert pmi_reference[0] > pmi_reference[1]


def _model_calibration(features: list[str], coef: list[float]) -> OrdinalCalibration:
    return OrdinalCalibration(
        features,
        mean=[0.0] * len(features),
        scale=[1.0] * len(features),
        coef=coef,
        intercept=2.5,
        thresholds=[0.5, 1.5, 2.5, 3.5, 4.5],
        info={"model": ECHO_NAME},
    )


def test_score_answers_uses_the_model_signals_a_calibration_asks_for(fake_embeddings: Embeddings) -> None:
    vectors = TextVectors(fake_embeddings, "bow")
    calibration = _model_calibration(["llm_pmi_reference"], [1.0])
    scored = score_answers(
        vectors, QUESTION, REFERENCE, [GOOD, BAD], calibration=calibration, scorer=echo_model()
    )
    assert scored[0].level > scored[1].level
    assert set(MODEL_SIGNAL_NAMES) <= set(scored[0].signals)
    with pytest.raises(ValueError, match="scorer"):
        score_answers(vectors, QUESTION, REFERENCE, [GOOD, BAD], calibration=calibration)


def test_without_a_shipped_model_calibration_the_scorer_changes_nothing(fake_embeddings: Embeddings) -> None:
    vectors = TextVectors(fake_embeddings, "bow")
    answers = [GOOD, BAD, "akar menyerap air", "tidak tahu"]
    other = echo_model()
    other.name = "a-model-without-calibration"
    plain = score_answers(vectors, QUESTION, REFERENCE, answers)
    with_scorer = score_answers(vectors, QUESTION, REFERENCE, answers, scorer=other)
    assert [r.level for r in with_scorer] == [r.level for r in plain]
    assert other.calls == 0
    assert model_calibration("single", other) is None
    assert model_calibration("single", None) is None


def test_the_app_uses_the_model_only_with_its_file_its_calibration_and_the_local_provider(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert model_scorer(Services(settings)) is None  # no GGUF file in this data folder
    model_file = tmp_path / "tiny-model.gguf"
    model_file.write_bytes(b"not loaded until the first score")
    local = settings.model_copy(update={"local_model_path": model_file})
    assert model_scorer(Services(local)) is None  # no calibration ships for this model
    monkeypatch.setattr("toolkit.feedback.service.calibrated_models", lambda: {"tiny-model"})
    scorer = model_scorer(Services(local))
    assert scorer is not None and scorer.name == "tiny-model"
    assert model_scorer(Services(local.model_copy(update={"provider": "openai"}))) is None
