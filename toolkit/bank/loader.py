"""Read topic cards, turn bank questions into quiz items, and find the card for a typed topic."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from toolkit.bank.models import BankQuestion, TopicCard
from toolkit.quiz.models import Evidence, MatchPair, Passage, QuizItem
from toolkit.quiz.text import content_words, normalise

BANK_DIR = Path(__file__).resolve().parents[2] / "corpora" / "bank"
"""Where the shipped cards live: ``corpora/bank/<subject>/kelas-<n>/<id>.yaml``."""


def load_card_file(path: Path) -> TopicCard:
    """One card from its YAML file (``ValueError`` with a sentence when it is not a card)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ValueError(f"{path.name} cannot be read as YAML: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a topic card (expected a YAML mapping)")
    return TopicCard.model_validate(data)


@lru_cache(maxsize=4)
def load_bank(root: Path = BANK_DIR) -> tuple[TopicCard, ...]:
    """Every card under ``root``, sorted by subject, grade and chapter (invalid files are skipped)."""
    cards = []
    for path in sorted(root.rglob("*.yaml")) if root.is_dir() else []:
        try:
            cards.append(load_card_file(path))
        except ValueError:
            continue
    return tuple(sorted(cards, key=lambda c: (c.subject, c.kelas, c.chapter or 99, c.id)))


def card_citation(card: TopicCard) -> str:
    """How a plan or quiz cites a card."""
    if card.origin == "teacher":
        return f"Bab dari guru: {card.title}"
    bab = f", Bab {card.chapter}" if card.chapter else ""
    return f"Bank topik: {card.title} (kelas {card.kelas}{bab}) [{card.id}]"


def card_passage(card: TopicCard) -> str:
    """The card's teaching text (concepts, misconceptions, worked examples) as one passage."""
    lines = [f"{concept.term}: {concept.explanation}" for concept in card.concepts]
    for misconception in card.misconceptions:
        lines.append(f"{misconception.wrong} {misconception.correction}")
    for example in card.examples:
        lines.append(example.problem)
        lines.extend(example.steps)
        lines.append(example.answer)
    return "\n".join(lines)


def bank_item_to_quiz_item(card: TopicCard, question: BankQuestion) -> tuple[QuizItem, list[Passage]]:
    """A bank question as a quiz item with its evidence, and the passage that evidence quotes."""
    passage = Passage(
        id="P1",
        text=card_passage(card) + "\n" + question.explanation,
        citation=card_citation(card),
        source=card.id,
    )
    item = QuizItem(
        type=question.type,
        stem=question.stem,
        options=list(question.options),
        correct=list(question.answer),
        pairs=[MatchPair(left=p.left, right=p.right) for p in question.pairs],
        scoring_guide=list(question.scoring_guide),
        explanation=question.explanation,
        evidence=Evidence(passage_id="P1", quote=question.evidence, citation=passage.citation),
        bloom=question.bloom,
        difficulty="easy" if question.bloom <= "C2" else ("medium" if question.bloom <= "C4" else "hard"),
        objective=_objective_for(card, question),
        origin="bank",
    )
    return item, [passage]


def _objective_for(card: TopicCard, question: BankQuestion) -> str:
    same = [o for o in card.objectives if o.bloom == question.bloom]
    return (same or card.objectives)[0].text


def cards_for(
    subject: str | None = None, kelas: int | None = None, fase: str | None = None
) -> list[TopicCard]:
    """Cards of a subject, grade or fase (any that is None is not filtered on)."""
    return [
        card
        for card in load_bank()
        if (subject is None or card.subject == subject)
        and (kelas is None or card.kelas == kelas)
        and (fase is None or card.fase == fase.upper())
    ]


def alias_score(card: TopicCard, topic: str) -> float:
    """How well a typed topic matches a card's title and aliases (1.0: an exact name)."""
    wanted = normalise(topic)
    if not wanted:
        return 0.0
    names = [normalise(name) for name in [card.title, *card.aliases]]
    if wanted in names:
        return 1.0
    wanted_words = content_words(topic)
    best = 0.0
    for name in names:
        if name and (f" {name} " in f" {wanted} " or f" {wanted} " in f" {name} "):
            best = max(best, 0.9)
        name_words = content_words(name)
        if wanted_words and name_words:
            overlap = len(wanted_words & name_words) / len(wanted_words | name_words)
            best = max(best, 0.8 * overlap)
    return best


def best_cards(topic: str, candidates: Iterable[TopicCard]) -> list[tuple[float, TopicCard]]:
    """Candidates ranked by alias score, best first, without the ones that do not match at all."""
    scored = [(alias_score(card, topic), card) for card in candidates]
    return sorted([pair for pair in scored if pair[0] > 0], key=lambda pair: -pair[0])
