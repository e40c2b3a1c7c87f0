"""The independent check: an item is answered again from its evidence alone, without its key.

Two answerers exist. ``model_reanswer`` makes a separate chat-model call that sees the question,
the shown options and the evidence, never the key. ``extractive_reanswer`` derives the answer from
the evidence text by string matching (fill the blank, find the option the quotation names, order
the steps by where they occur). The key is only compared afterwards.
"""

from __future__ import annotations

import re

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field

from toolkit.llm.provider_errors import is_provider_failure
from toolkit.llm.structured import generate_structured
from toolkit.prompts import load_phrases, load_prompt
from toolkit.quiz.checks import evidence_segments
from toolkit.quiz.models import TRUE_FALSE_WORDS, CheckResult, QuizItem
from toolkit.quiz.text import contains_normalised, content_words, normalise, words

BLANK = re.compile(r"_{3,}|\.{4,}")
NEGATIONS = frozenset({"tidak", "bukan", "tanpa", "not", "never", "no", "without"})

CHECK_PROMPT = "quiz_check"
CHECK_PHRASES = "quiz_check_phrases"
"""The re-answer template and its language-dependent pieces (instruction, answer cue)."""


class CheckPromptRequest(BaseModel):
    """Values of the re-answer prompt (the key is not among them)."""

    evidence: str = Field(max_length=2000)
    question: str = Field(max_length=600)
    choices: str = Field(max_length=1500)
    language: str = "id"


class ChoiceAnswer(BaseModel):
    """Numbers of the chosen options (1-based), in the chosen order."""

    answer: list[int] = Field(max_length=8)


class TextAnswer(BaseModel):
    """A short free answer."""

    answer: str = Field(max_length=80)


def _fill_blank(stem: str, evidence: str) -> str | None:
    """The words of the evidence that stand where the stem has its blank."""
    match = BLANK.search(stem)
    if not match:
        return None
    before = words(stem[: match.start()])[-4:]
    after = words(stem[match.end() :])[:4]
    pattern = r"\b" + r"\s+".join(map(re.escape, before)) if before else r"^"
    pattern += r"\s*(.+?)\s*" + (r"\s+".join(map(re.escape, after)) + r"\b" if after else r"$")
    for segment in evidence_segments(evidence):
        found = re.search(pattern, normalise(segment))
        if found and 0 < len(found.group(1).split()) <= 8:
            return found.group(1)
    return None


def _options_named_in(evidence: str, options: list[str]) -> list[str]:
    return [option for option in options if contains_normalised(evidence, option)]


def extractive_reanswer(item: QuizItem, evidence: str) -> list[str] | None:
    """The item's answer as derived from ``evidence`` alone, in the key's format; None if undecided."""
    if item.type in ("mc", "mr"):
        filled = _fill_blank(item.stem, evidence)
        if filled is not None:
            chosen = [option for option in item.options if normalise(option) == filled]
        else:
            chosen = _options_named_in(evidence, item.options)
        if item.type == "mc":
            return chosen if len(chosen) == 1 else None
        return chosen or None
    if item.type == "short":
        filled = _fill_blank(item.stem, evidence)
        return [filled] if filled else None
    if item.type == "tf":
        return [_judge_statement(item.stem, evidence)]
    if item.type == "order":
        text = normalise(evidence)
        positions = {step: text.find(normalise(step)) for step in item.options}
        if any(position < 0 for position in positions.values()):
            return None
        return sorted(item.options, key=lambda step: positions[step])
    if item.type == "match":
        return _match_from_evidence(item, evidence)
    if item.type == "essay":
        evidence_words = content_words(evidence)
        supported = [
            point
            for point in item.scoring_guide
            if content_words(point)
            and len(content_words(point) & evidence_words) >= 0.6 * len(content_words(point))
        ]
        return supported
    return None


def _judge_statement(statement: str, evidence: str) -> str:
    """'true' when every content word of the statement is in the evidence and negations agree."""
    statement_words = content_words(statement)
    evidence_words = content_words(evidence)
    negation_differs = (set(words(statement)) & NEGATIONS) != (set(words(evidence)) & NEGATIONS)
    if statement_words and statement_words <= evidence_words and not negation_differs:
        return "true"
    return "false"


def _match_from_evidence(item: QuizItem, evidence: str) -> list[str] | None:
    rights = [pair.right for pair in item.pairs]
    answer: list[str] = []
    for pair in item.pairs:
        segment = next((s for s in evidence_segments(evidence) if contains_normalised(s, pair.left)), None)
        if segment is None:
            return None
        segment_words = content_words(segment)
        scores = [
            len(content_words(right) & segment_words) / max(1, len(content_words(right))) for right in rights
        ]
        best = max(scores)
        if scores.count(best) != 1 or best == 0:
            return None
        answer.append(f"{pair.left} -> {rights[scores.index(best)]}")
    return answer


