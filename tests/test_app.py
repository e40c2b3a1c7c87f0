"""The app shell driven through gradio_client: search, ask (streamed), errors and language switch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app


@pytest.fixture
def services(settings: Settings, small_corpus: Path) -> Services:
    container = Services(
        settings,
        llm=FakeListChatModel(responses=["Kondensasi adalah pengembunan uap air [1]."]),
        embeddings=BagOfWordsEmbeddings(),
    )
    container.index([small_corpus])
    return container


@pytest.fixture
def client(services: Services) -> Iterator[Client]:
    demo = build_app(services)
    port = free_port()
    demo.queue().launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


def test_every_event_has_an_api_name(client: Client) -> None:
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/search_curriculum", "/ask_curriculum", "/set_language"} <= set(endpoints)
    lab = {"/prompt_lab_choose", "/prompt_lab_show", "/prompt_lab_compare", "/prompt_lab_save"}
    assert lab <= set(endpoints)


def test_search_shows_passages_with_citations(client: Client) -> None:
    passages, status = client.predict(
        "kondensasi awan", "ipa", "D", "", 3, "id", api_name="/search_curriculum"
    )
    assert "siklus-air.md" in passages and "§ Kondensasi" in passages
    assert "kutipan ditemukan" in status


def test_search_with_no_match_says_so(client: Client) -> None:
    passages, _status = client.predict(
        "fotosintesis", "matematika", "A", "", 3, "en", api_name="/search_curriculum"
    )
    assert "No matching passages" in passages


def test_ask_streams_an_answer_with_sources(client: Client) -> None:
    answer, passages, status = client.predict(
        "Apa itu kondensasi?", "", "", "", "id", api_name="/ask_curriculum"
    )
    assert answer == "Kondensasi adalah pengembunan uap air [1]."
    assert "siklus-air.md" in passages
    assert status.startswith("Selesai.")


def test_provider_down_is_a_readable_status(settings: Settings, small_corpus: Path) -> None:
    down = settings.model_copy(
        update={
            "provider": "openai-compatible",
            "base_url": f"http://127.0.0.1:{free_port()}/v1",
            "model": "x",
        }
    )
    container = Services(down, embeddings=BagOfWordsEmbeddings())
    container.index([small_corpus])
    from toolkit.ui.curriculum_tab import ask_curriculum

    *_, (answer, _passages, status) = list(ask_curriculum(container, "Apa itu kondensasi?", "", "", "", "en"))
    assert "Cannot reach the model server" in status
    assert "siklus-air.md" not in answer


def test_language_switch_relabels(client: Client) -> None:
    result = client.predict("en", api_name="/set_language")
    labels = [r.get("label") or r.get("value") for r in result if isinstance(r, dict)]
    assert "Interface language" in labels
    assert "Search or ask about the curriculum" in labels


def test_library_endpoints_through_the_api(services: Services, client: Client) -> None:
    saved = services.library().save("quiz", "Kuis kondensasi", {"items": []}, subject="ipa")
    picker, status = client.predict("quiz", "", "", "id", api_name="/library_list")
    assert picker["value"] == saved.id and status == "1 materi."
    content, _ = client.predict(saved.id, "en", api_name="/library_open")
    assert '"Kuis kondensasi"' in content
    path, status = client.predict("id", api_name="/library_export_all")
    assert Path(path).read_text(encoding="utf-8").count('"Kuis kondensasi"') == 1
    result = client.predict(saved.id, "", "en", api_name="/library_delete")
    assert "Deleted: Kuis kondensasi" in str(result)
    assert services.library().list() == []
