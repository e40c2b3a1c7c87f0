"""Text helpers for quizzes: normalisation for evidence matching and sentences.

The language of a text is ``toolkit.language.guess_language``.
"""

from __future__ import annotations

import re
import unicodedata

from toolkit.language import FUNCTION_WORDS

_MARKUP = re.compile(r"\*\*|__|`|\[\d+\]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9À-Ý])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")

STOPWORDS = FUNCTION_WORDS | {
    "also",
    "called",
    "can",
    "disebut",
    "hanya",
    "has",
    "have",
    "lain",
    "menjadi",
    "merupakan",
    "not",
    "sang",
    "sebuah",
    "sehingga",
    "seorang",
    "setelah",
    "si",
    "suatu",
    "their",
    "they",
    "was",
    "were",
    "which",
    "yaitu",
    "yg",
}
"""The shared function words and the ones a quiz's evidence matching ignores besides."""


def normalise(text: str) -> str:
    """Lower case, accents folded, markup and punctuation removed, single spaces."""
    folded = unicodedata.normalize("NFKD", _MARKUP.sub(" ", text))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", folded.lower()).split())


def contains_normalised(haystack: str, needle: str) -> bool:
    """True when ``needle`` occurs in ``haystack`` after normalising both (word boundaries kept)."""
    small = normalise(needle)
    return bool(small) and f" {small} " in f" {normalise(haystack)} "


def words(text: str) -> list[str]:
    """Normalised words."""
    return normalise(text).split()


def content_words(text: str) -> set[str]:
    """Normalised words that carry meaning (stop words and one-letter words removed)."""
    return {word for word in words(text) if word not in STOPWORDS and len(word) > 1}


def strip_markdown_line(line: str) -> str:
    """A line without bullets, bold markers and heading marks."""
    line = re.sub(r"^#+\s*", "", line.strip())
    line = _BULLET.sub("", line)
    return line.replace("**", "").replace("__", "").strip()


def sentences(text: str) -> list[str]:
    """Sentences of a passage; list items and lines are kept as their own sentences; tables skipped."""
    found: list[str] = []
    for raw_line in text.splitlines():
        if raw_line.strip().startswith("|") or not raw_line.strip():
            continue
        line = strip_markdown_line(raw_line)
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            if len(piece) >= 12:
                found.append(piece)
    return found


def similar_length(options: list[str], ratio: float = 3.0, slack: int = 12) -> bool:
    """True when the longest option is at most ``ratio`` times the shortest plus ``slack`` chars."""
    lengths = [len(option.strip()) for option in options if option.strip()]
    if len(lengths) < 2:
        return True
    return max(lengths) <= ratio * min(lengths) + slack
