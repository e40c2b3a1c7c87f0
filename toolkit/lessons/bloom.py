"""Operational verbs by level of the revised Bloom taxonomy (C1-C6), in Indonesian and English.

"Memahami", "mengetahui", "mengerti" (and "understand", "know") name a state of mind, not an
observable action: they are not operational when they stand alone in a learning objective.
"""

from __future__ import annotations

import re
from typing import cast

from toolkit.language import BloomLevel as Level

HIGHER_ORDER = ("C4", "C5", "C6")

OPERATIONAL_VERBS: dict[str, dict[str, tuple[str, ...]]] = {
    "id": {
        "C1": (
            "menyebutkan",
            "mendaftar",
            "menamai",
            "mengidentifikasi",
            "mengenali",
            "menunjukkan",
            "mencocokkan",
            "mendefinisikan",
            "menuliskan",
        ),
        "C2": (
            "menjelaskan",
            "menguraikan",
            "mengklasifikasikan",
            "merangkum",
            "menafsirkan",
            "menyimpulkan",
            "memparafrasakan",
            "mendeskripsikan",
            "memberi contoh",
            "mengelompokkan",
        ),
        "C3": (
            "menghitung",
            "menggunakan",
            "menerapkan",
            "melaksanakan",
            "mendemonstrasikan",
            "menyelesaikan",
            "menentukan",
            "mempraktikkan",
            "mengoperasikan",
            "melakukan",
            "mengukur",
        ),
        "C4": (
            "menganalisis",
            "membedakan",
            "membandingkan",
            "mengorganisasikan",
            "menelaah",
            "mendiagnosis",
            "mengaitkan",
            "menemukan pola",
            "mengurutkan",
            "menyelidiki",
        ),
        "C5": (
            "mengevaluasi",
            "menilai",
            "mengkritik",
            "memutuskan",
            "membuktikan",
            "memvalidasi",
            "mempertahankan pendapat",
            "merekomendasikan",
            "memprediksi",
        ),
        "C6": (
            "merancang",
            "membuat",
            "menyusun",
            "mencipta",
            "menciptakan",
            "mengembangkan",
            "merumuskan",
            "menghasilkan",
            "memproduksi",
            "mengusulkan",
        ),
    },
    "en": {
        "C1": ("list", "name", "identify", "recognise", "recall", "define", "label", "state", "match"),
        "C2": (
            "explain",
            "describe",
            "summarise",
            "classify",
            "interpret",
            "give examples of",
            "paraphrase",
            "outline",
            "illustrate",
        ),
        "C3": (
            "calculate",
            "use",
            "apply",
            "carry out",
            "demonstrate",
            "solve",
            "determine",
            "measure",
            "perform",
        ),
        "C4": (
            "analyse",
            "analyze",
            "compare",
            "contrast",
            "distinguish",
            "organise",
            "examine",
            "investigate",
            "sequence",
            "categorise",
        ),
        "C5": (
            "evaluate",
            "assess",
            "judge",
            "justify",
            "critique",
            "decide",
            "argue",
            "predict",
            "recommend",
        ),
        "C6": ("design", "create", "plan", "compose", "construct", "produce", "develop", "propose", "write"),
    },
}
NON_OPERATIONAL: dict[str, tuple[str, ...]] = {
    "id": ("memahami", "mengetahui", "mengerti", "menghayati", "menyadari", "mengenal"),
    "en": ("understand", "know", "appreciate", "be aware of", "learn about", "grasp"),
}


def verbs(language: str, levels: tuple[str, ...] | None = None) -> list[str]:
    """Operational verbs of ``language`` (all levels, or only ``levels``), lowest level first."""
    table = OPERATIONAL_VERBS["en" if language == "en" else "id"]
    return [verb for level, words in table.items() if levels is None or level in levels for verb in words]


def _contains(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text) is not None


def find_verbs(text: str, language: str) -> list[tuple[str, str]]:
    """(verb, level) of every operational verb in ``text``, in order of appearance."""
    lowered = text.lower()
    found: list[tuple[int, str, str]] = []
    for level, words in OPERATIONAL_VERBS["en" if language == "en" else "id"].items():
        for verb in words:
            match = re.search(rf"(?<![a-z]){re.escape(verb)}(?![a-z])", lowered)
            if match:
                found.append((match.start(), verb, level))
    return [(verb, level) for _, verb, level in sorted(found)]


def bloom_level(text: str, language: str) -> Level | None:
    """The Bloom level of the first operational verb in ``text`` (None when there is none)."""
    found = find_verbs(text, language)
    return cast(Level, found[0][1]) if found else None


def highest_level(text: str, language: str) -> Level | None:
    """The highest Bloom level among the operational verbs in ``text``."""
    levels = [level for _, level in find_verbs(text, language)]
    return cast(Level, max(levels)) if levels else None


def level_of_verb(verb: str, language: str) -> Level | None:
    """The level a single verb belongs to."""
    for level, words in OPERATIONAL_VERBS["en" if language == "en" else "id"].items():
        if verb.strip().lower() in words:
            return cast(Level, level)
    return None


def is_operational(text: str, language: str) -> bool:
    """True when ``text`` states at least one operational verb (a bare 'memahami' is not enough)."""
    return bool(find_verbs(text, language))


def non_operational_verbs(text: str, language: str) -> list[str]:
    """The non-operational verbs ('memahami', 'mengetahui', ...) that ``text`` uses."""
    lowered = text.lower()
    return [verb for verb in NON_OPERATIONAL["en" if language == "en" else "id"] if _contains(lowered, verb)]
