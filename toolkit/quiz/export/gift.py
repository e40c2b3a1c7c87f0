"""GIFT for Moodle's question import (checked in the tests by the npm parser ``gift-pegjs``).

Multiple choice, multiple response (weighted), true/false, short answer, matching and essay map
to GIFT directly; ordering has no GIFT type and is converted to matching (step → position).
"""

from __future__ import annotations

import re

from toolkit.quiz.export.common import ExportResult, evidence_line, exportable_items, say, type_name
from toolkit.quiz.models import Quiz, QuizItem
from toolkit.text import file_slug

_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(text: str) -> str:
    """GIFT text with its special characters escaped and line breaks kept as spaces."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _weight(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text


def _feedback(item: QuizItem, language: str) -> str:
    parts = [part for part in (item.explanation, evidence_line(item, language)) if part]
    return f"####{escape(' '.join(parts))}" if parts else ""


def _answers(item: QuizItem, language: str) -> list[str]:
    if item.type == "mc":
        return [("=" if option in item.correct else "~") + escape(option) for option in item.options]
    if item.type == "mr":
        right = 100 / len(item.correct)
        return [
            f"~%{_weight(right)}%{escape(option)}" if option in item.correct else f"~%-100%{escape(option)}"
            for option in item.options
        ]
    if item.type == "short":
        return [f"={escape(answer)}" for answer in item.correct]
    if item.type == "match":
        return [f"={escape(pair.left)} -> {escape(pair.right)}" for pair in item.pairs]
    if item.type == "order":
        return [f"={escape(step)} -> {position}" for position, step in enumerate(item.correct, 1)]
    return []


def item_to_gift(number: int, item: QuizItem, stem: str, language: str) -> str:
    """One GIFT question (with a comment line naming its type, Bloom level, origin and source)."""
    comment = f"// {number}. {item.type} · {item.bloom} · {item.difficulty} · {item.origin}"
    title = f"::Q{number}::"
    feedback = _feedback(item, language)
    if item.type == "tf":
        body = "{" + ("TRUE" if item.tf_answer() else "FALSE") + feedback + "}"
    elif item.type == "essay":
        guide = "; ".join(item.scoring_guide)
        body = "{" + (f"####{escape(guide)}" if guide else "") + "}"
    else:
        lines = "\n".join(f"\t{answer}" for answer in _answers(item, language))
        body = "{\n" + lines + (f"\n\t{feedback}" if feedback else "") + "\n}"
    return f"{comment}\n{title} {escape(stem)} {body}\n"


def export_gift(quiz: Quiz, *, include_unverified: bool = False) -> ExportResult:
    """The quiz as a GIFT text file."""
    messages: list[str] = []
    blocks = [f"// {quiz.title}"]
    count = 0
    for entry in exportable_items(quiz, include_unverified, messages):
        if entry.item.type == "order":
            messages.append(
                say(
                    "converted",
                    quiz.language,
                    number=entry.number,
                    kind=type_name("order", quiz.language),
                    target=type_name("match", quiz.language),
                    format="GIFT",
                )
            )
        blocks.append(item_to_gift(entry.number, entry.item, entry.stem, quiz.language))
        count += 1
    text = "\n".join(blocks) + "\n"
    return ExportResult(f"{file_slug(quiz.title, 'kuis')}.gift.txt", text.encode("utf-8"), count, messages)
