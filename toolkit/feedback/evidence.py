"""Evidence per criterion: the part of the work that bears on it, and a strength and next step about it.

Each criterion quotes its own part of the work (a clause, not always the whole sentence) chosen by
a rule that fits its kind (``criteria.CriterionPlan``): the clauses that cover key points for a
coverage criterion, the clause that uses the key terms for a concept criterion, the clause that
gives a reason for a reasoning criterion, the phrases with language problems for a language
criterion. When nothing in the work bears on the criterion, no quotation is given and the
strength says so. Every quotation is verified to occur in the work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from toolkit.feedback.criteria import COVERED, REASON_LINK, CriterionPlan
from toolkit.feedback.language_check import LanguageReport, clean_sentences, language_advice
from toolkit.feedback.safety import normalise_space
from toolkit.feedback.signals import content_words, trigrams
from toolkit.feedback.vectors import TextVectors

CLAUSE_SPLIT = re.compile(
    r"[,;:]\s*|\s+(?=\b(?:lalu|kemudian|dan|karena|sehingga|tetapi|namun|then|and|because|so|but)\b)",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
MAX_QUOTES = 3


@dataclass
class Evidence:
    """Quotations from the work, a strength and a next step for one criterion."""

    quotes: list[str] = field(default_factory=list)
    strength: str = ""
    next_step: str = ""


def clauses_of(text: str) -> list[str]:
    """The work's clauses (parts of sentences split at commas and linking words), as written."""
    out: list[str] = []
    for sentence in SENTENCE.findall(text):
        for part in CLAUSE_SPLIT.split(sentence):
            clause = normalise_space(part).strip(" .!?")
            if len(content_words(clause)) >= 1:
                out.append(clause)
    return out


def point_recall(point: str, clause: str) -> float:
    """Share of the point's character trigrams found in the clause (typo-tolerant)."""
    grams = trigrams(point)
    return len(grams & trigrams(clause)) / len(grams) if grams else 0.0


def term_used(term: str, words: set[str]) -> bool:
    """Whether ``term`` (or a word sharing its first five letters) occurs among ``words``."""
    stem = term[:5]
    return term in words or any(len(word) >= 5 and word[:5] == stem for word in words)


TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "coverage_strength": "Poin kunci yang sudah ada: {points} (\u201c{quote}\u201d).",
        "coverage_none": "Belum ada bagian jawaban yang memuat poin kunci.",
        "coverage_next": "Tambahkan poin kunci yang belum ada: '{point}'.",
        "coverage_all": "Semua poin kunci sudah ada; tambahkan contohmu sendiri untuk '{point}'.",
        "concept_strength": "Istilah kunci yang sudah kamu pakai: {terms} (\u201c{quote}\u201d).",
        "concept_none": "Belum ada istilah kunci dari materi dalam jawaban.",
        "concept_next": "Gunakan istilah yang tepat: {terms}, dan jelaskan artinya.",
        "concept_all": "Istilahnya sudah tepat; jelaskan hubungan antara {terms}.",
        "reason_strength": "Kamu sudah memberi alasan: \u201c{quote}\u201d.",
        "reason_none": "Belum ada kalimat yang menjelaskan sebab atau alasan.",
        "reason_next": "Jelaskan mengapa: hubungkan '{point}' dengan sebabnya memakai 'karena' atau 'sehingga'.",
        "reason_more": "Tambahkan alasan untuk '{point}'.",
        "general_strength": "Bagian yang sesuai dengan '{point}': \u201c{quote}\u201d.",
        "general_none": "Belum ada bagian jawaban yang sesuai dengan kriteria ini.",
        "general_next": "Selanjutnya, jelaskan '{point}' dengan kata-katamu sendiri.",
        "general_top": "Pertahankan; tambahkan contohmu sendiri tentang '{point}'.",
        "empty": "Tulis jawaban yang membahas '{point}'.",
    },
    "en": {
        "coverage_strength": "Key points you already cover: {points} (\u201c{quote}\u201d).",
        "coverage_none": "No part of the answer covers a key point yet.",
        "coverage_next": "Add the missing key point: '{point}'.",
        "coverage_all": "All key points are there; add your own example for '{point}'.",
        "concept_strength": "Key terms you already use: {terms} (\u201c{quote}\u201d).",
        "concept_none": "The answer does not use the key terms of the topic yet.",
        "concept_next": "Use the right terms: {terms}, and explain what they mean.",
        "concept_all": "Your terms are right; explain how {terms} are linked.",
        "reason_strength": "You already give a reason: \u201c{quote}\u201d.",
        "reason_none": "No sentence explains a cause or a reason yet.",
        "reason_next": "Explain why: link '{point}' to its cause with 'because' or 'so'.",
        "reason_more": "Add a reason for '{point}'.",
        "general_strength": "The part that matches '{point}': \u201c{quote}\u201d.",
        "general_none": "No part of the answer matches this criterion yet.",
        "general_next": "Next, explain '{point}' in your own words.",
        "general_top": "Keep this up; add your own example for '{point}'.",
        "empty": "Write an answer that covers '{point}'.",
    },
}


def _list(items: list[str]) -> str:
    return ", ".join(f"'{item[:60]}'" for item in items)


