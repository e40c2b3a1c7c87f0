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
from pydantic import BaseModel, Field

from toolkit.lessons.grounding import format_sources
from toolkit.lessons.models import LessonRequest, SourceRef
from toolkit.llm.local_chat import LocalChatModel
from toolkit.llm.provider_errors import as_provider_error, is_provider_failure
from toolkit.llm.structured import generate_structured
from toolkit.prompts import PromptTemplate, load_prompt
from toolkit.settings import Settings

DraftT = TypeVar("DraftT", bound=BaseModel)

ROLE = {
    "id": "Kamu guru berpengalaman di Indonesia. Tulis bagian rencana pembelajaran dalam bahasa Indonesia "
    "yang singkat, jelas dan sesuai kutipan kurikulum.",
    "en": "You are an experienced teacher. Write one part of a lesson plan in short, clear English that "
    "follows the curriculum passages.",
}
PASSAGES_HEADING = {"id": "Kutipan kurikulum:", "en": "Curriculum passages:"}
ANSWER_CUE = {"id": "Jawaban (JSON):", "en": "Answer (JSON):"}
FIX_HEADING = {"id": "Perbaiki masalah ini:", "en": "Fix this problem:"}


class SectionPrompt(BaseModel):
    """What the section prompts are filled with (besides the passages and the answer cue)."""

    role: str = Field(max_length=400)
    passages_heading: str = Field(max_length=60)
    context_line: str = Field(max_length=400)
    section_title: str = Field(max_length=120)
    instruction: str = Field(max_length=800)
    fix_heading: str = Field(default="", max_length=60)


def context_line(request: LessonRequest) -> str:
    """``Mata pelajaran IPA, Fase D, kelas 7. Topik: fotosintesis.``"""
    if request.language == "en":
        return (
            f"Subject: {request.subject_name}, fase {request.fase}, grade {request.kelas_label}. "
            f"Topic: {request.topic}."
        )
    return (
        f"Mata pelajaran {request.subject_name}, Fase {request.fase}, kelas {request.kelas_label}. "
        f"Topik: {request.topic}."
    )


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
        """The two prompt files (loaded once)."""
        if self._section is None or self._regenerate is None:
            self._section = load_prompt("lesson_section")
            self._regenerate = load_prompt("lesson_regenerate")
        return self._section, self._regenerate

    @property
    def prompt_version(self) -> str:
        """Versions of the prompt files in use."""
        section, regenerate = self.templates()
        return f"lesson_section v{section.version}, lesson_regenerate v{regenerate.version}"

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
        language = self.request.language
        section_template, regenerate_template = self.templates()
        template = regenerate_template if problems else section_template
        values: dict[str, str] = {
            "role": ROLE[language],
            "passages_heading": PASSAGES_HEADING[language],
            "passages": format_sources(sources, max_chars=420),
            "context_line": context_line(self.request),
            "section_title": title,
            "instruction": instruction,
            "answer_cue": ANSWER_CUE[language],
        }
        if problems:
            values["problems"] = problems
            values["fix_heading"] = FIX_HEADING[language]
        messages = template.render(values)
        self.calls += 1
        try:
            attempts = 1 if isinstance(self.llm, LocalChatModel) else self.attempts
            return generate_structured(self.llm, messages, schema, attempts=attempts, max_tokens=max_tokens)
        except Exception as exc:
            if is_provider_failure(exc):
                raise as_provider_error(exc, self.settings) from exc
            self.failures.append(f"{title}: {exc}")
            return None
