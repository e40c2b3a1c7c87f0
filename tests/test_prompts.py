"""Prompt files: each parses, names a request model, and uses only variables that model provides.

Every file in ``prompts/`` is checked, templates and phrase books alike.
"""

from __future__ import annotations

import pytest

from toolkit.errors import ToolkitError
from toolkit.prompts import (
    PromptTemplate,
    load_phrases,
    load_prompt,
    parse_phrases,
    parse_prompt,
    parse_prompt_file,
    prompt_files,
)

FILES = prompt_files()


def test_there_are_prompt_files() -> None:
    assert FILES, "prompts/ holds no templates"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_template_variables_match_request_model(path) -> None:  # type: ignore[no-untyped-def]
    template = parse_prompt_file(path)
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


def test_every_file_in_prompts_is_a_markdown_prompt_file() -> None:
    from toolkit.prompts import PROMPTS_DIR

    assert sorted(PROMPTS_DIR.iterdir()) == FILES


def test_phrase_books_render_by_key_and_language_and_refuse_what_they_lack() -> None:
    book = load_phrases("lesson_instructions")
    assert book.text("facilities", "en", {"topic": "photosynthesis"}) == (
        "list 2-4 tools and materials for learning photosynthesis."
    )
    assert "fotosintesis" in book.text("facilities", "id", {"topic": "fotosintesis"})
    with pytest.raises(ToolkitError, match="topic"):
        book.text("facilities", "id", {})
    with pytest.raises(ToolkitError, match="no part"):
        book.text("no_such_section", "id", {})


def test_phrase_problems_name_unknown_placeholders_and_missing_languages() -> None:
    text = (
        "---\nname: t\nkind: phrases\nrequest_model: toolkit.ask.AskRequest\n---\n"
        "[a.id]\n{question}\n\n[a.en]\n{topic}\n\n[b.id]\nhalo\n"
    )
    assert parse_phrases(text).problems() == [
        "unknown placeholder {topic}",
        "phrase 'b' is not given in both id and en",
    ]
    with pytest.raises(ToolkitError, match="plain name"):
        parse_phrases(text.replace("{question}", "{question.__class__}"))


def test_templates_and_phrase_books_are_told_apart() -> None:
    kinds = {path.stem: type(parse_prompt_file(path)).__name__ for path in FILES}
    assert kinds["ask_curriculum"] == PromptTemplate.__name__
    assert kinds["lesson_instructions"] == "PhraseBook"