def coverage_evidence(plan: CriterionPlan, clauses: list[str], top: bool, words: dict[str, str]) -> Evidence:
    """Clauses that cover key points; the next step names the least-covered point."""
    recall = np.asarray([[point_recall(point, clause) for clause in clauses] for point in plan.points])
    covered = [number for number in range(len(plan.points)) if recall[number].max() >= COVERED]
    missing = [number for number in range(len(plan.points)) if number not in covered]
    quotes = list(dict.fromkeys(clauses[int(recall[number].argmax())] for number in covered))[:MAX_QUOTES]
    evidence = Evidence(quotes=quotes)
    if covered:
        evidence.strength = words["coverage_strength"].format(
            points=_list([plan.points[n] for n in covered]), quote=quotes[0][:200]
        )
    else:
        evidence.strength = words["coverage_none"]
    if missing:
        weakest = min(missing, key=lambda number: float(recall[number].max()))
        evidence.next_step = words["coverage_next"].format(point=plan.points[weakest][:80])
    else:
        evidence.next_step = words["coverage_all"].format(point=plan.points[0][:80])
    return evidence


def concept_evidence(plan: CriterionPlan, clauses: list[str], words: dict[str, str]) -> Evidence:
    """The clause using the most key terms; the next step names terms not used yet."""
    clause_words = [set(content_words(clause)) for clause in clauses]
    every_word = set().union(*clause_words) if clause_words else set()
    used = [term for term in plan.points if term_used(term.lower(), every_word)]
    unused = [term for term in plan.points if term not in used]
    counts = [sum(term_used(term.lower(), found) for term in used) for found in clause_words]
    evidence = Evidence()
    if used and max(counts) > 0:
        evidence.quotes = [clauses[int(np.argmax(counts))]]
        evidence.strength = words["concept_strength"].format(
            terms=_list(used[:5]), quote=evidence.quotes[0][:200]
        )
    else:
        evidence.strength = words["concept_none"]
    if unused:
        evidence.next_step = words["concept_next"].format(terms=_list(unused[:3]))
    else:
        evidence.next_step = words["concept_all"].format(terms=_list(plan.points[:3]))
    return evidence


def reasoning_evidence(plan: CriterionPlan, clauses: list[str], text: str, words: dict[str, str]) -> Evidence:
    """Clauses that give a reason; without one the next step asks for the cause of a key point."""
    sentences = [normalise_space(s).strip(" .!?") for s in SENTENCE.findall(text)]
    linked = [s for s in sentences if REASON_LINK.search(s)]
    point = plan.points[0] if plan.points else ""
    if not linked:
        return Evidence(
            strength=words["reason_none"], next_step=words["reason_next"].format(point=point[:80])
        )
    recall = [point_recall(item, " ".join(linked)) for item in plan.points]
    weakest = plan.points[int(np.argmin(recall))] if plan.points else point
    return Evidence(
        quotes=linked[:MAX_QUOTES],
        strength=words["reason_strength"].format(quote=linked[0][:200]),
        next_step=words["reason_more"].format(point=weakest[:80]),
    )


def language_evidence(report: LanguageReport, language: Literal["id", "en"]) -> Evidence:
    """The sentences with language problems; the next step is about the first problem."""
    texts = {
        "id": (
            "Kalimatmu sudah baku dan lengkap: \u201c{quote}\u201d.",
            "Belum ada kalimat yang sepenuhnya baku.",
        ),
        "en": (
            "This sentence is clear and standard: \u201c{quote}\u201d.",
            "No sentence is fully standard yet.",
        ),
    }[language]
    problems = list(dict.fromkeys(issue.sentence for issue in report.issues))
    clean = clean_sentences(report)
    return Evidence(
        quotes=[sentence.strip(" .!?") for sentence in problems[:MAX_QUOTES]]
        or [sentence.strip(" .!?") for sentence in clean[:1]],
        strength=texts[0].format(quote=clean[0].strip(" .!?")[:200]) if clean else texts[1],
        next_step=language_advice(report.issues[0] if report.issues else None, language),
    )


def general_evidence(
    plan: CriterionPlan, clauses: list[str], top: bool, vectors: TextVectors, words: dict[str, str]
) -> Evidence:
    """The clause closest to the criterion's points (e5), the best- and least-covered points."""
    clause_vectors = vectors.passages(clauses)
    point_vectors = vectors.passages(plan.points)
    coverage = clause_vectors @ point_vectors.T
    best = int(coverage.max(axis=1).argmax())
    strong = plan.points[int(coverage.max(axis=0).argmax())]
    weak = plan.points[int(coverage.max(axis=0).argmin())]
    return Evidence(
        quotes=[clauses[best]],
        strength=words["general_strength"].format(point=strong[:80], quote=clauses[best][:200]),
        next_step=(words["general_top"] if top else words["general_next"]).format(point=weak[:80]),
    )


def criterion_evidence(
    plan: CriterionPlan,
    text: str,
    top: bool,
    language: Literal["id", "en"],
    vectors: TextVectors,
    report: LanguageReport,
    restore: Callable[[str], str],
) -> Evidence:
    """Evidence for one criterion from the (masked, cleaned) ``text``; ``restore`` unmasks quotes."""
    words = TEXTS[language]
    clauses = clauses_of(text)
    if plan.kind == "language":
        found = language_evidence(report, language)
    elif not clauses:
        point = plan.points[0] if plan.points else ""
        found = Evidence(next_step=words["empty"].format(point=point[:80]))
    elif plan.kind == "coverage" and plan.points:
        found = coverage_evidence(plan, clauses, top, words)
    elif plan.kind == "concept" and plan.points:
        found = concept_evidence(plan, clauses, words)
    elif plan.kind == "reasoning":
        found = reasoning_evidence(plan, clauses, text, words)
    else:
        found = general_evidence(plan, clauses, top, vectors, words)
    found.quotes = [restore(quote) for quote in found.quotes]
    found.strength = restore(found.strength)
    return found
