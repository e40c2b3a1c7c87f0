"""Prompt files: each parses, names a request model, and uses only variables that model provides."""

from __future__ import annotations

import pytest

from toolkit.errors import ToolkitError
from toolkit.prompts import load_prompt, parse_prompt, prompt_files

FILES = prompt_files()


def test_there_are_prompt_files() -> None:
    assert FILES, "prompts/ holds no templates"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_template_variables_match_request_model(path) -> None:  # type: ignore[no-untyped-def]
    template = parse_prompt(path.read_text(encoding="utf-8"), path)
    assert template.name == path.stem
    assert template.request_model, "front matter must name request_model"
    template.request_class()  # importable pydantic model
    assert template.problems() == []


def test_unknown_placeholder_is_reported() -> None:
    text = (
        "---\nname: t\nrequest_model: toolkit.ask.AskRequest\nextra_variables: [passages]\n---\n"
        "[user]\n{question} {passages} {topic}\n"
    )
    assert parse_prompt(text).problems() == ["unknown placeholder {topic}"]


def test_render_fills_values_and_refuses_missing_ones() -> None:
    template = load_prompt("ask_curriculum")
    values = {name: f"<{name}>" for name in template.variables}
    messages = template.render(values)
    assert [m.type for m in messages] == ["system", "human"]
    assert "<question>" in str(messages[-1].content)
    values.pop("question")
    with pytest.raises(ToolkitError, match="question"):
        template.render(values)


def test_stop_sequences_are_real_newlines() -> None:
    assert "\n\n\n" in load_prompt("ask_curriculum").stop
