"""Deterministic checks of quiz items: evidence, key, options, stems, true/false wording.

Each check returns a ``CheckResult``; ``run_deterministic_checks`` runs all that apply to an item's
type. The independent re-answer (model or extractive) lives in ``toolkit.quiz.verify``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toolkit.quiz.models import CheckResult, Passage, QuizItem
from toolkit.quiz.text import contains_normalised, content_words, normalise, sentences, similar_length

EVIDENCE_SEPARATOR = " … "
"""Separates the quoted sentences when an item's evidence spans more than one sentence."""

_CATCH_ALL = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|them)\b|\bsemua (jawaban|pilihan|pernyataan)?\s*"
    r"(di atas )?(benar|salah|tepat)\b|\btidak ada (jawaban|pilihan|yang)\b|\bsemua (di atas|benar)\b|"
    r"\b[a-e] (dan|and) [a-e]\b|\bjawaban [a-e] (dan|and) [a-e]\b",
    re.IGNORECASE,
)
MIN_EVIDENCE_WORDS = 4


def evidence_segments(quote: str) -> list[str]:
    """The quoted sentences of an evidence quotation."""
    return [segment.strip() for segment in quote.split(EVIDENCE_SEPARATOR.strip()) if segment.strip()]


def check_evidence(item: QuizItem, passages: Sequence[Passage]) -> CheckResult:
    """The evidence quotation is found, after normalisation, in the passage it cites."""
    name = "evidence_in_passage"
    if item.evidence is None:
        return CheckResult(name=name, passed=False, detail="the item has no evidence")
    passage = next((p for p in passages if p.id == item.evidence.passage_id), None)
    if passage is None:
        return CheckResult(name=name, passed=False, detail=f"passage {item.evidence.passage_id} is unknown")
    segments = evidence_segments(item.evidence.quote)
    if not segments or sum(len(normalise(s).split()) for s in segments) < MIN_EVIDENCE_WORDS:
        return CheckResult(name=name, passed=False, detail="the quotation is too short to prove anything")
    missing = [segment for segment in segments if not contains_normalised(passage.text, segment)]
    if missing:
        return CheckResult(name=name, passed=False, detail=f"not found in {passage.id}: “{missing[0][:80]}”")
    return CheckResult(name=name, passed=True, detail=passage.citation)


def check_key(item: QuizItem) -> CheckResult:
    """The key has the shape the type needs and, for choice items, is among the options."""
    name = "key_among_options"
    problem = _key_problem(item)
    return CheckResult(name=name, passed=problem is None, detail=problem or "")


def _key_problem(item: QuizItem) -> str | None:
    if item.type == "mc":
        if len(item.options) < 3:
            return "a multiple-choice item needs at least three options"
        if len(item.correct) != 1:
            return "a multiple-choice item needs exactly one key"
        if item.correct[0] not in item.options:
            return "the key is not among the options"
    elif item.type == "mr":
        if len(item.options) < 3:
            return "a multiple-response item needs at least three options"
        if len(item.correct) < 1 or any(key not in item.options for key in item.correct):
            return "a key is not among the options"
        if len(item.correct) >= len(item.options):
            return "every option is marked correct"
    elif item.type == "tf":
        if item.correct not in (["true"], ["false"]):
            return "a true/false item needs the key 'true' or 'false'"
    elif item.type == "short":
        if not [answer for answer in item.correct if answer.strip()]:
            return "a short-answer item needs at least one accepted answer"
    elif item.type == "match":
        if len(item.pairs) < 3:
            return "a matching item needs at least three pairs"
    elif item.type == "order":
        if len(item.correct) < 3:
            return "an ordering item needs at least three steps"
        if sorted(item.options) != sorted(item.correct):
            return "the shown steps and the key are not the same steps"
    elif item.type == "essay" and not item.scoring_guide:
        return "an essay item needs a scoring guide"
    return None


def check_options(item: QuizItem) -> list[CheckResult]:
    """Options are distinct, of similar length, and none is 'all/none of the above'."""
    if item.type in ("mc", "mr", "order"):
        texts = item.options
    elif item.type == "match":
        texts = [pair.left for pair in item.pairs] + [pair.right for pair in item.pairs]
    else:
        return []
    results: list[CheckResult] = []
    groups = (
        [texts] if item.type != "match" else [[p.left for p in item.pairs], [p.right for p in item.pairs]]
    )
    duplicates = [
        text
        for group in groups
        for index, text in enumerate(group)
        if normalise(text) in {normalise(other) for other in group[:index]} or not normalise(text)
    ]
    results.append(
        CheckResult(
            name="options_distinct",
            passed=not duplicates,
            detail=f"repeated or empty option “{duplicates[0][:60]}”" if duplicates else "",
        )
    )
    catch_all = [text for text in texts if _CATCH_ALL.search(text)]
    results.append(
        CheckResult(
            name="no_all_or_none_option",
            passed=not catch_all,
            detail=f"“{catch_all[0][:60]}” is an all/none-of-the-above option" if catch_all else "",
        )
    )
    if item.type in ("mc", "mr"):
        balanced = similar_length(item.options)
        results.append(
            CheckResult(
                name="options_similar_length",
                passed=balanced,
                detail="" if balanced else "one option is much longer or shorter than the others",
            )
        )
    return results


