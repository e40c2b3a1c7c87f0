"""What each rubric criterion looks at: its kind, the text it is scored against, its key points.

A criterion's kind comes from its name (so imported teacher rubrics work the same way):

* ``language`` (bahasa, ejaan, EYD/PUEBI, grammar, conventions...): judged on language by
  ``language_check``, never by overlap with the reference;
* ``reasoning`` (penjelasan, penalaran, alasan, reasoning...): the calibrated score against the
  reference, and the work must explain (a cause or reason linked with *karena*, *sehingga*...)
  to reach the top level;
* ``coverage`` (kelengkapan, poin kunci, isi, completeness, content...): the calibrated score
  against the key points; evidence and next step name covered and missing points;
* ``concept`` (ketepatan, konsep, accuracy, understanding...): the calibrated score against the
  reference; its key points are the reference's key *terms*, named in the evidence and next step;
* ``general``: anything else, scored against its key points or the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from toolkit.feedback.language_check import is_language_criterion
from toolkit.feedback.signals import STOPWORDS, WORD, key_points

CriterionKind = Literal["language", "reasoning", "coverage", "concept", "general"]
REASONING_NAME = re.compile(
    r"penjelasan|penalaran|alasan|argumen|analisis|reasoning|explanation|justification|argument",
    re.IGNORECASE,
)
COVERAGE_NAME = re.compile(
    r"kelengkapan|poin kunci|\bisi\b|completeness|key points|\bcontent\b", re.IGNORECASE
)
CONCEPT_NAME = re.compile(r"ketepatan|konsep|pemahaman|accuracy|concept|understanding", re.IGNORECASE)
REASON_LINK = re.compile(
    r"\b(karena|sebab|sehingga|akibatnya|oleh karena itu|oleh sebab itu|maka|agar|supaya|disebabkan|"
    r"menyebabkan|because|since|therefore|so that|as a result|which means|causes?|leads? to)\b",
    re.IGNORECASE,
)
GENERIC_WORDS = frozenset(
    ["menjadi", "lalu", "kemudian", "sebagai", "hanya", "semua", "setiap", "banyak", "sangat", "then"]
)
MAX_TERMS = 10
COVERED = 0.5
"""A key point counts as covered when a clause holds this share of its character trigrams."""


@dataclass
class CriterionPlan:
    """How one criterion is judged: its kind, scoring targets and the points named in feedback."""

    kind: CriterionKind
    targets: list[str]
    """Texts the calibrated score is taken against (best match counts); empty for ``language``."""
    points: list[str]
    """Key points or key terms named in the evidence, strength and next step."""


def criterion_kind(name: str, has_key_points: bool = False) -> CriterionKind:
    """The kind of a criterion from its name (see the module docstring)."""
    if is_language_criterion(name):
        return "language"
    if REASONING_NAME.search(name):
        return "reasoning"
    if CONCEPT_NAME.search(name):
        return "concept"
    if COVERAGE_NAME.search(name) or has_key_points:
        return "coverage"
    return "general"


def key_terms(reference: str, limit: int = MAX_TERMS) -> list[str]:
    """The reference's content words (its key terms), in order of appearance, without repeats."""
    terms: list[str] = []
    for word in WORD.findall(reference):
        lower = word.lower()
        if lower in STOPWORDS or lower in GENERIC_WORDS or len(lower) < 3 or lower.isdigit():
            continue
        if lower not in terms:
            terms.append(lower)
    return terms[:limit]


def concept_points(reference: str) -> list[str]:
    """Key terms for a concept criterion, or none when they would repeat the reference's key points."""
    terms = key_terms(reference)
    clauses = {point.lower() for point in key_points(reference)}
    return [] if set(terms) == clauses else terms


def plan_criterion(
    name: str, criterion_points: list[str], references: list[str], top_descriptor: str
) -> CriterionPlan:
    """The plan for one criterion given its key points and the reference answer(s)."""
    kind = criterion_kind(name, bool(criterion_points))
    reference = references[0] if references else ""
    if kind == "language":
        return CriterionPlan(kind, [], criterion_points)
    if kind in ("concept", "reasoning") and references:
        points = criterion_points or (key_terms(reference) if kind == "concept" else key_points(reference))
        return CriterionPlan(kind, list(references), points)
    if criterion_points:
        return CriterionPlan(kind, ["; ".join(criterion_points)], list(criterion_points))
    if references:
        return CriterionPlan(kind, list(references), key_points(reference))
    return CriterionPlan(kind, [top_descriptor or name], [top_descriptor or name])


def explains(text: str) -> bool:
    """Whether the work links a cause or reason (``REASON_LINK``)."""
    return bool(REASON_LINK.search(text))


def reaches_top(plan: CriterionPlan, text: str) -> bool:
    """Whether the work may get the top level: a reason for reasoning, every key point for coverage."""
    if plan.kind == "reasoning":
        return explains(text)
    if plan.kind == "coverage" and plan.points:
        from toolkit.feedback.evidence import clauses_of, point_recall

        clauses = clauses_of(text)
        return all(
            max((point_recall(point, c) for c in clauses), default=0.0) >= COVERED for point in plan.points
        )
    return True
