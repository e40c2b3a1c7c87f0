"""Prompt Lab: run a prompt as the tools do and show every step, for learning and comparing.

A participant chooses the prompt to work on (``LAB_PROMPTS``: ask the curriculum, one lesson
section, one quiz item). For one input the lab shows the passages retrieved, the exact messages the
tool would send (rendered by the tool's own function with the edited template put in place of the
shipped one), the raw model output and simple checks. Two templates, or two models, can be run on
the same input side by side. Edited templates are returned to the caller to be saved per
participant; nothing here writes to ``prompts/``.

How each prompt is rendered:

* ``ask_curriculum``: ``toolkit.ask.prompt_messages`` with the passages the ask tool retrieves.
* ``lesson_section_id`` / ``lesson_section_en``: ``toolkit.lessons.prompting.Drafter.messages`` for
  the section ``LESSON_SECTION`` of a Modul Ajar, with the passages ``Grounding.passages_for``
  gives that section and its instruction from ``lesson_instructions.md``.
* ``quiz_item``: ``toolkit.quiz.drafts.item_messages`` for a multiple-choice item from the first
  passage ``toolkit.quiz.sources.gather_passages`` finds for the topic.

Lesson sections and quiz items are asked for as JSON: the messages shown are those
``toolkit.llm.structured`` sends on its first try (with the JSON instruction for a model that needs
it), and the model is run through that same try.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from pydantic import BaseModel, Field, ValidationError

from toolkit.ask import AskRequest, prompt_messages
from toolkit.errors import ToolkitError
from toolkit.index.lexical import tokenize
from toolkit.index.retrieval import HybridRetriever
from toolkit.language import detect_language
from toolkit.prompts import PromptTemplate, load_prompt, parse_prompt
from toolkit.quiz.models import QuestionType

LabPrompt = Literal["ask_curriculum", "lesson_section_id", "lesson_section_en", "quiz_item"]
LAB_PROMPTS: tuple[LabPrompt, ...] = ("ask_curriculum", "lesson_section_id", "lesson_section_en", "quiz_item")
"""The prompts a participant can work on; each is the name of its file in ``prompts/``."""
LESSON_FORMAT = "modul-ajar"
LESSON_SECTION = "sarana_prasarana"
"""The lesson section the lab drafts (its builder asks the model for a short list)."""
QUIZ_KIND: QuestionType = "mc"


class LabInput(BaseModel):
    """What the lab runs a prompt on: a question (ask) or a topic (lesson, quiz), and the class."""

    prompt: LabPrompt = "ask_curriculum"
    text: str = Field(min_length=3, max_length=300)
    language: Literal["id", "en"] = "id"
    subject: str = Field(default="ipa", max_length=60)
    kelas: int = Field(default=7, ge=1, le=12)

    @property
    def prompt_language(self) -> Literal["id", "en"]:
        """The language of the messages: the lesson template's own, else the input's."""
        if self.prompt == "lesson_section_en":
            return "en"
        if self.prompt == "lesson_section_id":
            return "id"
        return self.language


class LabPassage(BaseModel):
    """A passage put into the prompt, with its citation."""

    citation: str
    text: str


@dataclass
class LabMessages:
    """The messages a tool would send for one input, and what they were built from."""

    template: PromptTemplate
    messages: list[BaseMessage]
    passages: list[LabPassage]
    schema: type[BaseModel] | None = None
    """The draft schema of a JSON prompt (None for the ask prompt, which is plain text)."""
    max_tokens: int | None = None


class LabRun(BaseModel):
    """Everything one run of a template produced."""

    prompt_text: str
    passages: list[LabPassage]
    raw_output: str
    seconds: float
    checks: dict[str, bool]


def shipped_template(prompt: LabPrompt) -> PromptTemplate:
    """The template in ``prompts/`` the lab starts from (template A)."""
    return load_prompt(prompt)


def lab_template(prompt: LabPrompt, text: str) -> PromptTemplate:
    """``text`` parsed as an edit of ``prompt``; ``ToolkitError`` with one sentence when it cannot be used.

    The edit is checked against the shipped template's request model and extra variables (its own
    front matter cannot widen them), so only the values the tool fills in may be used.
    """
    shipped = shipped_template(prompt)
    template = parse_prompt(text)
    allowed = set(shipped.request_class().model_fields) | set(shipped.extra_variables)
    unknown = sorted(template.variables - allowed)
    if unknown:
        raise ToolkitError(
            f"The template cannot be used: unknown placeholder {{{unknown[0]}}}; "
            f"use only {', '.join('{' + name + '}' for name in sorted(allowed))}."
        )
    template.name, template.request_model = shipped.name, shipped.request_model
    template.extra_variables = sorted(template.variables & set(shipped.extra_variables))
    return template


def messages_text(messages: list[BaseMessage]) -> str:
    """The messages as a participant reads them: ``[system]``, ``[human]`` and their text."""
    return "\n\n".join(f"[{m.type}]\n{m.content}" for m in messages)


def lab_messages(lab_input: LabInput, template_text: str, *, retriever: HybridRetriever) -> LabMessages:
    """The messages the chosen tool would send for ``lab_input`` with ``template_text`` as its template."""
    template = lab_template(lab_input.prompt, template_text)
    try:
        if lab_input.prompt == "ask_curriculum":
            return _ask_messages(lab_input, template, retriever)
        if lab_input.prompt == "quiz_item":
            return _quiz_messages(lab_input, template, retriever)
        return _lesson_messages(lab_input, template, retriever)
    except ValidationError as exc:
        raise ToolkitError(input_problem(exc)) from exc


def input_problem(exc: ValidationError) -> str:
    """One sentence for input a request model refused."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid input")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _ask_messages(lab_input: LabInput, template: PromptTemplate, retriever: HybridRetriever) -> LabMessages:
    request = AskRequest(question=lab_input.text, language=lab_input.language, k=3)
    hits = retriever.search(request.question, k=request.k, filters=request.filters())
    passages = [LabPassage(citation=hit.citation.label(), text=hit.text) for hit in hits]
    return LabMessages(template, prompt_messages(request, hits, template), passages)


