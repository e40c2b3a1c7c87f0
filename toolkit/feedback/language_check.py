"""Language of a piece of work judged on language: informal words, capitals, punctuation, sentences.

A language criterion ("Kejelasan bahasa", "Tata bahasa dan ejaan", "Clarity of language"...) is
not judged by overlap with the reference answer: ``check_language`` lists concrete problems, each
with the sentence it occurs in, following EYD/PUEBI conventions for Indonesian (standard words
instead of informal ones such as *gak*, *kena*, *jadi*; a capital letter at the start of every
sentence; a full stop at its end; no digit for repetition as in *anak2*; no sentence that starts
with *dan*/*tetapi*) and the same surface conventions for English. ``language_level`` maps the
problems to a rubric level: only work without any problem reaches the top level. The rules are
visible and deterministic; they are not calibrated on human grades (there are none for this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

INFORMAL_ID: dict[str, str] = {
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "kena": "terkena",
    "jadi": "menjadi",
    "udah": "sudah",
    "udh": "sudah",
    "sdh": "sudah",
    "blm": "belum",
    "aja": "saja",
    "banget": "sangat",
    "bgt": "sangat",
    "kalo": "kalau",
    "klo": "kalau",
    "emang": "memang",
    "gimana": "bagaimana",
    "kayak": "seperti",
    "bikin": "membuat",
    "pake": "memakai",
    "yg": "yang",
    "dgn": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "tau": "tahu",
    "gitu": "begitu",
    "gini": "begini",
    "doang": "saja",
    "cuma": "hanya",
    "cuman": "hanya",
    "trus": "lalu",
    "tapi": "tetapi",
    "tp": "tetapi",
    "ama": "dengan",
    "gede": "besar",
    "dapet": "dapat",
    "liat": "lihat",
    "ngeliat": "melihat",
    "ngerti": "mengerti",
    "nyari": "mencari",
    "dateng": "datang",
    "bener": "benar",
    "biar": "agar",
    "abis": "habis",
    "ntar": "nanti",
    "sy": "saya",
    "jg": "juga",
    "dr": "dari",
    "org": "orang",
    "tsb": "tersebut",
    "gue": "saya",
    "gw": "saya",
    "nyampe": "sampai",
    "mending": "lebih baik",
}
INFORMAL_EN: dict[str, str] = {
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "have to",
    "kinda": "kind of",
    "u": "you",
    "ur": "your",
    "cuz": "because",
    "coz": "because",
    "dont": "don't",
    "doesnt": "doesn't",
    "cant": "can't",
    "wont": "won't",
    "im": "I'm",
    "thx": "thanks",
    "pls": "please",
    "ok": "all right",
    "yeah": "yes",
}
SENTENCE_START_CONJUNCTIONS = {
    "id": ("dan", "tetapi", "tapi", "atau", "sehingga"),
    "en": ("and", "but", "or"),
}
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
DIGIT_REPETITION = re.compile(r"\b[A-Za-z]{2,}2\b")
REPEATED_PUNCTUATION = re.compile(r"[!?]{2,}|\.{4,}|,{2,}")
MISSING_SPACE = re.compile(r"[,;:!?.][A-Za-z]{2,}")
SPACE_BEFORE = re.compile(r"\w\s+[,.;:!?]")
LANGUAGE_NAME = re.compile(
    r"bahasa|ejaan|\beyd\b|puebi|kebahasaan|tanda baca|penulisan|language|grammar|spelling|"
    r"conventions|mechanics|punctuation",
    re.IGNORECASE,
)
Kind = Literal["informal", "capital", "end_punctuation", "incomplete", "digit", "punctuation", "lower_i"]


@dataclass
class LanguageIssue:
    """One problem: its kind, the sentence it occurs in, the words and the standard form."""

    kind: Kind
    sentence: str
    words: list[str] = field(default_factory=list)
    standard: list[str] = field(default_factory=list)


@dataclass
class LanguageReport:
    """All problems found in a work and its sentences."""

    sentences: list[str]
    issues: list[LanguageIssue]

    @property
    def kinds(self) -> set[str]:
        """The different kinds of problem found."""
        return {issue.kind for issue in self.issues}


def is_language_criterion(name: str) -> bool:
    """Whether a criterion named ``name`` is about language (judged by ``check_language``)."""
    return bool(LANGUAGE_NAME.search(name))


def split_sentences(text: str) -> list[str]:
    """Sentences as written (spacing normalised), keeping their final punctuation."""
    found = [" ".join(part.split()) for part in SENTENCE.findall(text)]
    return [sentence for sentence in found if WORD.search(sentence)]


def check_language(text: str, language: Literal["id", "en"] = "id") -> LanguageReport:
    """Every language problem of ``text`` (in ``language``), sentence by sentence."""
    informal = INFORMAL_ID if language == "id" else INFORMAL_EN
    sentences = split_sentences(text)
    issues: list[LanguageIssue] = []
    for number, sentence in enumerate(sentences):
        words = WORD.findall(sentence)
        lower = [word.lower() for word in words]
        found = [word for word in lower if word in informal]
        if found:
            unique = list(dict.fromkeys(found))
            issues.append(LanguageIssue("informal", sentence, unique, [informal[word] for word in unique]))
        first = sentence.lstrip("\"'(-• ")[:1]
        if first.isalpha() and first.islower():
            issues.append(LanguageIssue("capital", sentence, [words[0]] if words else []))
        if (lower and lower[0] in SENTENCE_START_CONJUNCTIONS[language]) or len(words) < 3:
            issues.append(LanguageIssue("incomplete", sentence, words[:1]))
        if number == len(sentences) - 1 and not sentence.rstrip("\"')").endswith((".", "!", "?")):
            issues.append(LanguageIssue("end_punctuation", sentence))
        digits = DIGIT_REPETITION.findall(sentence)
        if digits:
            issues.append(LanguageIssue("digit", sentence, digits))
        if any(rule.search(sentence) for rule in (REPEATED_PUNCTUATION, MISSING_SPACE, SPACE_BEFORE)):
            issues.append(LanguageIssue("punctuation", sentence))
        if language == "en" and "i" in words:
            issues.append(LanguageIssue("lower_i", sentence, ["i"], ["I"]))
    return LanguageReport(sentences=sentences, issues=issues)


def language_level(report: LanguageReport, levels: int) -> int:
    """Level index ``0..levels-1``: the top only without problems, one lower per kind of problem.

    Informal words and missing capitals each cost a level; an empty work gets the lowest level.
    """
    if not report.sentences:
        return 0
    top = levels - 1
    return max(0, top - len(report.kinds))


ADVICE: dict[str, dict[str, str]] = {
    "id": {
        "informal": "Ganti kata tidak baku {words} dengan kata baku {standard} (EYD/PUEBI).",
        "capital": "Awali setiap kalimat dengan huruf kapital (PUEBI), misalnya {words}.",
        "end_punctuation": "Akhiri kalimat dengan tanda titik.",
        "incomplete": "Tulis kalimat lengkap (subjek dan predikat), bukan potongan seperti yang diawali {words}.",
        "digit": "Tulis kata ulang lengkap dengan tanda hubung (misalnya 'anak-anak', bukan {words}).",
        "punctuation": "Rapikan tanda baca: satu tanda saja, spasi sesudahnya, tanpa spasi sebelumnya.",
        "lower_i": "Tulis kata ganti 'I' dengan huruf kapital.",
        "none": "Bahasamu sudah baku dan kalimatnya lengkap; pertahankan.",
    },
    "en": {
        "informal": "Replace the informal words {words} with {standard}.",
        "capital": "Start every sentence with a capital letter, e.g. {words}.",
        "end_punctuation": "End the sentence with a full stop.",
        "incomplete": "Write complete sentences (subject and verb), not fragments such as the one starting {words}.",
        "digit": "Write repeated words in full, not with a digit ({words}).",
        "punctuation": "Tidy the punctuation: one mark, a space after it and none before it.",
        "lower_i": "Write the pronoun 'I' as a capital letter.",
        "none": "Your language is standard and your sentences are complete; keep it up.",
    },
}


def language_advice(issue: LanguageIssue | None, language: Literal["id", "en"]) -> str:
    """The next step for one problem (or praise when there is none)."""
    texts = ADVICE[language]
    if issue is None:
        return texts["none"]
    words = ", ".join(f"'{word}'" for word in issue.words)
    standard = ", ".join(f"'{word}'" for word in issue.standard)
    return texts[issue.kind].format(words=words or "…", standard=standard or "…")


def clean_sentences(report: LanguageReport) -> list[str]:
    """The sentences without any problem."""
    flawed = {issue.sentence for issue in report.issues}
    return [sentence for sentence in report.sentences if sentence not in flawed]