def item_key(item: QuizItem) -> list[str]:
    """The item's key in the format the answerers return."""
    if item.type == "match":
        return [f"{pair.left} -> {pair.right}" for pair in item.pairs]
    if item.type == "essay":
        return list(item.scoring_guide)
    return list(item.correct)


def answers_agree(item: QuizItem, answer: list[str] | None) -> bool:
    """Whether an independent answer agrees with the item's key."""
    if answer is None:
        return False
    key = item_key(item)
    if item.type == "short":
        given = normalise(answer[0]) if answer else ""
        return bool(given) and any(
            given == normalise(accepted) or (len(given) > 3 and normalise(accepted) in given)
            for accepted in key
        )
    if item.type in ("mr", "match", "essay"):
        return sorted(normalise(a) for a in answer) == sorted(normalise(k) for k in key)
    return [normalise(a) for a in answer] == [normalise(k) for k in key]


def extractive_check(item: QuizItem) -> CheckResult:
    """Independent check by extraction from the evidence (no model, no key)."""
    name = "independent_extractive" if item.type != "essay" else "guide_supported_by_evidence"
    if item.evidence is None:
        return CheckResult(name=name, passed=False, detail="no evidence to answer from")
    answer = extractive_reanswer(item, item.evidence.quote)
    agreed = answers_agree(item, answer)
    shown = "undecided" if answer is None else ", ".join(answer)[:120]
    return CheckResult(name=name, passed=agreed, detail=f"from the evidence: {shown}")


def _choices_text(item: QuizItem, language: str) -> tuple[str, list[str]]:
    if item.type == "tf":
        choices = list(TRUE_FALSE_WORDS[language])
    elif item.type == "match":
        choices = [pair.right for pair in item.pairs]
    else:
        choices = list(item.options)
    lines = [f"{number}. {choice}" for number, choice in enumerate(choices, 1)]
    if item.type == "match":
        lefts = "; ".join(
            f"({letter}) {pair.left}" for letter, pair in zip("ABCDEFGH", item.pairs, strict=False)
        )
        lines.insert(0, lefts)
    return "\n".join(lines), choices


def check_messages(request: CheckPromptRequest) -> list[BaseMessage]:
    """The re-answer messages: ``quiz_check.md`` filled from ``quiz_check_phrases.md``."""
    phrases = load_phrases(CHECK_PHRASES)
    values = {
        **request.model_dump(),
        "instruction": phrases.text("instruction", request.language),
        "answer_cue": phrases.text("answer_cue", request.language),
    }
    return load_prompt(CHECK_PROMPT).render(values)


def model_reanswer(item: QuizItem, llm: BaseChatModel, language: str) -> list[str] | None:
    """The item answered by a separate model call that sees the evidence, never the key."""
    if item.evidence is None:
        return None
    choices_text, choices = _choices_text(item, language)
    request = CheckPromptRequest(
        evidence=item.evidence.quote[:2000],
        question=item.stem[:600],
        choices=choices_text[:1500] if item.type != "short" else "-",
        language=language,
    )
    messages = check_messages(request)
    if item.type == "short":
        text = generate_structured(llm, messages, TextAnswer, attempts=1, max_tokens=48)
        return [text.answer]
    numbers = generate_structured(llm, messages, ChoiceAnswer, attempts=1, max_tokens=40).answer
    picked = [choices[n - 1] for n in numbers if 1 <= n <= len(choices)]
    if item.type == "tf":
        return ["true" if picked[:1] == [choices[0]] else "false"] if picked else None
    if item.type == "match":
        return [f"{pair.left} -> {right}" for pair, right in zip(item.pairs, picked, strict=False)]
    if item.type == "mc":
        return picked[:1]
    return picked


def model_check(item: QuizItem, llm: BaseChatModel, language: str, *, gating: bool) -> CheckResult:
    """Independent check by a separate model call; a provider failure propagates."""
    try:
        answer = model_reanswer(item, llm, language)
    except Exception as exc:  # an unusable answer counts as disagreement, not as a crash
        if is_provider_failure(exc):
            raise
        return CheckResult(
            name="independent_model",
            passed=False,
            detail=f"no usable answer ({str(exc)[:100]})",
            gating=gating,
        )
    agreed = answers_agree(item, answer)
    shown = "none" if not answer else ", ".join(answer)[:120]
    return CheckResult(
        name="independent_model", passed=agreed, detail=f"model answered: {shown}", gating=gating
    )
