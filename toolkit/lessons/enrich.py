"""The model enriches bank prose, sentence by sentence, and never replaces bank facts.

A capable model may add sentences to a prose section composed from a topic card. Each sentence
is accepted only when it is complete, when most of its content words occur in the card (it says
nothing the bank does not support) and when it does not restate a misconception the card lists;
otherwise the bank's text stands alone and the section's notes say why. The counts of proposed
and accepted sentences are kept in the plan's stats, per provider, for the bank benchmark.
"""

from __future__ import annotations

from pydantic import BaseModel

from toolkit.bank.loader import card_passage
from toolkit.bank.models import TopicCard
from toolkit.lessons.context import BuildContext
from toolkit.lessons.drafts import TextDraft
from toolkit.lessons.models import TextContent
from toolkit.llm.provider_errors import as_provider_error, is_provider_failure
from toolkit.llm.structured import generate_structured
from toolkit.prompts import load_prompt
from toolkit.quiz.text import content_words, sentences
from toolkit.text import is_complete_sentence

ENRICHABLE = frozenset(
    {"meaningful", "reading", "subject_matter", "prior_text", "learners", "teaching_model"}
)
"""Builders whose prose (a ``TextContent``) the model may add to."""
MIN_SUPPORT = 0.7
MISCONCEPTION_OVERLAP = 0.6
FACTS_CHARS = 1500


class EnrichPrompt(BaseModel):
    """What the enrichment prompt is filled with."""

    topic: str
    section_title: str
    facts: str
    current_text: str


def sentence_verdict(sentence: str, card: TopicCard, extra_text: str = "") -> str:
    """'' when a model sentence may enter the plan, else the reason it may not."""
    if not is_complete_sentence(sentence):
        return "incomplete"
    words = content_words(sentence)
    known = content_words(card_passage(card) + " " + card.summary + " " + extra_text)
    if not words or len(words & known) < MIN_SUPPORT * len(words):
        return "unsupported"
    for misconception in card.misconceptions:
        wrong = content_words(misconception.wrong)
        if wrong and len(words & wrong) >= MISCONCEPTION_OVERLAP * len(wrong):
            return "misconception"
    return ""


def accept_sentences(text: str, card: TopicCard, extra_text: str = "") -> tuple[list[str], dict[str, int]]:
    """The sentences of ``text`` that pass, and the count of each verdict."""
    counts: dict[str, int] = {}
    accepted = []
    for sentence in sentences(text) or ([text.strip()] if text.strip() else []):
        verdict = sentence_verdict(sentence, card, extra_text)
        counts[verdict or "accepted"] = counts.get(verdict or "accepted", 0) + 1
        if not verdict and sentence not in extra_text:
            accepted.append(sentence)
    return accepted, counts


def enrich_text(context: BuildContext, content: BaseModel) -> tuple[BaseModel, int, str]:
    """``content`` with the accepted model sentences added, how many were added, and a note."""
    card = context.card
    llm = context.drafter.llm
    if card is None or llm is None or not isinstance(content, TextContent):
        return content, 0, ""
    template = load_prompt(f"lesson_enrich_{'en' if context.language == 'en' else 'id'}")
    values = EnrichPrompt(
        topic=card.title,
        section_title=context.spec.title(context.language),
        facts=card_passage(card)[:FACTS_CHARS],
        current_text=content.text,
    )
    settings = context.drafter.settings
    try:
        draft = generate_structured(
            llm, template.render(values.model_dump()), TextDraft, attempts=1, max_tokens=120
        )
    except Exception as exc:
        if not is_provider_failure(exc):
            return (
                content,
                0,
                context.say("Model tidak memberi tambahan yang sah.", "The model gave no valid addition."),
            )
        if settings is not None:
            raise as_provider_error(exc, settings) from exc
        raise
    finally:
        context.drafter.calls += 1
    accepted, counts = accept_sentences(draft.text, card, content.text)
    stats = context.plan.stats.setdefault("model_sentences", {"proposed": 0, "accepted": 0})
    stats["proposed"] += sum(counts.values())
    stats["accepted"] += len(accepted)
    if not accepted:
        rejected = ", ".join(f"{k}: {v}" for k, v in counts.items())
        return (
            content,
            0,
            context.say(
                f"Kalimat model ditolak ({rejected}); teks bank topik dipakai apa adanya.",
                f"The model's sentences were rejected ({rejected}); the bank's text stands.",
            ),
        )
    text = (content.text + " " + " ".join(accepted))[:4000]
    return (
        TextContent(text=text),
        len(accepted),
        context.say(
            f"Model menambahkan {len(accepted)} kalimat yang didukung kartu topik.",
            f"The model added {len(accepted)} sentences supported by the topic card.",
        ),
    )
