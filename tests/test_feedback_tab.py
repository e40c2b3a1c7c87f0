"""The "Umpan Balik / Feedback" tab: events with api names, rubric editor table, single feedback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gradio_client import Client

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.feedback.rubric import RubricRequest, generate_rubric
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app
from toolkit.ui.feedback_tab import rubric_from_table, rubric_table

EVENTS = {
    "/generate_rubric",
    "/import_rubric",
    "/export_rubric",
    "/give_feedback",
    "/override_feedback",
    "/approve_feedback",
}


@pytest.fixture
def client(settings: Settings) -> Iterator[Client]:
    demo = build_app(Services(settings, embeddings=BagOfWordsEmbeddings()))
    port = free_port()
    demo.queue().launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


def test_editor_table_round_trip() -> None:
    rubric = generate_rubric(
        RubricRequest(goal="Menjelaskan siklus air", reference="uap naik; mengembun; hujan")
    )
    headers, rows = rubric_table(rubric)
    back = rubric_from_table([headers, *rows])
    assert [c.descriptors for c in back.criteria] == [c.descriptors for c in rubric.criteria]
    assert [c.key_points for c in back.criteria] == [c.key_points for c in rubric.criteria]


def test_feedback_events_have_api_names_and_run(client: Client) -> None:
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert set(EVENTS) <= set(endpoints)
    update, _sources = client.predict(
        "Menjelaskan siklus air",
        "Uap air naik, mengembun menjadi awan, lalu turun hujan.",
        "",
        0,
        "id",
        api_name="/generate_rubric",
    )
    table = update.get("value", update)
    assert table["headers"][0] == "Kriteria" and len(table["data"]) >= 3
    markdown, status = client.predict(
        table,
        "Uap air naik, mengembun menjadi awan, lalu turun hujan.",
        "Air menguap lalu mengembun menjadi awan dan turun hujan.",
        None,
        "standard",
        "id",
        api_name="/give_feedback",
    )
    assert "siswa-1" in markdown and "Selesai" in status
