"""Words by language, shared by every tool: function words, the one language detector, Bloom's names.

- ``FUNCTION_WORDS`` is the one base list of Indonesian and English function words; a module that
  needs more stop words extends it visibly (``FUNCTION_WORDS | {...}``).
- ``guess_language`` and ``detect_language`` are the one detector: both count the same marker
  words and break a tie the same way (no answer from ``guess_language``, the default from
  ``detect_language``).
- ``BLOOM_NAMES`` names the levels of the revised Bloom taxonomy in both languages.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["id", "en"]
BloomLevel = Literal["C1", "C2", "C3", "C4", "C5", "C6"]

INDONESIAN_FUNCTION_WORDS = frozenset(
    [
        "ada",
        "adalah",
        "akan",
        "atau",
        "bahwa",
        "bisa",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "dengan",
        "di",
        "ini",
        "itu",
        "juga",
        "karena",
        "ke",
        "lebih",
        "oleh",
        "pada",
        "para",
        "sangat",
        "sebagai",
        "serta",
        "tersebut",
        "tidak",
        "untuk",
        "yang",
    ]
)
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "an",
        "and",
        "are",
        "as",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "with",
    ]
)
FUNCTION_WORDS = INDONESIAN_FUNCTION_WORDS | ENGLISH_FUNCTION_WORDS | {"a"}
"""Stop words of every tool; ``a`` is no language marker (Indonesian lists are lettered a., b.)."""

INDONESIAN_MARKERS = INDONESIAN_FUNCTION_WORDS | {
    "merupakan",
    "sehingga",
    "setelah",
    "yaitu",
    "peserta",
    "didik",
    "siswa",
    "guru",
    "pembelajaran",
}
ENGLISH_MARKERS = ENGLISH_FUNCTION_WORDS | {
    "because",
    "can",
    "has",
    "have",
    "not",
    "their",
    "they",
    "was",
    "were",
    "which",
    "students",
    "teacher",
    "learning",
}
"""Words counted by the detector: frequent in one language, absent from the other."""

MIN_WORDS = 12
"""``guess_language`` gives no answer for a text of fewer words."""
MAX_WORDS = 3000
"""Only the first words are counted (enough to tell, and fast on a whole document)."""

_LETTERS = re.compile(r"[^\W\d_]+")


def language_counts(text: str) -> tuple[int, int, int]:
    """Indonesian markers, English markers and words among the first ``MAX_WORDS`` words of ``text``."""
    words = _LETTERS.findall(text.lower())[:MAX_WORDS]
    indonesian = sum(word in INDONESIAN_MARKERS for word in words)
    english = sum(word in ENGLISH_MARKERS for word in words)
    return indonesian, english, len(words)


def guess_language(text: str, min_words: int = MIN_WORDS) -> Language | None:
    """``"id"`` or ``"en"``, whichever has more marker words; ``None`` for a tie or a short text."""
    indonesian, english, words = language_counts(text)
    if words < min_words or indonesian == english:
        return None
    return "id" if indonesian > english else "en"


def detect_language(text: str, default: Language = "id") -> Language:
    """``guess_language`` for a text of any length; ``default`` where it cannot tell (a tie)."""
    return guess_language(text, min_words=0) or default


BLOOM_NAMES: dict[str, dict[str, str]] = {
    "C1": {"id": "mengingat", "en": "remember"},
    "C2": {"id": "memahami", "en": "understand"},
    "C3": {"id": "menerapkan", "en": "apply"},
    "C4": {"id": "menganalisis", "en": "analyse"},
    "C5": {"id": "mengevaluasi", "en": "evaluate"},
    "C6": {"id": "mencipta", "en": "create"},
}
"""The levels of the revised Bloom taxonomy (C1-C6), named in Indonesian and English."""
