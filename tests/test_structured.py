"""Structured output: repair, bounded retries and a clear report, with fake chat models."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from toolkit.errors import StructuredOutputError
from toolkit.llm.structured import extract_json, generate_structured


class Term(BaseModel):
    term: str = Field(max_length=40)
    definition: str = Field(max_length=200)
    grade: int = Field(ge=1, le=12)


MESSAGES = [HumanMessage(content="Define klorofil for grade 7.")]


def test_fenced_json_with_prose_is_repaired() -> None:
    llm = FakeListChatModel(
        responses=[
            'Here it is:\n```json\n{"term": "klorofil", "definition": "zat hijau daun", "grade": 7,}\n```'
        ]
    )
    result = generate_structured(llm, MESSAGES, Term)
    assert result == Term(term="klorofil", definition="zat hijau daun", grade=7)


def test_invalid_answer_is_retried_with_the_error() -> None:
    llm = FakeListChatModel(
        responses=[
            "not json at all",
            '{"term": "klorofil", "definition": "zat hijau", "grade": 99}',
            '{"term": "klorofil", "definition": "zat hijau", "grade": 7}',
        ]
    )
    result = generate_structured(llm, MESSAGES, Term, attempts=3)
    assert result.grade == 7


def test_gives_up_after_the_allowed_attempts_and_keeps_raw_outputs() -> None:
    llm = FakeListChatModel(responses=["no", "still no", "never"])
    with pytest.raises(StructuredOutputError) as caught:
        generate_structured(llm, MESSAGES, Term, attempts=2)
    assert "after 2 tries" in str(caught.value)
    assert len(caught.value.raw_outputs) == 2


def test_extract_json_handles_smart_quotes_and_control_characters() -> None:
    assert extract_json("{“a”: 1}") == {"a": 1}
    assert extract_json('{"a": "line one\nline two"}') == {"a": "line one\nline two"}
    with pytest.raises(ValueError):
        extract_json("no braces here")
