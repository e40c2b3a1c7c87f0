"""Every word a tool sends to a model comes from a file in ``prompts/``.

Each tool runs with a fake model that records the messages it is sent. Each system and user message
must be a part of a template in ``prompts/`` with its placeholders filled in; the placeholders the
tools fill from phrase books (instructions, answer cues, feedback) must hold phrase-book text; a
message the tool adds on its own (the structured-output instruction) must be a phrase. A sentence
written in Python and sent to the model makes these tests fail.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage, HumanMessage
from lesson_helpers import SchemaFake, build_retriever, fake
from quiz_fakes import PHOTOSYNTHESIS, RecordingChatModel

from toolkit.ask import AskRequest, answer_question
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.drafts import TextDraft
from toolkit.lessons.generate import generate_plan, regenerate_section
from toolkit.lessons.models import build_request
from toolkit.llm.structured import generate_structured
from toolkit.prompts import PhraseBook, PromptTemplate, load_prompt, parse_prompt_file, prompt_files
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest
from toolkit.settings import Settings

PHRASE_FED = {"instruction", "language_instruction", "type_instruction", "feedback", "answer_cue"}
"""Template placeholders the tools fill with phrase-book text only."""


def _pattern(text: str, fed: str = "", any_value: str = "(?s:.*)") -> str:
    """A regular expression for ``text`` with each placeholder standing for its possible values.

    Placeholders in ``PHRASE_FED`` stand for ``fed`` (phrase-book text) when it is given.
    """
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(fed if fed and name in PHRASE_FED else any_value)
    return "".join(parts)


@cache
def _patterns() -> list[re.Pattern[str]]:
    files = [parse_prompt_file(path) for path in prompt_files()]
    phrases = [text.strip() for f in files if isinstance(f, PhraseBook) for text in f.phrases.values()]
    one = "(?:" + "|".join(_pattern(text, any_value=".*") for text in phrases) + ")"
    fed = f"(?:{one}(?: {one})*)?"
    patterns = [_pattern(text) for text in phrases]
    for template in (f for f in files if isinstance(f, PromptTemplate)):
        patterns += [_pattern(part.strip(), fed) for part in (template.system, template.user) if part.strip()]
    return [re.compile(pattern) for pattern in patterns]


def from_prompts(message: BaseMessage) -> bool:
    """Whether ``message`` is a template part or a phrase of ``prompts/``, filled in."""
    content = str(message.content).strip()
    return any(pattern.fullmatch(content) for pattern in _patterns())


def assert_all_from_prompts(messages: list[BaseMessage]) -> None:
    sent = [m for m in messages if m.type in ("system", "human")]
    assert sent, "the tool sent nothing"
    stray = [str(m.content)[:300] for m in sent if not from_prompts(m)]
    assert stray == [], "text sent to the model that no file in prompts/ holds"


class Recorder(BaseCallbackHandler):
    """Keeps every message a chat model is sent (pass it as the fake model's callback)."""

    def __init__(self) -> None:
        self.sent: list[BaseMessage] = []

    def on_chat_model_start(self, serialized: Any, messages: list[list[BaseMessage]], **kwargs: Any) -> None:
        for batch in messages:
            self.sent.extend(batch)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("prompt-sources")
    return build_retriever(Settings(_env_file=None, data_dir=data), ["cp", "ipa", "matematika"])  # type: ignore[call-arg]


def test_a_sentence_written_in_python_is_caught() -> None:
    assert not from_prompts(HumanMessage(content="Write one quiz item about photosynthesis."))
    assert from_prompts(HumanMessage(content="Ibu kota Indonesia adalah"))


@pytest.mark.parametrize("language", ["id", "en"])
def test_ask_sends_only_template_text(retriever: HybridRetriever, language: str) -> None:
    recorder = Recorder()
    llm = RecordingChatModel(responses=["Fotosintesis membuat glukosa [1]."], callbacks=[recorder])
    request = AskRequest(question="Apa itu fotosintesis?", language=language)  # type: ignore[arg-type]
    answer_question(request, llm=llm, retriever=retriever)
    assert_all_from_prompts(recorder.sent)


def test_quiz_drafts_regenerations_and_checks_send_only_template_text() -> None:
    wrong_key = {
        "question": "Zat apa yang menyerap energi cahaya?",
        "options": ["Klorofil", "Stomata", "Xilem", "Floem"],
        "answer": 2,
        "evidence": "Klorofil adalah zat hijau daun yang menyerap energi cahaya untuk fotosintesis.",
        "explanation": "-",
    }
    recorder = Recorder()
    llm = RecordingChatModel(
        responses=[json.dumps(wrong_key)] * 2 + ['{"answer": [1]}'] * 4, callbacks=[recorder]
    )
    quiz = generate_quiz(
        QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 1}),
        llm=llm,
        retriever=None,
    )
    assert any(d.origin == "model" for d in quiz.dropped)  # the regeneration (with feedback) was sent
    assert_all_from_prompts(recorder.sent)


@pytest.mark.parametrize("language", ["id", "en"])
def test_lesson_sections_and_regeneration_send_only_template_text(
    retriever: HybridRetriever, language: str
) -> None:
    base = {"subject": "ipa", "fase": "D", "kelas": 7, "topic": "fotosintesis", "use_bank": False}
    recorder = Recorder()
    llm = SchemaFake(callbacks=[recorder], answers=fake().answers, prompts=[])
    first = "lesson-plan" if language == "en" else "modul-ajar"
    plan = generate_plan(build_request(format=first, language=language, **base), llm=llm, retriever=retriever)
    regenerate_section(
        plan,
        "learning_outcome" if language == "en" else "tujuan_pembelajaran",
        llm=llm,
        retriever=retriever,
        instruction="Lebih singkat.",
    )
    deep = generate_plan(
        build_request(format="mendalam", language=language, **base), llm=llm, retriever=retriever
    )
    assert plan.stats["model_calls"] and deep.stats["model_calls"]
    assert_all_from_prompts(recorder.sent)


def test_structured_output_instruction_and_feedback_come_from_prompts() -> None:
    recorder = Recorder()
    llm = RecordingChatModel(
        responses=["no json", '{"text": "Jakarta adalah ibu kota Indonesia."}'], callbacks=[recorder]
    )
    generate_structured(llm, load_prompt("model_check").render({}), TextDraft, attempts=2)
    assert any("could not be used" in str(m.content) for m in recorder.sent)
    assert_all_from_prompts(recorder.sent)


def test_bank_enrichment_send_only_template_text(retriever: HybridRetriever) -> None:
    supported = (
        "Pecahan senilai diperoleh dengan mengalikan pembilang dan penyebut dengan bilangan yang sama."
    )
    recorder = Recorder()
    llm = SchemaFake(callbacks=[recorder], answers={**fake().answers, "TextDraft": {"text": supported}})
    request = build_request(format="modul-ajar", subject="matematika", kelas=4, topic="pecahan")
    plan = generate_plan(request, llm=llm, retriever=retriever)
    assert plan.stats["model_sentences"]["proposed"] >= 1
    unbanked = build_request(format="rpp", subject="ipa", kelas=7, topic="fotosintesis", use_bank=False)
    generate_plan(unbanked, llm=llm, retriever=retriever)
    assert_all_from_prompts(recorder.sent)
