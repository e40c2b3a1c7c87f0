"""The Prompt Lab shows and runs exactly what each tool sends: ask, lesson section, quiz item.

For each prompt the lab can work on, the messages the lab sends to a fake model equal a batch of
messages the tool itself sent for the same input; an edited template changes exactly the edited
text; a bad template or input gives one sentence.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from lesson_helpers import SchemaFake, build_retriever, fake
from quiz_fakes import RecordingChatModel

from conftest import BagOfWordsEmbeddings
from toolkit.ask import AskRequest, answer_question
from toolkit.errors import ToolkitError
from toolkit.index.retrieval import HybridRetriever
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import build_request
from toolkit.prompt_lab import (
    LAB_PROMPTS,
    LabInput,
    LabPrompt,
    lab_messages,
    lab_template,
    messages_text,
    run_lab,
)
from toolkit.prompts import PROMPTS_DIR
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.prompt_lab_tab import choose_prompt, compare, original_template, save_template, show_messages

ITEM = {
    "question": "Zat apa yang menyerap energi cahaya?",
    "options": ["Klorofil", "Stomata", "Xilem", "Floem"],
    "answer": 1,
    "evidence": "Klorofil menyerap energi cahaya.",
    "explanation": "-",
}


class Batches(BaseCallbackHandler):
    """Keeps each list of messages a chat model is sent, one list per call."""

    def __init__(self) -> None:
        self.sent: list[list[BaseMessage]] = []

    def on_chat_model_start(self, serialized: Any, messages: list[list[BaseMessage]], **kwargs: Any) -> None:
        self.sent.extend(list(batch) for batch in messages)


def as_pairs(messages: list[BaseMessage]) -> list[tuple[str, str]]:
    return [(m.type, str(m.content)) for m in messages]


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    data = tmp_path_factory.mktemp("prompt-lab-tools")
    return build_retriever(Settings(_env_file=None, data_dir=data), ["cp", "ipa"])  # type: ignore[call-arg]


def shipped(prompt: LabPrompt) -> str:
    return (PROMPTS_DIR / f"{prompt}.md").read_text(encoding="utf-8")


def lab_sent(
    lab_input: LabInput, template: str, retriever: HybridRetriever, llm_answer: str
) -> list[BaseMessage]:
    """The one list of messages ``run_lab`` sends to a recording fake model."""
    batches = Batches()
    llm = RecordingChatModel(responses=[llm_answer], callbacks=[batches])
    run = run_lab(lab_input, template, llm=llm, retriever=retriever)
    [sent] = batches.sent
    assert run.prompt_text == messages_text(sent)  # the lab shows what it sends
    return sent


@pytest.mark.parametrize("language", ["id", "en"])
def test_ask_lab_sends_what_the_ask_tool_sends(retriever: HybridRetriever, language: str) -> None:
    batches = Batches()
    llm = RecordingChatModel(responses=["Fotosintesis menghasilkan glukosa [1]."], callbacks=[batches])
    request = AskRequest(question="Apa hasil fotosintesis?", language=language, k=3)  # type: ignore[arg-type]
    answer_question(request, llm=llm, retriever=retriever)
    lab_input = LabInput(prompt="ask_curriculum", text="Apa hasil fotosintesis?", language=language)  # type: ignore[arg-type]
    sent = lab_sent(lab_input, shipped("ask_curriculum"), retriever, "Glukosa [1].")
    assert as_pairs(sent) == as_pairs(batches.sent[0])


@pytest.mark.parametrize("prompt", ["lesson_section_id", "lesson_section_en"])
def test_lesson_lab_sends_what_the_lesson_tool_sends_for_its_section(
    retriever: HybridRetriever, prompt: LabPrompt
) -> None:
    language = prompt.rsplit("_", 1)[1]
    batches = Batches()
    llm = SchemaFake(callbacks=[batches], answers=fake().answers)
    request = build_request(
        format="modul-ajar", subject="ipa", kelas=7, topic="fotosintesis", language=language, use_bank=False
    )
    generate_plan(request, llm=llm, retriever=retriever)
    lab_input = LabInput(prompt=prompt, text="fotosintesis", subject="ipa", kelas=7)
    sent = lab_sent(lab_input, shipped(prompt), retriever, json.dumps({"items": ["Kertas", "Daun"]}))
    assert as_pairs(sent) in [as_pairs(batch) for batch in batches.sent]
    assert "Sarana" in messages_text(sent) or "Facilities" in messages_text(sent)


def test_quiz_lab_sends_what_the_quiz_tool_sends_for_its_first_item(retriever: HybridRetriever) -> None:
    batches = Batches()
    llm = RecordingChatModel(responses=[json.dumps(ITEM)] * 2 + ['{"answer": [1]}'] * 6, callbacks=[batches])
    request = QuizRequest(topic="fotosintesis", subject="ipa", kelas=7, counts={"mc": 1}, use_bank=False)
    generate_quiz(request, llm=llm, retriever=retriever)
    lab_input = LabInput(prompt="quiz_item", text="fotosintesis", subject="ipa", kelas=7)
    sent = lab_sent(lab_input, shipped("quiz_item"), retriever, json.dumps(ITEM))
    assert as_pairs(sent) == as_pairs(batches.sent[0])
    assert "JSON" in str(sent[-1].content)  # the structured-output instruction this model gets


@pytest.mark.parametrize(
    ("prompt", "old", "new"),
    [
        ("ask_curriculum", "Jawab hanya berdasarkan", "Jawab dengan satu kalimat, hanya berdasarkan"),
        ("lesson_section_id", "Kamu guru berpengalaman", "Kamu guru IPA berpengalaman"),
        ("lesson_section_en", "Answer (JSON):", "Be brief. Answer (JSON):"),
        ("quiz_item", "Buat satu soal kuis", "Buat satu soal kuis yang mudah"),
    ],
)
def test_an_edited_template_changes_exactly_the_edited_text(
    retriever: HybridRetriever, prompt: LabPrompt, old: str, new: str
) -> None:
    original = shipped(prompt)
    assert original.count(old) == 1
    lab_input = LabInput(prompt=prompt, text="fotosintesis", subject="ipa", kelas=7)
    before = as_pairs(lab_messages(lab_input, original, retriever=retriever).messages)
    after = as_pairs(lab_messages(lab_input, original.replace(old, new), retriever=retriever).messages)
    assert after == [(kind, text.replace(old, new)) for kind, text in before]
    assert after != before


@pytest.mark.parametrize("prompt", LAB_PROMPTS)
@pytest.mark.parametrize(
    ("placeholder", "sentence"),
    [("{x:>999}", "not a plain name"), ("{secret}", "unknown placeholder {secret}"), ("{", "brace")],
)
def test_a_bad_template_gives_one_sentence(prompt: LabPrompt, placeholder: str, sentence: str) -> None:
    edited = shipped(prompt).replace("[user]\n", f"[user]\n{placeholder}\n", 1)
    with pytest.raises(ToolkitError, match=sentence.replace("{", r"\{")) as caught:
        lab_template(prompt, edited)
    assert "\n" not in str(caught.value)


def test_the_tab_runs_the_chosen_prompt_and_explains_bad_input(
    settings: Settings, retriever: HybridRetriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(
        settings, llm=FakeListChatModel(responses=[json.dumps(ITEM)] * 2), embeddings=BagOfWordsEmbeddings()
    )
    monkeypatch.setattr(services, "retriever", lambda: retriever)
    original = original_template("quiz_item")
    a, b, status = choose_prompt("quiz_item", "en")
    assert a == b == original and status == ""
    edited = original.replace("Buat satu soal kuis", "Buat satu soal kuis yang mudah")
    shown_a, shown_b, status = show_messages(services, "fotosintesis", original, edited, "id", "quiz_item")
    assert status == "" and "yang mudah" in shown_b and "yang mudah" not in shown_a
    prompt_a, output_a, checks_a, prompt_b, _, _, status = compare(
        services, "fotosintesis", original, edited, "same", "id", "", "quiz_item", "ipa", 7
    )
    assert status == "" and "Klorofil" in output_a and "valid_json_for_the_tool" in checks_a
    assert "yang mudah" in prompt_b and "JSON" in prompt_a
    bad = original.replace("{topic}", "{topic:>999}")
    outputs = compare(services, "fotosintesis", original, bad, "same", "en", "", "quiz_item")
    assert outputs[:6] == ("",) * 6 and "not a plain name" in outputs[6]
    wrong = compare(services, "fotosintesis", original, original, "same", "en", "", "other_prompt")
    assert "no prompt 'other_prompt'" in wrong[6]
    a_changed = compare(services, "fotosintesis", edited, original, "same", "en", "", "quiz_item")
    assert "Template A is the original" in a_changed[6]
    short = compare(services, "x", original, original, "same", "en", "", "quiz_item")
    assert short[:6] == ("",) * 6 and "text" in short[6] and "\n" not in short[6]
    unknown = original.replace("{topic}", "{question}")
    assert "unknown placeholder {question}" in save_template(services, unknown, "en", None, "quiz_item")
    assert "Library" in save_template(services, edited, "en", None, "quiz_item")
    [saved] = services.library().list(kind="prompt")
    assert saved.info["base"] == "quiz_item" and saved.content["template"] == edited
    assert (PROMPTS_DIR / "quiz_item.md").read_text(encoding="utf-8") == original
