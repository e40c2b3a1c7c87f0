"""Quiz items taken from the knowledge bank: the matched card's questions, chosen to fit the request.

Bank questions were written and checked by people; here they become quiz items with their
evidence in one passage (the card's teaching text and the questions' explanations), and they go
through the same checks as every other item before they are used. Choice favours the requested
Bloom levels, otherwise a spread with at least a third at C3 or above.
"""

from __future__ import annotations

from toolkit.bank.loader import bank_item_to_quiz_item, card_citation, card_passage
from toolkit.bank.models import TopicCard
from toolkit.quiz.models import Evidence, Passage, QuestionType, QuizItem, QuizRequest

BANK_PASSAGE_ID = "K1"
HIGHER_SHARE = 0.4


def bank_passage(card: TopicCard) -> Passage:
    """One passage holding everything a bank item of this card may quote."""
    explanations = "\n".join(question.explanation for question in card.questions)
    return Passage(
        id=BANK_PASSAGE_ID,
        text=f"{card_passage(card)}\n{explanations}",
        citation=card_citation(card),
        source=card.id,
    )


def bank_candidates(card: TopicCard) -> list[QuizItem]:
    """Every question of the card as a quiz item quoting ``bank_passage``."""
    items = []
    for question in card.questions:
        item, _ = bank_item_to_quiz_item(card, question)
        assert item.evidence is not None
        items.append(
            item.model_copy(
                update={
                    "evidence": Evidence(
                        passage_id=BANK_PASSAGE_ID, quote=item.evidence.quote, citation=card_citation(card)
                    )
                }
            )
        )
    return items


def order_for(
    request: QuizRequest, kind: QuestionType, candidates: list[QuizItem], higher_so_far: int, made: int
) -> list[QuizItem]:
    """The candidates of ``kind``, the ones the request needs most first."""
    of_kind = [item for item in candidates if item.type == kind]
    if request.bloom_levels:
        wanted = set(request.bloom_levels)
        return sorted(of_kind, key=lambda item: (item.bloom not in wanted, item.bloom))
    need_higher = higher_so_far < HIGHER_SHARE * (made + 1)
    return sorted(
        of_kind, key=lambda item: (item.bloom < "C3") if need_higher else (item.bloom >= "C3", item.bloom)
    )
