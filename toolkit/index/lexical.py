"""A small BM25 index for the lexical half of hybrid retrieval (Indonesian and English)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from toolkit.language import FUNCTION_WORDS

STOPWORDS = FUNCTION_WORDS | {
    "adakah",
    "apa",
    "apakah",
    "bagaimana",
    "berapa",
    "did",
    "dimana",
    "do",
    "does",
    "how",
    "jika",
    "kapan",
    "kenapa",
    "mana",
    "masih",
    "mengapa",
    "sebuah",
    "secara",
    "seorang",
    "siapa",
    "sudah",
    "telah",
    "was",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
}
"""The shared function words and the question words BM25 ignores besides."""

_TOKEN = re.compile(r"[0-9a-zA-Z\u00C0-\u024F]+")
_PREFIXES = (
    "meng",
    "meny",
    "mem",
    "men",
    "me",
    "peng",
    "peny",
    "pem",
    "pen",
    "pe",
    "ber",
    "be",
    "ter",
    "di",
    "ke",
    "se",
)
_SUFFIXES = ("kannya", "annya", "kan", "an", "nya", "lah", "kah", "i")


def light_stem(token: str) -> str:
    """Strip one common Indonesian suffix and one prefix, keeping at least four letters."""
    if len(token) <= 4 or token.isdigit():
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            token = token[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 4:
            token = token[len(prefix) :]
            break
    return token


def tokenize(text: str) -> list[str]:
    """Lower-case, lightly stemmed word tokens without stopwords."""
    return [light_stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


class BM25Index:
    """Okapi BM25 over a fixed list of texts."""

    def __init__(self, texts: Sequence[str], k1: float = 0.9, b: float = 0.4) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(texts)
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for position, text in enumerate(texts):
            counts = Counter(tokenize(text))
            self._lengths.append(sum(counts.values()))
            for term, count in counts.items():
                self._postings[term].append((position, count))
        self._average = (sum(self._lengths) / self.size) if self.size else 0.0
        self._idf = {
            term: math.log(1.0 + (self.size - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self._postings.items()
        }

    def scores(self, query: str) -> dict[int, float]:
        """BM25 score of every text that shares a term with the query (position -> score)."""
        result: dict[int, float] = defaultdict(float)
        if not self.size:
            return {}
        for term in set(tokenize(query)):
            idf = self._idf.get(term)
            if idf is None:
                continue
            for position, count in self._postings[term]:
                norm = self.k1 * (1 - self.b + self.b * self._lengths[position] / self._average)
                result[position] += idf * count * (self.k1 + 1) / (count + norm)
        return dict(result)
