"""The frame every section builder works in: what it may use, what it returns, and how it asks the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from toolkit.bank.models import TopicCard
from toolkit.lessons.formats import SectionSpec
from toolkit.lessons.models import (
    Author,
    LessonPlan,
    LessonRequest,
    SourceRef,
)
from toolkit.lessons.prompting import Drafter, instruction_text
from toolkit.text import say as say_in


@dataclass
class BuildContext:
    """What a builder may use."""

    request: LessonRequest
    spec: SectionSpec
    plan: LessonPlan
    sources: list[SourceRef]
    drafter: Drafter
    problems: str = ""
    notes: list[str] = field(default_factory=list)
    card: TopicCard | None = None
    """The topic card the plan is composed from, when the bank has one for the topic."""

    @property
    def language(self) -> str:
        """The plan's language."""
        return self.request.language

    def say(self, indonesian: str, english: str) -> str:
        """The text in the plan's language, with ``{topic}`` filled in."""
        return say_in(self.language, indonesian, english).replace("{topic}", self.request.topic)

    def instruction(self, key: str, **values: object) -> str:
        """The instruction ``key`` of ``prompts/lesson_instructions.md`` in the plan's language."""
        return instruction_text(self.request, key, **values)

    def draft(self, schema: type[BaseModel], instruction: str, max_tokens: int = 200) -> Any:
        """The model's draft for this section (None when it gave none); ``instruction`` from ``instruction``."""
        result = self.drafter(
            schema,
            title=self.spec.title(self.language),
            instruction=instruction,
            sources=self.sources,
            problems=self.problems,
            max_tokens=max_tokens,
        )
        if result is None and self.drafter.llm is not None and self.request.use_model:
            self.notes.append(
                self.say(
                    "Model tidak memberi jawaban yang sah; dipakai templat kode.",
                    "The model gave no valid answer; a code template was used.",
                )
            )
        return result


@dataclass
class Built:
    """A section's content and who wrote it."""

    content: BaseModel
    author: Author
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Builder:
    """How one kind of section is written, and the code-only template it falls back to."""

    build: Callable[[BuildContext], Built]
    template: Callable[[BuildContext], BaseModel]
    uses_model: bool = True
    schema: type[BaseModel] | None = None
    """The draft schema a ``with_draft`` builder asks the model for (the Prompt Lab runs it too)."""
    instruction: str = ""
    """The key of its instruction in ``prompts/lesson_instructions.md``."""
    max_tokens: int = 200


def code_only(template: Callable[[BuildContext], BaseModel]) -> Builder:
    """A builder that never asks the model."""

    def build(context: BuildContext) -> Built:
        return Built(template(context), "code")

    return Builder(build, template, uses_model=False)


def with_draft(
    template: Callable[[BuildContext], BaseModel],
    compose: Callable[[BuildContext, Any], BaseModel | None],
    schema: type[BaseModel],
    instruction: str,
    max_tokens: int = 200,
    author_if_drafted: Author = "model",
) -> Builder:
    """A builder whose prose comes from the model's draft, composed by ``compose``.

    ``instruction`` is the key of the section's instruction in ``prompts/lesson_instructions.md``.
    """

    def build(context: BuildContext) -> Built:
        draft = context.draft(schema, context.instruction(instruction), max_tokens)
        content = compose(context, draft) if draft is not None else None
        if content is None:
            return Built(template(context), "code", list(context.notes))
        return Built(content, author_if_drafted, list(context.notes))

    return Builder(build, template, schema=schema, instruction=instruction, max_tokens=max_tokens)
