"""Prompts for one section at a time, and the drafter that asks the model for a small schema.

The embedded Gemma 270M is a base model: the prompt is completion-style, short, in the plan's
language, and ends with an answer cue; a JSON-schema grammar bounds the answer (every string and
list in a draft schema has a ``max_length``). A draft the model cannot produce is reported as None
and the section falls back to code; a provider failure is raised as a ``ProviderError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field

from toolkit.lessons.grounding import format_sources
from toolkit.lessons.models import LessonRequest, SourceRef
from toolkit.llm.local_chat import LocalChatModel
from toolkit.llm.provider_errors import as_provider_error, is_provider_failure
from toolkit.llm.structured import generate_structured
from toolkit.prompts import PromptTemplate, load_phrases, load_prompt
from toolkit.settings import Settings

DraftT = TypeVar("DraftT", bound=BaseModel)

SECTION_PROMPT = "lesson_section"
REGENERATE_PROMPT = "lesson_regenerate"
INSTRUCTIONS = "lesson_instructions"
"""Prompt files: ``lesson_section_<language>.md``, ``lesson_regenerate_<language>.md`` and the
phrase book ``lesson_instructions.md`` (the instruction for each section)."""


class SectionPrompt(BaseModel):
    """What the section prompts are filled with (besides the passages and the problems to fix)."""

    subject_name: str = Field(max_length=120)
    fase: str = Field(max_length=20)
    kelas_label: str = Field(max_length=40)
    topic: str = Field(max_length=300)
    section_title: str = Field(max_length=120)
    instruction: str = Field(max_length=800)


def section_values(request: LessonRequest, title: str, instruction: str) -> dict[str, str]:
    """The request-model values of a section prompt for ``request``."""
    return SectionPrompt(
        subject_name=request.subject_name,
        fase=str(request.fase),
        kelas_label=str(request.kelas_label),
        topic=request.topic,
        section_title=title,
        instruction=instruction,
    ).model_dump()


def instruction_text(request: LessonRequest, key: str, **values: object) -> str:
    """The instruction ``key`` of ``lesson_instructions.md`` in the plan's language, topic filled in."""
    return load_phrases(INSTRUCTIONS).text(key, request.language, {"topic": request.topic, **values})


@dataclass
class Drafter:
    """Asks the model for one draft schema; counts calls and remembers what failed."""

    llm: BaseChatModel | None
    request: LessonRequest
    settings: Settings | None = None
    attempts: int = 2
    """Tries per draft for remote models; the embedded model gets one (its fallback is the template)."""
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    _section: PromptTemplate | None = None
    _regenerate: PromptTemplate | None = None

    def templates(self) -> tuple[PromptTemplate, PromptTemplate]:
        """The two prompt files of the plan's language (loaded once)."""
        if self._section is None or self._regenerate is None:
            language = "en" if self.request.language == "en" else "id"
            self._section = load_prompt(f"{SECTION_PROMPT}_{language}")
            self._regenerate = load_prompt(f"{REGENERATE_PROMPT}_{language}")
        return self._section, self._regenerate

    @property
    def prompt_version(self) -> str:
        """Versions of the prompt files in use."""
        section, regenerate = self.templates()
        instructions = load_phrases(INSTRUCTIONS)
        return (
            f"{section.name} v{section.version}, {regenerate.name} v{regenerate.version}, "
            f"{instructions.name} v{instructions.version}"
        )

    def messages(
        self,
        *,
        title: str,
        instruction: str,
        sources: list[SourceRef],
        problems: str = "",
        template: PromptTemplate | None = None,
    ) -> list[BaseMessage]:
        """The messages sent for one section draft (the regeneration prompt when ``problems`` is set).

        ``template`` replaces the prompt file that would be used (the Prompt Lab's edited template).
        """
        section_template, regenerate_template = self.templates()
        template = template or (regenerate_template if problems else section_template)
        values = {
            **section_values(self.request, title, instruction),
            "passages": format_sources(sources, max_chars=420),
        }
        if problems:
            values["problems"] = problems
        return template.render(values)

    def __call__(
        self,
        schema: type[DraftT],
        *,
        title: str,
        instruction: str,
        sources: list[SourceRef],
        problems: str = "",
        max_tokens: int = 200,
    ) -> DraftT | None:
        """The model's draft, or None when it gave no valid one (``ProviderError`` when it failed)."""
        if self.llm is None or not self.request.use_model:
            return None
        messages = self.messages(title=title, instruction=instruction, sources=sources, problems=problems)
        self.calls += 1
        try:
            attempts = 1 if isinstance(self.llm, LocalChatModel) else self.attempts
            return generate_structured(self.llm, messages, schema, attempts=attempts, max_tokens=max_tokens)
        except Exception as exc:
            if is_provider_failure(exc):
                raise as_provider_error(exc, self.settings) from exc
            self.failures.append(f"{title}: {exc}")
            return None