def check_tf_not_verbatim(item: QuizItem, passages: Sequence[Passage]) -> CheckResult | None:
    """A true/false statement must not be a sentence copied from the source."""
    if item.type != "tf":
        return None
    statement = normalise(item.stem)
    copied = any(
        normalise(sentence) == statement
        or (len(statement.split()) >= 6 and contains_normalised(p.text, item.stem))
        for p in passages
        for sentence in sentences(p.text)
    )
    return CheckResult(
        name="tf_not_verbatim",
        passed=not copied,
        detail="the statement is copied word for word from the source" if copied else "",
    )


def check_key_grounded(item: QuizItem) -> CheckResult | None:
    """The key's own words occur in the evidence (the evidence really is about the key)."""
    if item.evidence is None or item.type == "tf":
        return None
    evidence_words = content_words(item.evidence.quote)
    if item.type == "match":
        keys = [f"{pair.left} {pair.right}" for pair in item.pairs]
    elif item.type == "essay":
        keys = item.scoring_guide
    elif item.type == "short":
        keys = [max(item.correct, key=lambda answer: len(content_words(answer) & evidence_words), default="")]
    else:
        keys = item.correct
    unsupported = [key for key in keys if not _key_supported(key, item.evidence.quote, evidence_words)]
    return CheckResult(
        name="key_in_evidence",
        passed=not unsupported,
        detail=f"the evidence does not mention “{unsupported[0][:60]}”" if unsupported else "",
    )


def _key_supported(key: str, quote: str, evidence_words: set[str]) -> bool:
    """Most of the key's content words are in the quote; a key with none (``3/4``, ``x``) must occur in it."""
    key_words = content_words(key)
    if not key_words:
        return contains_normalised(quote, key)
    return _mostly_in(key_words, evidence_words)


def _mostly_in(key_words: set[str], evidence_words: set[str], share: float = 0.6) -> bool:
    if not key_words:
        return False
    return len(key_words & evidence_words) >= share * len(key_words)


def check_unique_stem(item: QuizItem, earlier: Sequence[QuizItem]) -> CheckResult:
    """No other item of the quiz has the same stem."""
    stem = normalise(item.stem)
    twin = next((number for number, other in enumerate(earlier, 1) if normalise(other.stem) == stem), None)
    return CheckResult(
        name="unique_stem",
        passed=twin is None,
        detail=f"the same question as item {twin}" if twin is not None else "",
    )


def check_distinct(item: QuizItem, earlier: Sequence[QuizItem], replacing: str | None = None) -> CheckResult:
    """No other item of the quiz quotes the same evidence or has the same answer key.

    ``replacing`` names the item a regenerated item replaces: it may share its evidence and key.
    """
    quote = normalise(item.evidence.quote) if item.evidence is not None else ""
    key = normalise(" ".join(item.correct)) if item.type in ("mc", "mr", "short") else ""
    for number, other in enumerate(earlier, 1):
        if other.id == replacing:
            continue
        if quote and other.evidence is not None and normalise(other.evidence.quote) == quote:
            return CheckResult(
                name="distinct_evidence_and_key", passed=False, detail=f"the same evidence as item {number}"
            )
        if key and other.type in ("mc", "mr", "short") and normalise(" ".join(other.correct)) == key:
            return CheckResult(
                name="distinct_evidence_and_key", passed=False, detail=f"the same answer key as item {number}"
            )
    return CheckResult(name="distinct_evidence_and_key", passed=True)


def run_deterministic_checks(
    item: QuizItem,
    passages: Sequence[Passage],
    earlier: Sequence[QuizItem] = (),
    replacing: str | None = None,
) -> list[CheckResult]:
    """Every deterministic check that applies to the item's type."""
    results = [check_evidence(item, passages), check_key(item), *check_options(item)]
    for optional in (check_tf_not_verbatim(item, passages), check_key_grounded(item)):
        if optional is not None:
            results.append(optional)
    results.append(check_unique_stem(item, earlier))
    results.append(check_distinct(item, earlier, replacing))
    return results
