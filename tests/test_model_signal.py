"""The language model's log-probabilities (``toolkit.feedback.model_signal``) and the short-answer
PMI experiment built on them (``benchmarks/short_answer_llm.py``, not used by the app).

Unit tests use a tiny fake model whose words are likely when they already occurred in the text
before them, which is exactly the behaviour the PMI signals rely on; one e2e test runs the real
embedded Gemma file.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from logprob_fakes import RepeatedWordModel

from toolkit.feedback.model_signal import LlamaLogProbs, local_scorer, log_softmax_rows
from toolkit.feedback.vectors import VectorCache

EXPERIMENT = Path(__file__).resolve().parents[1] / "benchmarks" / "short_answer_llm.py"
_spec = importlib.util.spec_from_file_location("short_answer_llm", EXPERIMENT)
assert _spec is not None and _spec.loader is not None
short_answer_llm = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("short_answer_llm", short_answer_llm)
_spec.loader.exec_module(short_answer_llm)
MODEL_SIGNAL_NAMES = short_answer_llm.MODEL_SIGNAL_NAMES
model_signals = short_answer_llm.model_signals
raw_answer_scores = short_answer_llm.raw_answer_scores

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
