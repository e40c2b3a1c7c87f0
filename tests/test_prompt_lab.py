"""Prompt Lab: the exact prompt, passages, raw output and checks; two templates compared; edits saved per participant."""

from __future__ import annotations

from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from conftest import BagOfWordsEmbeddings
from toolkit.ask import AskRequest
from toolkit.prompt_lab import run_template
from toolkit.prompts import PROMPTS_DIR, load_prompt
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.prompt_lab_tab import compare, save_template


def lab_services(settings: Settings, small_corpus: Path, responses: list[str]) -> Services:
    services = Services(
        settings, llm=FakeListChatModel(responses=responses), embeddings=BagOfWordsEmbeddings()
    )
    services.index([small_corpus])
    return services


def test_run_shows_prompt_passages_output_and_checks(settings: Settings, small_corpus: Path) -> None:
    services = lab_services(
        settings, small_corpus, ["Kondensasi adalah pengembunan uap air menjadi awan [1]."]
    )
    original = (PROMPTS_DIR / "ask_curriculum.md").read_text(encoding="utf-8")
    run = run_template(
        original,
        AskRequest(question="Apa itu kondensasi?", k=2),
        llm=services.llm(),
        retriever=services.retriever(),
    )
    assert "Apa itu kondensasi?" in run.prompt_text and "[system]" in run.prompt_text
    assert "siklus-air.md" in run.prompt_text  # the passages with their citations are in the prompt
    assert run.checks == {
        "not_empty": True,
        "language_matches": True,
        "cites_a_passage": True,
        "mostly_words_from_passages": True,
    }


def test_two_templates_side_by_side_and_a_broken_edit_is_explained(
    settings: Settings, small_corpus: Path
) -> None:
    services = lab_services(settings, small_corpus, ["Jawaban A tentang awan.", "Answer B."])
    original = (PROMPTS_DIR / "ask_curriculum.md").read_text(encoding="utf-8")
    edited = original.replace("Jawab hanya berdasarkan", "Jawab dengan satu kalimat, hanya berdasarkan")
    prompt_a, output_a, _, prompt_b, output_b, _, status = compare(
        services, "Apa itu kondensasi?", original, edited, "same", "id"
    )
    assert status == ""
    assert "satu kalimat" in prompt_b and "satu kalimat" not in prompt_a
    assert output_a.startswith("Jawaban A") and output_b.startswith("Answer B")
    *_, problem = compare(services, "Apa itu kondensasi?", original, "no parts here", "same", "en")
    assert "[user]" in problem


def test_edited_template_is_saved_to_the_library_not_to_prompts(
    settings: Settings, small_corpus: Path
) -> None:
    services = lab_services(settings, small_corpus, [])
    before = (PROMPTS_DIR / "ask_curriculum.md").read_text(encoding="utf-8")
    edited = before.replace("Jawaban", "Jawab")
    assert "Pustaka" in save_template(services, edited, "id")
    [saved] = services.library().list(kind="prompt")
    assert saved.content["template"] == edited
    assert (PROMPTS_DIR / "ask_curriculum.md").read_text(encoding="utf-8") == before
    assert load_prompt("ask_curriculum").version == "1"
