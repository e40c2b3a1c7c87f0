"""End to end with the real embedded model (short outputs): the model drafts, the checks judge,
and the offline fallback still delivers a verified item."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_fakes import PHOTOSYNTHESIS

from toolkit.llm.local_chat import LocalChatModel
from toolkit.quiz.export import export_quiz
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest


@pytest.mark.e2e
def test_embedded_model_quiz_is_checked_and_still_usable(embedded_model_path: Path) -> None:
    llm = LocalChatModel(model_path=embedded_model_path, n_ctx=2048, n_threads=2, max_tokens=64)
    request = QuizRequest(
        topic="fotosintesis",
        source_text=PHOTOSYNTHESIS,
        counts={"tf": 1},
        draft_max_tokens=64,
        model_check_on_fallback=True,
    )
    quiz = generate_quiz(request, llm=llm, retriever=None, model_name="gemma3-270m")
    assert quiz.stats["model_drafts"] >= 1
    assert len(quiz.items) == 1
    item = quiz.items[0]
    assert item.verified and item.evidence is not None
    if item.origin == "fallback":
        # both model drafts were dropped with a reason the teacher can read
        assert [d.origin for d in quiz.dropped] == ["model", "model"]
        assert all(d.reason for d in quiz.dropped)
        assert any(c.name == "independent_model" and not c.gating for c in item.checks)
    assert export_quiz(quiz, "gift").exported == 1
