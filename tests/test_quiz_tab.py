"""The quiz tab driven through gradio_client: make, edit, regenerate, export; saved to the library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from quiz_fakes import PHOTOSYNTHESIS

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.ui.app import build_app, tool_tabs
from toolkit.ui.quiz_tab import make_quiz

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services(settings, embeddings=BagOfWordsEmbeddings())


@pytest.fixture
def client(services: Services) -> Iterator[Client]:
    demo = build_app(services)
    port = free_port()
    demo.queue().launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


def _form(source_text: str = PHOTOSYNTHESIS, source_file: object = None) -> list[object]:
    # topic, objective, subject, fase, kelas, quiz language, text, file, difficulty, bloom, use model,
    # then counts of mc, mr, tf, short, match, order, essay
    return [
        "fotosintesis",
        "",
        "",
        "",
        "",
        "id",
        source_text,
        source_file,
        "mixed",
        [],
        False,
        2,
        0,
        2,
        1,
        1,
        1,
        0,
    ]


def test_tab_is_registered() -> None:
    assert "tab_quiz" in [key for key, _ in tool_tabs()]


def test_make_edit_regenerate_export_through_the_api(client: Client, services: Services) -> None:
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {
        "/make_quiz",
        "/quiz_edit_item",
        "/quiz_delete_item",
        "/quiz_move_up",
        "/quiz_move_down",
        "/quiz_regenerate_item",
        "/quiz_export",
    } <= set(endpoints)
    table, notes_markdown, status = client.predict(*_form(), api_name="/make_quiz")
    rows = table["data"]
    assert len(rows) == 7 and all(row[5] == "✓" for row in rows), rows
    assert "7 soal terverifikasi" in status
    assert "jalur cadangan" in notes_markdown
    saved = services.library().list(kind="quiz")
    assert len(saved) == 1
    table, _, status = client.predict(2, "explanation", "Penjelasan dari guru.", api_name="/quiz_edit_item")
    assert table["data"][1][4] == "teacher"
    assert services.library().get(saved[0].id).content["items"][1]["explanation"] == "Penjelasan dari guru."
    before = table["data"][0][2]
    # a replacement may not repeat another item's evidence or key: the short text has none for item 1
    table, _, status = client.predict(1, "stem", "", api_name="/quiz_regenerate_item")
    assert table["data"][0][2] == before and "the same evidence as item" in status
    before = table["data"][2][2]
    table, _, status = client.predict(3, "stem", "", api_name="/quiz_regenerate_item")
    assert table["data"][2][2] != before and status == "Soal diganti."
    files, messages = client.predict(["gift", "kahoot", "docx"], False, api_name="/quiz_export")
    names = sorted(Path(f).name for f in files)
    assert any(n.endswith(".gift.txt") for n in names) and any(
        n.endswith("kunci-jawaban.docx") for n in names
    )
    assert "Kahoot" in messages  # items Kahoot cannot hold are named


def test_upload_of_a_file_and_bad_input(client: Client) -> None:
    source = REPO / "corpora" / "ipa" / "sistem-pencernaan.md"
    table, _, _ = client.predict(*_form("", handle_file(str(source))), api_name="/make_quiz")
    assert len(table["data"]) == 7
    empty = _form("")
    empty[0] = ""
    table, _, status = client.predict(*empty, api_name="/make_quiz")
    assert table["data"] == [] or table["data"] == [[""] * 8] or not table["data"][0][0]
    assert "topic" in status


def test_make_quiz_reports_unreadable_upload(services: Services, tmp_path: Path) -> None:
    empty = tmp_path / "kosong.pdf"
    empty.write_bytes(b"")
    values = dict(
        zip(
            ["topic", "source_file", "use_model", "count_mc", "language"],
            ["", str(empty), False, 2, "id"],
            strict=True,
        )
    )
    state, material_id, status = make_quiz(services, values, "id")
    assert state is None and material_id == "" and "is empty" in status