def _lesson_messages(
    lab_input: LabInput, template: PromptTemplate, retriever: HybridRetriever
) -> LabMessages:
    from toolkit.lessons.builders import BUILDERS
    from toolkit.lessons.formats import spec_for
    from toolkit.lessons.grounding import Grounding
    from toolkit.lessons.models import build_request
    from toolkit.lessons.prompting import Drafter, instruction_text

    request = build_request(
        format=LESSON_FORMAT,
        subject=lab_input.subject,
        kelas=lab_input.kelas,
        topic=lab_input.text,
        language=lab_input.prompt_language,
        use_bank=False,
    )
    spec = spec_for(LESSON_FORMAT, LESSON_SECTION)
    builder = BUILDERS[spec.builder]
    sources = Grounding(request, retriever).passages_for(spec.query)
    messages = Drafter(llm=None, request=request).messages(
        title=spec.title(request.language),
        instruction=instruction_text(request, builder.instruction),
        sources=sources,
        template=template,
    )
    passages = [LabPassage(citation=source.label, text=source.excerpt) for source in sources]
    return LabMessages(template, messages, passages, builder.schema, builder.max_tokens)


def _quiz_messages(lab_input: LabInput, template: PromptTemplate, retriever: HybridRetriever) -> LabMessages:
    from toolkit.quiz.drafts import DRAFTS, item_messages, item_request
    from toolkit.quiz.models import QuizRequest
    from toolkit.quiz.sources import gather_passages

    request = QuizRequest(
        topic=lab_input.text,
        language=lab_input.language,
        subject=lab_input.subject,
        kelas=lab_input.kelas,
        counts={QUIZ_KIND: 1},
        use_bank=False,
    )
    found, _ = gather_passages(request, retriever)
    if not found:
        raise ToolkitError(f"No passage in the index matches '{lab_input.text[:60]}'; try another topic.")
    passage = found[0]
    item = item_request(passage, topic=request.query, language=request.language)
    messages = item_messages(item, QUIZ_KIND, template=template)
    passages = [LabPassage(citation=passage.citation, text=item.passage)]
    return LabMessages(template, messages, passages, DRAFTS[QUIZ_KIND], request.draft_max_tokens)


def lab_checks(output: str, passages: list[LabPassage], language: str) -> dict[str, bool]:
    """Deterministic checks a participant can read: non-empty, language, cites, grounded."""
    words = tokenize(output)
    source = set(tokenize(" ".join(passage.text for passage in passages)))
    grounded = bool(words) and sum(1 for w in words if w in source) / len(words) >= 0.5
    return {
        "not_empty": bool(output.strip()),
        "language_matches": bool(output.strip()) and detect_language(output) == language,
        "cites_a_passage": any(f"[{n}]" in output for n in range(1, len(passages) + 1)),
        "mostly_words_from_passages": grounded,
    }


def json_checks(
    output: str, passages: list[LabPassage], language: str, schema: type[BaseModel]
) -> dict[str, bool]:
    """Checks of a JSON answer: non-empty, fits the draft schema, language, grounded."""
    from toolkit.llm.structured import extract_json

    try:
        schema.model_validate(extract_json(output))
        fits = True
    except (ValueError, ValidationError):
        fits = False
    checks = lab_checks(output, passages, language)
    del checks["cites_a_passage"]
    return {"not_empty": checks.pop("not_empty"), "valid_json_for_the_tool": fits, **checks}


def run_lab(
    lab_input: LabInput, template_text: str, *, llm: BaseChatModel, retriever: HybridRetriever
) -> LabRun:
    """Build the chosen tool's messages with ``template_text``, run them on ``llm`` and record each step."""
    built = lab_messages(lab_input, template_text, retriever=retriever)
    language = lab_input.prompt_language
    started = time.perf_counter()
    if built.schema is None:
        sent = built.messages
        output = str(llm.invoke(sent, stop=built.template.stop or None).content)
        checks = lab_checks(output, built.passages, language)
    else:
        from toolkit.llm.structured import raw_attempt, structured_messages

        sent = structured_messages(llm, built.messages, built.schema)
        output, parsed, _ = raw_attempt(llm, built.messages, built.schema, built.max_tokens)
        if not output and parsed is not None:  # native structured output returns the value only
            output = parsed.model_dump_json()
        checks = json_checks(output, built.passages, language, built.schema)
    return LabRun(
        prompt_text=messages_text(sent),
        passages=built.passages,
        raw_output=output,
        seconds=time.perf_counter() - started,
        checks=checks,
    )


def run_template(
    template_text: str, request: AskRequest, *, llm: BaseChatModel, retriever: HybridRetriever
) -> LabRun:
    """Run an ask-style template for ``request`` (the ask prompt of ``run_lab``, with the request's ``k``)."""
    template = lab_template("ask_curriculum", template_text)
    hits = retriever.search(request.question, k=request.k, filters=request.filters())
    messages = prompt_messages(request, hits, template)
    started = time.perf_counter()
    output = str(llm.invoke(messages, stop=template.stop or None).content)
    passages = [LabPassage(citation=hit.citation.label(), text=hit.text) for hit in hits]
    return LabRun(
        prompt_text=messages_text(messages),
        passages=passages,
        raw_output=output,
        seconds=time.perf_counter() - started,
        checks=lab_checks(output, passages, request.language),
    )
