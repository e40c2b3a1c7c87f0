"""Quiz models: request validation, the verified flag and key helpers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from toolkit.quiz.models import CheckResult, Evidence, QuizItem, QuizRequest


def _item(**changes: object) -> QuizItem:
    values: dict[str, object] = {
        "type": "mc",
        "stem": "____ adalah zat hijau daun.",
        "options": ["Klorofil", "Stomata", "Xilem"],
        "correct": ["Klorofil"],
        "evidence": Evidence(passage_id="P1", quote="Klorofil adalah zat hijau daun.", citation="x.md"),
    }
    values.update(changes)
    return QuizItem.model_validate(values)


def test_request_needs_a_source_and_items() -> None:
    with pytest.raises(ValidationError, match="topic"):
        QuizRequest(counts={"mc": 1})
    with pytest.raises(ValidationError, match="at least one item"):
        QuizRequest(topic="fotosintesis", counts={"mc": 0})
    with pytest.raises(ValidationError, match="between 0 and 50"):
        QuizRequest(topic="fotosintesis", counts={"mc": 51})
    assert QuizRequest(topic="fotosintesis", counts={"mc": 2, "tf": 3}).total == 5


def test_item_is_verified_only_with_evidence_and_passing_gating_checks() -> None:
    assert not _item().verified  # no checks ran yet
    passed = [CheckResult(name="a", passed=True), CheckResult(name="advice", passed=False, gating=False)]
    assert _item(checks=passed).verified
    failed = [*passed, CheckResult(name="b", passed=False, detail="why")]
    item = _item(checks=failed)
    assert not item.verified
    assert item.failure_reason() == "b: why"
    assert not _item(checks=passed, evidence=None).verified


def test_verified_is_part_of_the_dump_and_reloads() -> None:
    item = _item(checks=[CheckResult(name="a", passed=True)])
    data = item.model_dump(mode="json")
    assert data["verified"] is True
    assert QuizItem.model_validate(data).verified


def test_key_helpers() -> None:
    assert _item().correct_indexes() == [0]
    assert _item(type="tf", options=[], correct=["false"]).tf_answer() is False
    assert _item().tf_answer() is None
