"""Essay scoring with the language model's fluency features (``essays.score_essays``) and without.

A fake scorer stands in for Gemma: words it has seen before in the essay are likely, new ones
are not, so an essay that repeats itself gets a higher mean log-probability.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from logprob_fakes import RepeatedWordModel

from toolkit.feedback import essays
from toolkit.feedback.essay_features import essay_features
from toolkit.feedback.essays import (
    ESSAY_MODEL_FILE,
    TRAITS,
    EssayModel,
    evaluate_essays,
    model_for_scorer,
    score_essays,
)
from toolkit.feedback.model_signal import ESSAY_SIGNAL_NAMES
from toolkit.feedback.service import essay_scorer
from toolkit.feedback.vectors import TextVectors, VectorCache
from toolkit.settings import Settings

ESSAYS = [
    "the cat sat. the cat sat. the cat sat on the mat and the cat sat again.",
    "Quantum chromodynamics describes gluons binding quarks inside hadrons strongly.",
    "I like school because school is fun and I like my friends at school.",
]


def _models(dim: int) -> tuple[EssayModel, EssayModel]:
    """(plain model: constant 3.0; model with LM features: 3 + the mean log-probability's z-score)."""
    n_surface = len(essay_features(ESSAYS[0], None))
    plain = EssayModel(
        np.zeros(n_surface), np.ones(n_surface), np.zeros((dim + n_surface, 7)), np.full(7, 3.0)
    )
    n_all = n_surface + len(ESSAY_SIGNAL_NAMES)
    weights = np.zeros((dim + n_all, 7))
    weights[dim + n_surface, :] = 1.0  # llm_essay_mean_logprob
    mean, scale = np.zeros(n_all), np.ones(n_all)
    mean[n_surface], scale[n_surface] = -5.0, 4.0
    with_model = EssayModel(mean, scale, weights, np.full(7, 3.0), model="fake-lm", ctx=256)
    return plain, with_model


@pytest.fixture
def vectors(fake_embeddings: Embeddings, monkeypatch: pytest.MonkeyPatch) -> TextVectors:
    monkeypatch.setattr(essays, "e5_piece_counter", lambda: None)  # no e5 tokenizer in unit tests
    return TextVectors(fake_embeddings, "bow")


def test_the_model_features_are_used_with_the_scorer_the_weights_were_fitted_with(
    vectors: TextVectors, tmp_path: Path
) -> None:
    _, with_model = _models(64)
    scorer = RepeatedWordModel(n_ctx=256)
    cache = VectorCache(tmp_path / "llm.sqlite")
    predicted, used = score_essays(vectors, ESSAYS, with_model, scorer=scorer, model_cache=cache)
    assert used and scorer.calls == len(ESSAYS)
    assert predicted.shape == (3, 7)
    assert predicted[0, 0] > predicted[2, 0] > predicted[1, 0]  # the repetitive essay is most "expected"
    again = RepeatedWordModel(n_ctx=256)
    cached, _ = score_essays(vectors, ESSAYS, with_model, scorer=again, model_cache=cache)
    assert again.calls == 0 and np.allclose(cached, predicted)


def test_without_a_matching_scorer_the_plain_weights_score(
    vectors: TextVectors, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, with_model = _models(64)
    monkeypatch.setattr(essays, "default_essay_model", lambda: plain)
    for scorer in (None, RepeatedWordModel("another-model"), RepeatedWordModel(n_ctx=512)):
        predicted, used = score_essays(vectors, ESSAYS, with_model, scorer=scorer)
        assert not used and np.allclose(predicted, 3.0)
        assert scorer is None or scorer.calls == 0
    # an explicitly given plain model is used as it is, even with a scorer at hand
    scorer = RepeatedWordModel()
    predicted, used = score_essays(vectors, ESSAYS, plain, scorer=scorer)
    assert not used and scorer.calls == 0 and np.allclose(predicted, 3.0)
    # a scorer without n_ctx (cannot say how much it reads) is accepted by name
    assert model_for_scorer(RepeatedWordModel(), with_model) is with_model
    assert model_for_scorer(None, with_model) is None


def test_evaluate_reports_whether_model_signals_were_used(
    vectors: TextVectors, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, with_model = _models(64)
    monkeypatch.setattr(essays, "default_essay_model", lambda: plain)
    monkeypatch.setattr(essays, "llm_essay_model", lambda: with_model)
    data = tmp_path / "essays.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["full_text", *TRAITS, "gender"])
        for number, text in enumerate(ESSAYS):
            writer.writerow([text, *([3.0 + 0.5 * number] * 7), "Female"])
    with_scorer = evaluate_essays(data, vectors, scorer=RepeatedWordModel(n_ctx=256))
    without = evaluate_essays(data, vectors)
    assert with_scorer["model_signals"] is True and without["model_signals"] is False
    assert with_scorer["n"] == without["n"] == 3
    assert with_scorer["mcrmse"] != without["mcrmse"]


def test_weights_record_the_model_they_were_fitted_with(tmp_path: Path) -> None:
    _, with_model = _models(4)
    with_model.save(tmp_path / "w.npz")
    loaded = EssayModel.load(tmp_path / "w.npz")
    assert (loaded.model, loaded.ctx) == ("fake-lm", 256)
    assert np.allclose(loaded.weights, with_model.weights)
    shipped = EssayModel.load(ESSAY_MODEL_FILE)
    assert shipped.model == "" and model_for_scorer(RepeatedWordModel(""), shipped) is None


def test_the_app_offers_an_essay_scorer_only_with_file_weights_and_local_provider(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, with_model = _models(4)
    with_model.model = "tiny-model"
    assert essay_scorer(settings) is None  # no GGUF file in this data folder
    model_file = tmp_path / "tiny-model.gguf"
    model_file.write_bytes(b"not loaded until the first score")
    local = settings.model_copy(update={"local_model_path": model_file})
    monkeypatch.setattr(essays, "llm_essay_model", lambda: None)
    assert essay_scorer(local) is None  # no essay weights with model features ship
    monkeypatch.setattr(essays, "llm_essay_model", lambda: with_model)
    scorer = essay_scorer(local)
    assert scorer is not None and scorer.name == "tiny-model"
    assert getattr(scorer, "n_ctx", None) == 256
    assert essay_scorer(local.model_copy(update={"provider": "openai"})) is None
    other = tmp_path / "other-model.gguf"
    other.write_bytes(b"x")
    assert essay_scorer(local.model_copy(update={"local_model_path": other})) is None
