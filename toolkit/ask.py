"""Ask the curriculum: a question answered by the chat model from retrieved passages, with citations.

This is the smallest complete tool (retrieve, prompt, generate, cite) and the first thing the
practice notebooks and the "Kurikulum" tab show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field, field_validator

from toolkit.index.retrieval import Citation, Hit, HybridRetriever, SearchFilters, format_passages
from toolkit.prompts import PromptTemplate, load_phrases, load_prompt

ASK_PROMPT = "ask_curriculum"
ASK_PHRASES = "ask_curriculum_phrases"
"""The template and its language-dependent pieces (``prompts/``)."""
NOT_FOUND = {
    "id": "Tidak ada dokumen kurikulum yang cocok dengan pertanyaan ini. Coba kata lain atau hapus filter.",
    "en": "No curriculum document matches this question. Try other words or remove the filters.",
}


class AskRequest(BaseModel):
    """A teacher's question about the curriculum."""

    question: str = Field(min_length=3, max_length=500)
    subject: str | None = None
    fase: str | None = None
    kelas: int | None = Field(default=None, ge=1, le=12)
    language: Literal["id", "en"] = "id"
    k: int = Field(default=4, ge=1, le=10)

    @field_validator("subject")
    @classmethod
    def _known_subject(cls, value: str | None) -> str | None:
        """A known subject's slug; an unknown one is named with the known ones (not "no documents")."""
        from toolkit.index.metadata import known_subjects_sentence, normalise_subject

        if value is None or not value.strip():
            return None
        slug = normalise_subject(value)
        if slug is None:
            raise ValueError(known_subjects_sentence(value))
        return slug

    def filters(self) -> SearchFilters:
        """Retrieval filters from the request."""
        return SearchFilters(subject=self.subject, fase=self.fase, kelas=self.kelas)


class Answer(BaseModel):
    """The model's answer with the passages it was given."""

    question: str
    text: str
    passages: list[Hit]
    prompt_version: str

    @property
    def citations(self) -> list[Citation]:
        """Citations of the passages, in the order they were numbered."""
        return [hit.citation for hit in self.passages]


def prompt_messages(request: AskRequest, hits: list[Hit], template: PromptTemplate) -> list[BaseMessage]:
    """The messages sent for ``request``: ``template`` filled from the request, passages and phrases.

    The tool and the Prompt Lab both call this, so the Lab shows exactly what the tool sends; an
    edited template may also use any other field of ``AskRequest`` (``{subject}``, ``{kelas}``).
    """
    phrases = load_phrases(ASK_PHRASES)
    values = {
        "question": request.question.strip(),
        "language_instruction": phrases.text("language_instruction", request.language),
        "passages": format_passages(hits, max_chars=700),
        "answer_cue": phrases.text("answer_cue", request.language),
    }
    for name in template.variables - set(values):
        if name in AskRequest.model_fields:
            values[name] = str(getattr(request, name))
    return template.render(values)


def stream_answer(
    request: AskRequest,
    *,
    llm: BaseChatModel,
    retriever: HybridRetriever,
    template: PromptTemplate | None = None,
) -> Iterator[tuple[str, list[Hit]]]:
    """Yield ``(answer so far, passages)`` as the model writes."""
    hits = retriever.search(request.question, k=request.k, filters=request.filters())
    if not hits:
        yield NOT_FOUND[request.language], []
        return
    prompt = template or load_prompt(ASK_PROMPT)
    messages = prompt_messages(request, hits, prompt)
    text = ""
    for chunk in llm.stream(messages, stop=prompt.stop or None):
        text += str(chunk.content)
        yield text, hits
    if not text.strip():
        yield (
            ("(Model tidak memberi jawaban.)" if request.language == "id" else "(The model gave no answer.)"),
            hits,
        )


def answer_question(request: AskRequest, *, llm: BaseChatModel, retriever: HybridRetriever) -> Answer:
    """The complete answer with its passages."""
    prompt = load_prompt(ASK_PROMPT)
    text, hits = "", list[Hit]()
    for partial, found in stream_answer(request, llm=llm, retriever=retriever, template=prompt):
        text, hits = partial, found
    return Answer(question=request.question, text=text.strip(), passages=hits, prompt_version=prompt.version)
