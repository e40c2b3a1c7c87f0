"""Feedback on English learners' essays on the analytic rubric (Overall plus six traits).

The calibrated essay model (``essays.score_essays``) gives each trait a score from 1.0 to 5.0; the
rubric shows it as one of five levels. For every trait a sentence of the essay is quoted as
evidence (chosen by a visible rule, verified to occur in the work), with one next step written to
the student. Choosing this rubric in the Feedback tab or with ``kelas feedback`` selects this path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from toolkit.feedback.core import neutral_placeholders, recompute_total, verify_quotes
from toolkit.feedback.essays import (
    TRAITS,
    default_essay_model,
    level_confidence,
    llm_essay_model,
    score_essays,
)
from toolkit.feedback.model_signal import LogProbScorer
from toolkit.feedback.models import CriterionFeedback, StudentFeedback, WorkItem
from toolkit.feedback.privacy import mask_batch
from toolkit.feedback.rubric import Rubric, RubricCriterion, RubricLevel
from toolkit.feedback.safety import INJECTION_NOTE, normalise_space, remove_instructions
from toolkit.feedback.vectors import TextVectors, VectorCache

ESSAY_RUBRIC_TITLE = "English learner essay (analytic)"
LEVEL_NAMES = ("1 Very limited", "2 Limited", "3 Developing", "4 Proficient", "5 Skilled")
TRAIT_FOCUS = {
    "Overall": "how well the essay answers the task as a whole",
    "Cohesion": "how ideas are ordered and linked",
    "Syntax": "the range and control of sentence structures",
    "Vocabulary": "the range and precision of words",
    "Phraseology": "natural word combinations and set phrases",
    "Grammar": "accuracy of grammar",
    "Conventions": "spelling, capital letters and punctuation",
}
NEXT_STEPS = {
    "Overall": "State your main idea in the first paragraph and support it with one clear example.",
    "Cohesion": "Link your ideas with words such as 'however', 'for example' and 'as a result'.",
    "Syntax": "Combine two short sentences with 'because', 'although' or 'which'.",
    "Vocabulary": "Replace one general word (good, thing, a lot) with a more exact word.",
    "Phraseology": "Learn two common word partners for a key word of your topic (e.g. 'make a decision').",
    "Grammar": "Check that every verb agrees with its subject and uses the right tense.",
    "Conventions": "Start each sentence with a capital letter, write 'I' as a capital and check spelling.",
}
CONNECTIVES = re.compile(
    r"\b(however|therefore|because|although|for example|for instance|first|second|finally|also|"
    r"in addition|as a result|on the other hand|in conclusion|moreover)\b",
    re.IGNORECASE,
)
SURFACE_PROBLEM = re.compile(r"(^[a-z])|(\bi\b)|([.,!?][A-Za-z])|([!?.]{2,})")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def essay_rubric() -> Rubric:
    """The analytic rubric for English learners' essays (five levels, one row per trait)."""
    levels = [RubricLevel(label=name, points=float(number)) for number, name in enumerate(LEVEL_NAMES, 1)]
    criteria = [
        RubricCriterion(
            name=trait,
            descriptors=[f"{name.split(' ', 1)[1]} control of {TRAIT_FOCUS[trait]}." for name in LEVEL_NAMES],
        )
        for trait in TRAITS
    ]
    return Rubric(
        title=ESSAY_RUBRIC_TITLE, task="English essay", language="en", levels=levels, criteria=criteria
    )


def is_essay_rubric(rubric: Rubric) -> bool:
    """Whether ``rubric`` is the analytic essay rubric (its rows are exactly the essay traits)."""
    return tuple(criterion.name.strip() for criterion in rubric.criteria) == TRAITS


def evidence_sentence(trait: str, sentences: list[str]) -> str:
    """The sentence quoted for ``trait`` (a fixed rule per trait, so the teacher can see why)."""
    if not sentences:
        return ""
    if trait in ("Conventions", "Grammar"):
        flagged = [s for s in sentences if SURFACE_PROBLEM.search(s)]
        return flagged[0] if flagged else min(sentences, key=len)
    if trait == "Cohesion":
        linked = [s for s in sentences if CONNECTIVES.search(s)]
        return linked[0] if linked else sentences[min(1, len(sentences) - 1)]
    if trait == "Vocabulary":
        return max(sentences, key=lambda s: sum(len(w) >= 7 for w in s.split()) / max(len(s.split()), 1))
    if trait in ("Syntax", "Phraseology"):
        return max(sentences, key=lambda s: len(s.split()))
    return sentences[0]


def _sentences(text: str) -> list[str]:
    return [normalise_space(s) for s in SENTENCE.findall(text) if len(s.split()) >= 3]


def essay_feedback(
    works: list[WorkItem],
    text_vectors: TextVectors,
    scorer: LogProbScorer | None = None,
    model_cache: VectorCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[StudentFeedback], bool]:
    """Feedback per essay on the analytic rubric, and whether the language model's features took part.

    As on the rubric path, names, NIS/NISN, phone numbers and e-mails are masked before anything
    is embedded or scored (``privacy.mask_batch``); the quoted evidence is restored and checked
    against the original work.
    """
    rubric = essay_rubric()
    masked = mask_batch([work.text for work in works], [work.name for work in works])
    cleaned = [remove_instructions(item.text) for item in masked]
    texts = [neutral_placeholders(text) if text.strip() else "(empty)" for text, _ in cleaned]
    scores, used_model = score_essays(
        text_vectors, texts, progress=progress, scorer=scorer, model_cache=model_cache
    )
    used = llm_essay_model() if used_model else None
    chances = level_confidence(used or default_essay_model(), scores)
    results = []
    for work, mask, (text, removed), row, chance in zip(works, masked, cleaned, scores, chances, strict=True):
        sentences = _sentences(text)
        notes = [INJECTION_NOTE] if removed else []
        if not sentences:
            notes.append("The essay is empty or too short to score; it gets the lowest level.")
        row = np.clip(row, 1.0, 5.0) if sentences else np.ones(len(TRAITS))
        notes.append(
            "Trait scores (1.0-5.0): " + ", ".join(f"{t} {s:.1f}" for t, s in zip(TRAITS, row, strict=True))
        )
        items = []
        for trait, score, sure in zip(TRAITS, row, chance, strict=True):
            index = int(np.clip(np.floor(float(score) + 0.5), 1, 5)) - 1
            quote = verify_quotes([mask.restore(evidence_sentence(trait, sentences))], work.text)
            items.append(
                CriterionFeedback(
                    criterion=trait,
                    level_index=index,
                    level_label=LEVEL_NAMES[index],
                    points=float(index + 1),
                    evidence=quote,
                    strength=f'{trait} ({TRAIT_FOCUS[trait]}) at {score:.1f}: "{quote[0][:200]}"'
                    if quote
                    else "",
                    next_step=NEXT_STEPS[trait],
                    confidence=round(float(sure), 2) if sentences else 0.5,
                )
            )
        feedback = StudentFeedback(student_id=work.student_id, language="en", criteria=items, notes=notes)
        results.append(recompute_total(feedback, rubric))
    return results, used_model


__all__ = ["essay_feedback", "essay_rubric", "evidence_sentence", "is_essay_rubric"]
