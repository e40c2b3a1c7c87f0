"""The lesson tab driven through gradio_client: streamed plan, edit, regenerate, reopen, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from lesson_helpers import REPO, fake

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, tool_tabs
from toolkit.ui.lesson_tab import FORM_FIELDS, generate_lesson


@pytest.fixture
def services(settings: Settings) -> Services:
    container = Services(settings, llm=fake(), embeddings=BagOfWordsEmbeddings())
    container.index([REPO / "corpora" / "cp", REPO / "corpora" / "ipa"])
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


# the last field ("model": no topic bank) keeps these tests on the model path; test_bank_tools covers the bank
FORM = ["rpp", "ipa", "D", "7", "id", "fotosintesis", 2, 40, 1, 30, "tanpa internet", "", "", None, "model"]


def test_tab_is_registered_after_the_curriculum_tab() -> None:
    keys = [key for key, _ in tool_tabs()]
    assert keys[keys.index("tab_curriculum") + 1] == "tab_lesson"


def test_generate_streams_sections_then_edit_regenerate_and_reopen(client: Client) -> None:
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {
        "/generate_lesson",
        "/lesson_edit_section",
        "/lesson_regenerate_section",
        "/lesson_load_section",
        "/lesson_list_saved",
        "/lesson_open_saved",
    } <= set(endpoints)
    job = client.submit(*FORM, "id", api_name="/generate_lesson")
    updates = list(job)
    assert len(updates) >= 6  # grounded, five sections, done
    plan_md, checks_md, sources_md, status, _section, files = updates[
        -1
    ]  # the plan state stays in the session
    assert "Selesai" in status and "Tujuan Pembelajaran" in plan_md and "✅" in checks_md
    assert "cp-ipa-fase-d.md" in sources_md
    assert sorted(Path(f).suffix for f in files) == [".docx", ".json", ".md"]
    assert (
        "Kelas tanpa internet" not in plan_md
    )  # the RPP has no digital section; the context is kept in state
    text = client.predict("asesmen", api_name="/lesson_load_section")
    assert "Diagnostik" in text
    edited = client.predict(
        "asesmen",
        text.replace("Kuis singkat tentang bagian tumbuhan.", "Kuis daun."),
        "id",
        api_name="/lesson_edit_section",
    )
    assert "Kuis daun." in edited[0] and "disunting guru" in edited[0]
    regenerated = client.predict("tujuan_pembelajaran", "", "id", api_name="/lesson_regenerate_section")
    assert "Kuis daun." in regenerated[0]  # the edited section survives a regeneration of another one
    choices, count = client.predict("id", api_name="/lesson_list_saved")
    assert "1 rencana" in count
    reopened = client.predict(choices["value"], "id", api_name="/lesson_open_saved")
    assert "Kuis daun." in reopened[0]


def test_bad_input_gives_a_clear_message(services: Services) -> None:
    form = dict(
        zip(
            FORM_FIELDS,
            FORM,
            strict=True,
        )
    )
    for change, expected in (
        ({"topic": ""}, "Tulis dulu topik"),
        ({"jp": 0}, "lebih dari 0 menit"),
        ({"topic": "sepak bola"}, "tidak cocok"),
        ({"fase": "A", "kelas": ""}, "Fase A"),
    ):
        outputs = list(generate_lesson(services, {**form, **change}, "id"))
        assert expected in outputs[-1][4], change
        assert outputs[-1][0] is None
