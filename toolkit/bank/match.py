"""Which topic card a teacher's typed topic means: aliases first, then retrieval, always said aloud.

``match_card`` looks at the cards of the subject and grade (then of the fase); an exact or
contained alias wins. Otherwise the index is searched for the topic among topic-card chunks, and
a card is taken only when most of the topic's words occur in it, so a topic the bank does not
cover gets no card (and the tools say so) rather than the nearest unrelated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from toolkit.bank.loader import best_cards, card_citation, cards_for, load_bank
from toolkit.bank.models import TopicCard
from toolkit.index.lexical import tokenize
from toolkit.index.metadata import fase_for_grade

if TYPE_CHECKING:
    from toolkit.index.retrieval import HybridRetriever

MIN_ALIAS_SCORE = 0.5
MIN_RETRIEVAL_COVERAGE = 0.6


@dataclass(frozen=True)
class CardMatch:
    """A card chosen for a topic, how it was chosen and how sure the match is."""

    card: TopicCard
    score: float
    method: Literal["alias", "retrieval"]

    def describe(self, language: str = "id") -> str:
        """One sentence naming the card and how it was found."""
        how = {
            ("alias", "id"): "cocok dengan nama atau alias topik",
            ("alias", "en"): "matched by the topic's name or alias",
            ("retrieval", "id"): "ditemukan lewat pencarian di isi kartu",
            ("retrieval", "en"): "found by searching the cards' text",
        }[(self.method, "en" if language == "en" else "id")]
        lead = "Topic card used" if language == "en" else "Kartu topik yang dipakai"
        return f"{lead}: {card_citation(self.card)} ({how})."


def _by_alias(topic: str, candidates: list[TopicCard]) -> CardMatch | None:
    ranked = best_cards(topic, candidates)
    if ranked and ranked[0][0] >= MIN_ALIAS_SCORE:
        return CardMatch(ranked[0][1], ranked[0][0], "alias")
    return None


def _coverage(topic: str, card: TopicCard) -> float:
    wanted = {t for t in tokenize(topic) if len(t) >= 3}
    if not wanted:
        return 0.0
    # the card's names only (title, aliases, concept terms): a word in passing in an explanation
    # ("bilangan bulat" in a card on decimals) does not make the card about the topic
    text = " ".join([card.title, *card.aliases, *(c.term for c in card.concepts)])
    return len(wanted & set(tokenize(text))) / len(wanted)


def _by_retrieval(
    topic: str, subject: str, fase: str | None, kelas: int | None, retriever: HybridRetriever
) -> CardMatch | None:
    from toolkit.index.retrieval import SearchFilters

    known = {card.id: card for card in load_bank()}
    hits = retriever.search(topic, k=10, filters=SearchFilters(subject=subject, fase=fase, kelas=kelas))
    for hit in hits:
        if hit.metadata.get("doc_type") != "topic-card":
            continue
        card = known.get(Path(str(hit.metadata.get("source", ""))).stem)
        if card is not None and _coverage(topic, card) >= MIN_RETRIEVAL_COVERAGE:
            return CardMatch(card, round(_coverage(topic, card), 2), "retrieval")
    return None


def match_card(
    topic: str,
    subject: str,
    *,
    kelas: int | None = None,
    fase: str | None = None,
    retriever: HybridRetriever | None = None,
) -> CardMatch | None:
    """The card for ``topic`` in this subject and grade (or fase), or None when the bank has none."""
    if not topic.strip():
        return None
    if fase is None and kelas is not None:
        fase = fase_for_grade(kelas)
    if kelas is not None:
        found = _by_alias(topic, cards_for(subject, kelas=kelas))
        if found is not None:
            return found
    found = _by_alias(topic, cards_for(subject, fase=fase) if fase else cards_for(subject))
    if found is not None and found.score >= 0.9:
        return found
    if retriever is not None:
        try:
            by_text = _by_retrieval(topic, subject, fase, kelas, retriever)
        except Exception:  # retrieval is a second chance; an index problem must not stop the tool
            by_text = None
        if by_text is not None:
            return by_text
    return found
