"""Editing a quiz before export: edit, reorder, delete and regenerate single items (pure functions).

Each function returns a new ``Quiz``; the input is never changed. An edited item is re-checked
deterministically and by extraction from its evidence; its origin becomes ``teacher``. An edit
that breaks a check leaves the item unverified, so exporters leave it out or mark it.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from toolkit.errors import ToolkitError
from toolkit.quiz.generate import QuizBuilder, check_item
from toolkit.quiz.models import Quiz, QuizItem, QuizRequest

EDITABLE_FIELDS = frozenset(
    {
        "stem",
        "options",
        "correct",
        "pairs",
        "scoring_guide",
        "explanation",
        "evidence",
        "bloom",
        "difficulty",
        "objective",
    }
)


MAX_FALLBACK_ROUNDS = 10


def _index(quiz: Quiz, item_id: str) -> int:
    for index, item in enumerate(quiz.items):
        if item.id == item_id:
            return index
    raise ToolkitError(f"The quiz has no item with the id {item_id}.")


def edit_item(quiz: Quiz, item_id: str, changes: dict[str, Any], *, llm: BaseChatModel | None = None) -> Quiz:
    """The quiz with one item changed and re-checked (origin ``teacher``)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ToolkitError(f"These fields cannot be edited: {', '.join(sorted(unknown))}.")
    index = _index(quiz, item_id)
    data = quiz.items[index].model_dump()
    data.update(changes)
    data.update({"origin": "teacher", "checks": []})
    edited = QuizItem.model_validate(data)
    others = quiz.items[:index] + quiz.items[index + 1 :]
    checked = check_item(edited, quiz.passages, others, llm=llm, language=quiz.language)
    items = list(quiz.items)
    items[index] = checked
    return quiz.model_copy(update={"items": items})


def delete_item(quiz: Quiz, item_id: str) -> Quiz:
    """The quiz without one item."""
    index = _index(quiz, item_id)
    return quiz.model_copy(update={"items": quiz.items[:index] + quiz.items[index + 1 :]})


def move_item(quiz: Quiz, item_id: str, new_position: int) -> Quiz:
    """The quiz with one item moved to ``new_position`` (0-based, clamped to the ends)."""
    index = _index(quiz, item_id)
    items = list(quiz.items)
    item = items.pop(index)
    items.insert(max(0, min(new_position, len(items))), item)
    return quiz.model_copy(update={"items": items})


def reorder_items(quiz: Quiz, item_ids: list[str]) -> Quiz:
    """The quiz with its items in the order of ``item_ids`` (which must name every item once)."""
    if sorted(item_ids) != sorted(item.id for item in quiz.items):
        raise ToolkitError("The new order must list every item of the quiz exactly once.")
    by_id = {item.id: item for item in quiz.items}
    return quiz.model_copy(update={"items": [by_id[item_id] for item_id in item_ids]})


def regenerate_item(
    quiz: Quiz, item_id: str, *, llm: BaseChatModel | None, use_model: bool = True
) -> tuple[Quiz, str]:
    """The quiz with one item replaced by a new verified item of the same type, and a message.

    When no new item passes the checks the quiz is returned unchanged with a message saying so.
    """
    index = _index(quiz, item_id)
    old = quiz.items[index]
    request = QuizRequest(
        topic=(quiz.topic or quiz.title or "kuis")[:300],
        counts={old.type: 1},
        language=quiz.language,
        use_model=use_model and llm is not None,
    )
    builder = QuizBuilder(request, quiz.passages, llm, None)
    builder.items = [item for item in quiz.items if item.id != item_id] + [old]
    builder.replacing = old.id  # the replacement may share the old item's evidence, never its question
    replacement = builder.model_item(old.type, index + 1) if builder.llm is not None else None
    for _ in range(MAX_FALLBACK_ROUNDS):
        if replacement is not None:
            break
        replacement = builder.fallback_item(old.type)
    if replacement is None:
        reason = (
            "; ".join(d.reason for d in builder.dropped[-2:]) or "no other item of this type in the passages"
        )
        message = (
            f"Tidak ada soal pengganti yang lolos pemeriksaan ({reason})."
            if quiz.language == "id"
            else f"No replacement item passed the checks ({reason})."
        )
        return quiz, message
    items = list(quiz.items)
    items[index] = replacement
    message = "Soal diganti." if quiz.language == "id" else "Item replaced."
    return quiz.model_copy(update={"items": items}), message
