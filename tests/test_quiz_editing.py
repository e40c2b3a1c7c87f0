"""Editing helpers: edit (re-checked), delete, move, reorder and regenerate one item."""

from __future__ import annotations

import pytest
from quiz_fakes import PHOTOSYNTHESIS

from toolkit.errors import ToolkitError
from toolkit.quiz.editing import delete_item, edit_item, move_item, regenerate_item, reorder_items
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import Quiz, QuizRequest


@pytest.fixture
def quiz() -> Quiz:
    request = QuizRequest(
        topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 2, "tf": 2}, use_model=False
    )
    built = generate_quiz(request, llm=None, retriever=None)
    assert len(built.items) == 4
    return built


def test_edit_rechecks_the_item_and_marks_the_teacher(quiz: Quiz) -> None:
    item = quiz.items[0]
    wrong = next(option for option in item.options if option not in item.correct)
    broken = edit_item(quiz, item.id, {"correct": [wrong]})
    assert quiz.items[0].correct == item.correct  # the input is not changed
    edited = broken.items[0]
    assert edited.origin == "teacher" and not edited.verified
    fixed = edit_item(broken, item.id, {"correct": item.correct, "explanation": "Penjelasan guru."})
    assert fixed.items[0].verified and fixed.items[0].explanation == "Penjelasan guru."
    with pytest.raises(ToolkitError, match="cannot be edited"):
        edit_item(quiz, item.id, {"origin": "model"})


def test_delete_move_and_reorder(quiz: Quiz) -> None:
    ids = [item.id for item in quiz.items]
    assert [i.id for i in delete_item(quiz, ids[1]).items] == [ids[0], *ids[2:]]
    assert [i.id for i in move_item(quiz, ids[3], 0).items] == [ids[3], *ids[:3]]
    assert [i.id for i in reorder_items(quiz, ids[::-1]).items] == ids[::-1]
    with pytest.raises(ToolkitError):
        reorder_items(quiz, ids[:2])
    with pytest.raises(ToolkitError):
        delete_item(quiz, "nope")


def test_regenerate_replaces_one_item_with_a_new_verified_one(quiz: Quiz) -> None:
    target = quiz.items[2]
    updated, message = regenerate_item(quiz, target.id, llm=None)
    new = updated.items[2]
    assert new.id != target.id and new.type == target.type and new.verified
    assert new.stem not in {item.stem for item in quiz.items}
    assert [i.id for i in updated.items[:2]] == [i.id for i in quiz.items[:2]]
    assert message == "Soal diganti."
