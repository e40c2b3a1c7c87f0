"""Surface features of an English learner essay that track the ELLIPSE analytic traits.

Length, sentence and word statistics, vocabulary variety, punctuation and capitalisation habits,
and subword pieces per word (misspelled words split into more pieces of the e5 tokenizer, so the
ratio is a spelling signal without a dictionary). All features are computed from the text alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

SENTENCE = re.compile(r"[^.!?]+[.!?]*")
WORD = re.compile(r"[A-Za-z']+")

FEATURE_NAMES: tuple[str, ...] = (
    "log_words",
    "log_sentences",
    "words_per_sentence",
    "sentence_length_spread",
    "chars_per_word",
    "long_word_share",
    "type_token_ratio",
    "moving_type_token_ratio",
    "log_paragraphs",
    "commas_per_sentence",
    "lowercase_sentence_starts",
    "lowercase_i_share",
    "missing_space_after_punctuation",
    "repeated_punctuation",
    "apostrophe_share",
    "capital_share",
    "pieces_per_word",
    "unique_long_words",
)


def _moving_ttr(words: list[str], window: int = 50) -> float:
    if len(words) <= window:
        return len(set(words)) / max(len(words), 1)
    ratios = [len(set(words[start : start + window])) / window for start in range(0, len(words) - window, 10)]
    return sum(ratios) / len(ratios)


def essay_features(text: str, count_pieces: Callable[[str], int] | None = None) -> list[float]:
    """Feature values in the order of ``FEATURE_NAMES``."""
    words = WORD.findall(text)
    lower = [word.lower() for word in words]
    n_words = max(len(words), 1)
    sentences = [s.strip() for s in SENTENCE.findall(text) if WORD.search(s)]
    n_sentences = max(len(sentences), 1)
    lengths = [len(WORD.findall(s)) for s in sentences] or [0]
    mean_length = sum(lengths) / len(lengths)
    spread = math.sqrt(sum((x - mean_length) ** 2 for x in lengths) / len(lengths))
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    starts = [s.lstrip("\"'( ")[:1] for s in sentences]
    pieces = count_pieces(" ".join(words[:400])) / max(min(len(words), 400), 1) if count_pieces else 0.0
    return [
        math.log1p(len(words)),
        math.log1p(len(sentences)),
        len(words) / n_sentences,
        spread,
        sum(len(w) for w in words) / n_words,
        sum(len(w) >= 7 for w in words) / n_words,
        len(set(lower)) / n_words,
        _moving_ttr(lower),
        math.log1p(len(paragraphs)),
        text.count(",") / n_sentences,
        sum(1 for c in starts if c.islower()) / n_sentences,
        sum(1 for w in words if w == "i") / n_words,
        len(re.findall(r"[,.!?][A-Za-z]", text)) / n_sentences,
        len(re.findall(r"[!?.,]{2,}", text)) / n_sentences,
        text.count("'") / n_words,
        sum(1 for w in words if w[:1].isupper()) / n_words,
        pieces,
        len({w for w in lower if len(w) >= 8}) / math.sqrt(n_words),
    ]
