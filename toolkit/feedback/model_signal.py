"""The embedded language model's reading of a text, as measurable log-probabilities.

A 270M base model cannot be asked "is this essay good?", but it can say how *expected* each token
of a text is. ``essay_signals`` turns that into four fluency features of an English learner's
essay (used by ``essays`` when the shipped essay weights were fitted with the same model file).
Log-probabilities come from a ``LogProbScorer`` (``LlamaLogProbs`` runs the GGUF file with
llama.cpp; tests use a tiny fake). Values are cached in SQLite (``vectors.VectorCache``), so
re-running an evaluation or a class costs nothing.

The same scorer was tried on short answers (PMI of the answer and the reference answer); it did
not help held-out, so that experiment lives in ``benchmarks/short_answer_llm.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from toolkit.feedback.vectors import VectorCache
from toolkit.llm import runtime

TEMPLATE_VERSION = "pmi-1"
"""Part of every cache key: values stored by an older way of scoring are not reused."""


class LogProbScorer(Protocol):
    """A causal language model that gives the log-probability of each token of a continuation."""

    name: str
    """Identifies the model file; part of every cache key and checked against the calibration."""

    def segment_logprobs(self, context: str, segments: Sequence[str]) -> list[np.ndarray]:
        """Per-token log-probabilities of each segment, the segments following ``context`` in order."""
        ...


def _lookup(cache: VectorCache | None, key: str) -> np.ndarray | None:
    stored = cache.get(key) if cache is not None else None
    return None if stored is None else stored.astype(np.float64)


def cached_rows(
    keys: Sequence[str],
    compute: Callable[[int], np.ndarray],
    width: int,
    cache: VectorCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    fresh: list[tuple[str, np.ndarray]] | None = None,
    batch: int = 16,
) -> np.ndarray:
    """Row ``i``: the cached value of ``keys[i]``, else ``compute(i)`` (then stored in batches).

    ``fresh`` holds values computed before the loop that are still to be stored; ``progress`` is
    told after every row, so a long batch shows how far it got.
    """
    rows = np.zeros((len(keys), width))
    pending = list(fresh or [])
    for row, key in enumerate(keys):
        stored = _lookup(cache, key)
        if stored is None:
            stored = compute(row)
            pending.append((key, stored))
        rows[row] = stored
        if cache is not None and len(pending) >= batch:
            cache.put_many(pending)
            pending = []
        if progress is not None:
            progress(row + 1, len(keys))
    if cache is not None and pending:
        cache.put_many(pending)
    return rows


def log_softmax_rows(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """log softmax(logits[i])[targets[i]] for every row (float64 result)."""
    rows = np.asarray(logits, dtype=np.float32)
    top = rows.max(axis=1, keepdims=True)
    norm = np.log(np.exp(rows - top).sum(axis=1)).astype(np.float64) + top[:, 0]
    picked = rows[np.arange(len(targets)), targets].astype(np.float64)
    return np.asarray(picked - norm)


class LlamaLogProbs:
    """Token log-probabilities from a GGUF file with llama.cpp (``logits_all``), CPU only.

    The model is loaded on first use through ``toolkit.llm.runtime`` and used only while holding
    the file's lock, the one the chat model holds too. Consecutive calls that share a prompt prefix
    (all answers to one question) evaluate only the new tokens: the KV cache and logits of the
    prefix are kept.
    """

    def __init__(self, model_path: Path, n_threads: int = 2, n_ctx: int = 512) -> None:
        """Score with ``model_path``; ``n_ctx`` tokens at most per call (longer input is cut)."""
        self.model_path = model_path
        self.name = model_path.stem
        self.n_threads = n_threads
        self.n_ctx = n_ctx

    def _model(self) -> Any:
        return runtime.load(self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, logits_all=True)

    def segment_logprobs(self, context: str, segments: Sequence[str]) -> list[np.ndarray]:
        """Per-token log-probabilities of each segment after ``context`` (segments cut to fit ``n_ctx``)."""
        with runtime.file_lock(self.model_path):
            llama = self._model()
            tokens = llama.tokenize(context.encode("utf-8"), add_bos=True)[: self.n_ctx // 2]
            bounds: list[tuple[int, int]] = []
            for segment in segments:
                piece = llama.tokenize(segment.encode("utf-8"), add_bos=False)[: self.n_ctx - len(tokens)]
                bounds.append((len(tokens), len(tokens) + len(piece)))
                tokens = tokens + piece
            current = llama.input_ids[: llama.n_tokens].tolist()
            shared = 0
            for old, new in zip(current, tokens, strict=False):
                if old != new:
                    break
                shared += 1
            shared = min(shared, len(tokens) - 1)
            llama.n_tokens = shared
            llama.eval(tokens[shared:])
            start = bounds[0][0] if bounds else len(tokens)
            targets = np.asarray(tokens[start:], dtype=np.int64)
            values = log_softmax_rows(llama.scores[start - 1 : len(tokens) - 1], targets)
            return [values[begin - start : end - start] for begin, end in bounds]


def local_scorer(model_path: Path | None, n_threads: int = 2, n_ctx: int = 512) -> LlamaLogProbs | None:
    """A scorer for an existing GGUF file, or ``None`` (no file, or llama.cpp not installed)."""
    if model_path is None or not model_path.is_file():
        return None
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return None
    return LlamaLogProbs(model_path, n_threads=n_threads, n_ctx=n_ctx)


ESSAY_SIGNAL_NAMES: tuple[str, ...] = (
    "llm_essay_mean_logprob",
    "llm_essay_logprob_spread",
    "llm_essay_surprising_share",
    "llm_essay_low_decile",
)
SURPRISING_LOGPROB = -8.0
ESSAY_CONTEXT = "Student essay:\n"


def essay_signals(
    scorer: LogProbScorer,
    essays: Sequence[str],
    cache: VectorCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Fluency features of each essay's first ``n_ctx`` tokens under the model (``ESSAY_SIGNAL_NAMES``).

    Mean and spread of the per-token log-probability, the share of very surprising tokens (below
    ``SURPRISING_LOGPROB``: misspellings, broken grammar) and the mean of the lowest tenth.
    """
    window = getattr(scorer, "n_ctx", 0)  # how much of a long essay is read (part of the cache key)
    texts = [" ".join(essay.split()) for essay in essays]
    tag = f"{scorer.name}\x00{TEMPLATE_VERSION}\x00{window}"

    def fluency(row: int) -> np.ndarray:
        values = scorer.segment_logprobs(ESSAY_CONTEXT, [texts[row]])[0]
        if not len(values):
            values = np.zeros(1)
        lowest = np.sort(values)[: max(len(values) // 10, 1)]
        return np.asarray(
            [values.mean(), values.std(), float(np.mean(values < SURPRISING_LOGPROB)), lowest.mean()]
        )

    keys = [VectorCache.key(tag, "llm-essay", text) for text in texts]
    return cached_rows(keys, fluency, len(ESSAY_SIGNAL_NAMES), cache, progress)
