"""Checks of topic cards: the schema, the substance, and the quiz's own checks on every bank item.

``card_problems`` lists every problem of one card as a sentence; an empty list means the card is
ready. ``python -m toolkit.bank.validate [FILE_OR_FOLDER ...]`` prints the problems of each card
(the whole bank when no path is given) and exits 1 when there are any.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from toolkit.bank.loader import BANK_DIR, bank_item_to_quiz_item, card_passage, load_card_file
from toolkit.bank.models import TopicCard
from toolkit.lessons.bloom import is_operational
from toolkit.quiz.checks import run_deterministic_checks
from toolkit.quiz.models import QuizItem
from toolkit.quiz.text import normalise
from toolkit.text import is_complete_sentence

MIN_HIGHER_ORDER = 3
MIN_TYPES = 3
MIN_MISCONCEPTION_ITEMS = 2


def _path_problems(card: TopicCard, path: Path | None) -> list[str]:
    if path is None:
        return []
    problems = []
    if path.stem != card.id:
        problems.append(f"the file name {path.name} must be the card id {card.id}.yaml")
    if path.parent.name != f"kelas-{card.kelas}":
        problems.append(f"the card must live in a folder kelas-{card.kelas}")
    if path.parent.parent.name != card.subject:
        problems.append(f"the card must live under the subject folder {card.subject}")
    if not card.id.startswith(f"{card.subject}-{card.kelas}-"):
        problems.append(f"the id must start with {card.subject}-{card.kelas}-")
    return problems


def _objective_problems(card: TopicCard) -> list[str]:
    problems = [
        f"objective {n} has no operational verb: {objective.text[:60]}"
        for n, objective in enumerate(card.objectives, 1)
        if not is_operational(objective.text, card.language)
    ]
    levels = [objective.bloom for objective in card.objectives]
    if levels != sorted(levels):
        problems.append(f"objectives must go from lower to higher Bloom levels (found {', '.join(levels)})")
    if max(levels) < "C3":
        problems.append("at least one objective must be at C3 or above")
    return problems


def _activity_problems(card: TopicCard) -> list[str]:
    problems = []
    if not any(activity.kind == "lkpd" for activity in card.activities):
        problems.append("one activity must be an LKPD task (kind: lkpd)")
    for activity in card.activities:
        for text in [*activity.steps, activity.support, activity.on_track, activity.extension]:
            if not is_complete_sentence(text):
                problems.append(f"activity '{activity.title}': not a complete sentence: {text[:70]}")
    for text in [*card.reflection, card.diagnostic.question]:
        if not is_complete_sentence(text, 3):
            problems.append(f"not a complete sentence: {text[:70]}")
    return problems


def _question_problems(card: TopicCard) -> list[str]:
    problems: list[str] = []
    questions = card.questions
    if sum(q.bloom >= "C3" for q in questions) < MIN_HIGHER_ORDER:
        problems.append(f"at least {MIN_HIGHER_ORDER} questions must be at C3 or above")
    if len({q.type for q in questions}) < MIN_TYPES:
        problems.append(f"the bank needs at least {MIN_TYPES} question types")
    if not {"mc", "tf", "short"} & {q.type for q in questions}:
        problems.append("the bank needs mc, tf or short questions")
    linked = [q for q in questions if q.misconception is not None]
    if len(linked) < MIN_MISCONCEPTION_ITEMS:
        problems.append(
            f"at least {MIN_MISCONCEPTION_ITEMS} questions must name the misconception a distractor comes from"
        )
    for q in linked:
        if q.misconception is not None and q.misconception > len(card.misconceptions):
            problems.append(
                f"question '{q.stem[:50]}' names misconception {q.misconception}, which does not exist"
            )
    evidence = Counter(normalise(q.evidence) for q in questions)
    for quote, count in evidence.items():
        if count > 1:
            problems.append(f"{count} questions share the evidence '{quote[:60]}'")
    keys = Counter(normalise(" ".join(q.answer)) for q in questions if q.type in ("mc", "short", "mr"))
    for key, count in keys.items():
        if count > 1 and key:
            problems.append(f"{count} questions share the answer key '{key[:60]}'")
    earlier: list[QuizItem] = []
    for number, question in enumerate(questions, 1):
        item, passages = bank_item_to_quiz_item(card, question)
        for check in run_deterministic_checks(item, passages, earlier):
            if check.gating and not check.passed:
                problems.append(f"question {number} ({question.stem[:50]}): {check.name}: {check.detail}")
        earlier.append(item)
    return problems


def card_problems(card: TopicCard, path: Path | None = None) -> list[str]:
    """Every problem of a card as a sentence; empty when the card is ready."""
    problems = _path_problems(card, path) + _objective_problems(card) + _activity_problems(card)
    if not card_passage(card).strip():
        problems.append("the card has no teaching text")
    return problems + _question_problems(card)


def file_problems(path: Path) -> list[str]:
    """Problems of one card file, schema errors included."""
    try:
        card = load_card_file(path)
    except ValidationError as error:
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()]
    except ValueError as error:
        return [str(error)]
    return card_problems(card, path)


def main(argv: list[str] | None = None) -> int:
    """Print the problems of the given cards (or the whole bank); exit 1 when there are any."""
    args = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [BANK_DIR]
    files = sorted({f for a in args for f in ([a] if a.is_file() else a.rglob("*.yaml"))})
    bad = 0
    for path in files:
        problems = file_problems(path)
        if problems:
            bad += 1
            print(f"{path}:")
            for problem in problems:
                print(f"  - {problem}")
    print(f"{len(files) - bad} of {len(files)} cards ready")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
