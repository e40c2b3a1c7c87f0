"""The embedded language model's judgement of a short answer, as PMI signals (an experiment).

A 270M base model cannot be asked "is this answer right?", but it can say how *expected* a text
is. Two pointwise-mutual-information signals use that without any instruction following:

* ``llm_pmi_answer``: mean per-token log P(answer | question + reference answer) minus mean
  log P(answer | question). Positive when seeing the reference makes the student's words more
  likely, i.e. the answer says what the reference says.
* ``llm_pmi_reference``: mean log P(reference | question + student answer) minus mean
  log P(reference | question). Positive when the student's answer makes the reference predictable,
  i.e. the answer contains what the reference needs.

Plus the raw conditional log-probability of the answer and, for a class batch, both PMI values as
z-scores within the question. Measured by ``fit_feedback_calibration.py --llm`` (results in
``feedback_llm_short_results.json``): they add nothing held-out on top of the app's signals, so
the app does not use them and this module lives here, beside the script that measures it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from toolkit.feedback.model_signal import TEMPLATE_VERSION, LogProbScorer, cached_rows  # noqa: E402
from toolkit.feedback.vectors import VectorCache  # noqa: E402

MODEL_SIGNAL_NAMES: tuple[str, ...] = (
    "llm_pmi_answer",
    "llm_pmi_reference",
    "llm_logprob_answer",
    "llm_z_pmi_answer",
    "llm_z_pmi_reference",
)
MAX_WORDS = 100
"""Question, reference and answer are each cut to this many words before scoring."""
QUESTION_LABEL = "Pertanyaan:"
REFERENCE_LABEL = "\nJawaban yang benar:"
ANSWER_LABEL = "\nJawaban siswa:"


def _words(text: str, limit: int = MAX_WORDS) -> str:
    return " ".join(text.split()[:limit])


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def _zscore(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return np.asarray((values - values.mean()) / spread) if spread > 1e-9 else np.zeros(len(values))


def question_context(question: str) -> str:
    """The prompt prefix shared by every answer to ``question``."""
    return f"{QUESTION_LABEL} {_words(question)}"


def raw_answer_scores(scorer: LogProbScorer, question: str, reference: str, answer: str) -> np.ndarray:
    """[sum log P(A|Q,R), sum log P(A|Q), tokens of A, sum log P(R|Q,A), tokens of R] for one answer.

    Two forward passes: ``Q, A, R`` (gives A given Q and R given Q and A) and ``Q, R, A``.
    """
    prefix = question_context(question)
    answer_text, reference_text = " " + _words(answer), " " + _words(reference)
    given_question = scorer.segment_logprobs(
        prefix + ANSWER_LABEL, [answer_text, REFERENCE_LABEL, reference_text]
    )
    given_reference = scorer.segment_logprobs(
        prefix + REFERENCE_LABEL + reference_text + ANSWER_LABEL, [answer_text]
    )
    return np.asarray(
        [
            given_reference[0].sum(),
            given_question[0].sum(),
            len(given_question[0]),
            given_question[2].sum(),
            len(given_question[2]),
        ],
        dtype=np.float64,
    )


def reference_baseline(scorer: LogProbScorer, question: str, reference: str) -> float:
    """Mean log P(reference | question), the base of ``llm_pmi_reference``."""
    values = scorer.segment_logprobs(question_context(question) + REFERENCE_LABEL, [" " + _words(reference)])
    return _mean(values[0])


def model_signals(
    scorer: LogProbScorer,
    question: str,
    reference: str,
    answers: Sequence[str],
    cache: VectorCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Signal matrix (len(answers) x len(MODEL_SIGNAL_NAMES)) for all answers to one question.

    The caller passes answers already cleaned of instruction-like sentences (as ``signals`` does).
    """
    tag = f"{scorer.name}\x00{TEMPLATE_VERSION}\x00{question}\x00{reference}"
    base_key = VectorCache.key(tag, "llm-reference", "")
    fresh: list[tuple[str, np.ndarray]] = []
    stored = cache.get(base_key) if cache is not None else None
    base = stored.astype(np.float64) if stored is not None else None
    if base is None:
        base = np.asarray([reference_baseline(scorer, question, reference)])
        fresh.append((base_key, base))
    keys = [VectorCache.key(tag, "llm-answer", " ".join(answer.split())) for answer in answers]
    raw = cached_rows(
        keys,
        lambda row: np.asarray(raw_answer_scores(scorer, question, reference, answers[row])),
        5,
        cache,
        progress,
        fresh,
        batch=32,
    )
    answer_tokens = np.maximum(raw[:, 2], 1.0)
    lp_answer_given_reference = raw[:, 0] / answer_tokens
    lp_answer_given_question = raw[:, 1] / answer_tokens
    lp_reference_given_answer = raw[:, 3] / np.maximum(raw[:, 4], 1.0)
    pmi_answer = lp_answer_given_reference - lp_answer_given_question
    pmi_reference = lp_reference_given_answer - float(base[0])
    return np.column_stack(
        [pmi_answer, pmi_reference, lp_answer_given_reference, _zscore(pmi_answer), _zscore(pmi_reference)]
    )
