"""The model path: one item drafted by the chat model from one passage, turned into a ``QuizItem``.

Draft schemas are small and every string and list is bounded, so the embedded model's JSON grammar
ends in time. The model numbers the right option(s); the item stores the option texts.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field

from toolkit.llm.structured import generate_structured
from toolkit.prompts import PromptTemplate, load_phrases, load_prompt
from toolkit.quiz.fallback import objective_for, shuffled
from toolkit.quiz.models import Bloom, Difficulty, Evidence, MatchPair, Passage, QuestionType, QuizItem

ITEM_PROMPT = "quiz_item"
ITEM_PHRASES = "quiz_item_phrases"
"""The template and its pieces (language instruction, one instruction per item type, feedback)."""
PROMPT_PASSAGE_CHARS = 1200
Short = Annotated[str, Field(max_length=80)]
Word = Annotated[str, Field(max_length=40)]


class ItemPromptRequest(BaseModel):
    """Values of the item prompt."""

    topic: str = Field(max_length=300)
    passage: str = Field(max_length=2000)
    citation: str = Field(max_length=200)
    language: str = "id"


class ChoiceDraft(BaseModel):
    """A multiple-choice item: four options and the number of the right one."""

    question: str = Field(max_length=200)
    options: list[Short] = Field(min_length=4, max_length=4)
    answer: int = Field(ge=1, le=4)
    evidence: str = Field(max_length=300)
    explanation: str = Field(max_length=160)


class MultiDraft(BaseModel):
    """A multiple-response item: five options and the numbers of the right ones."""

    question: str = Field(max_length=200)
    options: list[Short] = Field(min_length=5, max_length=5)
    answers: list[int] = Field(min_length=2, max_length=3)
    evidence: str = Field(max_length=300)
    explanation: str = Field(max_length=160)


class TrueFalseDraft(BaseModel):
    """A statement and whether the passage makes it true."""

    statement: str = Field(max_length=200)
    is_true: bool
    evidence: str = Field(max_length=300)
    explanation: str = Field(max_length=160)


class ShortDraft(BaseModel):
    """A question with one to three accepted short answers."""

    question: str = Field(max_length=200)
    answers: list[Word] = Field(min_length=1, max_length=3)
    evidence: str = Field(max_length=300)
    explanation: str = Field(max_length=160)


class PairDraft(BaseModel):
    """One matching pair."""

    left: Word
    right: Short


class MatchDraft(BaseModel):
    """Three to five pairs."""

    pairs: list[PairDraft] = Field(min_length=3, max_length=5)
    evidence: str = Field(max_length=400)


class OrderDraft(BaseModel):
    """Steps in the right order."""

    question: str = Field(max_length=200)
    steps: list[Short] = Field(min_length=3, max_length=6)
    evidence: str = Field(max_length=400)


class EssayDraft(BaseModel):
    """An essay prompt with the points a good answer makes."""

    question: str = Field(max_length=240)
    guide: list[Short] = Field(min_length=1, max_length=4)
    evidence: str = Field(max_length=400)


DRAFTS: dict[QuestionType, type[BaseModel]] = {
    "mc": ChoiceDraft,
    "mr": MultiDraft,
    "tf": TrueFalseDraft,
    "short": ShortDraft,
    "match": MatchDraft,
    "order": OrderDraft,
    "essay": EssayDraft,
}

MATCH_STEM = {
    "id": "Jodohkan setiap istilah dengan pengertiannya.",
    "en": "Match each term with its meaning.",
}


def draft_item(
    llm: BaseChatModel,
    kind: QuestionType,
    passage: Passage,
    *,
    topic: str,
    language: str,
    rejected_because: str = "",
    attempts: int = 1,
    max_tokens: int = 256,
) -> BaseModel:
    """One draft of ``kind`` from ``passage`` (``StructuredOutputError`` when the output is unusable)."""
    return generate_structured(
        llm,
        item_messages(item_request(passage, topic=topic, language=language), kind, rejected_because),
        DRAFTS[kind],
        attempts=attempts,
        max_tokens=max_tokens,
    )


def item_request(passage: Passage, *, topic: str, language: str) -> ItemPromptRequest:
    """The values of the item prompt for ``passage`` (topic and passage cut to their limits)."""
    return ItemPromptRequest(
        topic=topic[:300] or "-",
        passage=passage.text[:PROMPT_PASSAGE_CHARS],
        citation=passage.citation[:200],
        language="en" if language == "en" else "id",
    )


def item_messages(
    request: ItemPromptRequest,
    kind: QuestionType,
    rejected_because: str = "",
    template: PromptTemplate | None = None,
) -> list[BaseMessage]:
    """The messages that ask for one item: ``quiz_item.md`` filled from ``quiz_item_phrases.md``.

    ``template`` replaces ``quiz_item.md`` (the Prompt Lab's edited template).
    """
    phrases = load_phrases(ITEM_PHRASES)
    feedback = phrases.text("feedback", request.language, {"reason": rejected_because[:200]})
    values = {
        **request.model_dump(),
        "language_instruction": phrases.text("language_instruction", request.language),
        "type_instruction": phrases.text(f"type_{kind}", request.language),
        "feedback": feedback if rejected_because else "",
    }
    return (template or load_prompt(ITEM_PROMPT)).render(values)


def _draft_fields(draft: BaseModel, language: str) -> dict[str, Any]:
    """The type-specific fields of an item (stem, options, key, pairs, guide) from a draft."""
    if isinstance(draft, ChoiceDraft):
        options = [option.strip() for option in draft.options]
        return {"stem": draft.question, "options": options, "correct": [options[draft.answer - 1]]}
    if isinstance(draft, MultiDraft):
        options = [option.strip() for option in draft.options]
        correct = [options[n - 1] for n in sorted(set(draft.answers)) if 1 <= n <= len(options)]
        return {"stem": draft.question, "options": options, "correct": correct}
    if isinstance(draft, TrueFalseDraft):
        return {"stem": draft.statement, "correct": ["true" if draft.is_true else "false"]}
    if isinstance(draft, ShortDraft):
        return {"stem": draft.question, "correct": [a.strip() for a in draft.answers if a.strip()]}
    if isinstance(draft, MatchDraft):
        pairs = [MatchPair(left=p.left.strip(), right=p.right.strip()) for p in draft.pairs]
        return {"stem": MATCH_STEM["en" if language == "en" else "id"], "pairs": pairs}
    if isinstance(draft, OrderDraft):
        steps = [step.strip() for step in draft.steps]
        shown = shuffled(steps, draft.question)
        if shown == steps:
            shown = list(reversed(steps))
        return {"stem": draft.question, "options": shown, "correct": steps}
    if isinstance(draft, EssayDraft):
        return {"stem": draft.question, "scoring_guide": [g.strip() for g in draft.guide if g.strip()]}
    raise TypeError(f"unknown draft {type(draft).__name__}")


def item_from_draft(
    draft: BaseModel,
    kind: QuestionType,
    passage: Passage,
    *,
    language: str,
    bloom: Bloom,
    difficulty: Difficulty,
    objective: str,
) -> QuizItem:
    """A ``QuizItem`` (origin ``model``) from a validated draft; the checks decide if it is usable."""
    fields = _draft_fields(draft, language)
    stem = str(fields.pop("stem")).strip() or "?"
    return QuizItem.model_validate(
        {
            "type": kind,
            "stem": stem,
            "evidence": Evidence(
                passage_id=passage.id, quote=str(getattr(draft, "evidence", "")), citation=passage.citation
            ),
            "bloom": bloom,
            "difficulty": difficulty,
            "origin": "model",
            "explanation": str(getattr(draft, "explanation", "")),
            "objective": objective_for(language, bloom, stem[:60], objective),
            **fields,
        }
    )
