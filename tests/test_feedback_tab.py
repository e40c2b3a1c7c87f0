"""The "Umpan Balik / Feedback" tab: events with api names, rubric editor table, single feedback."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

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
    "/grade_table",
    "/suggest_grades",
}
REFERENCE = (
    "Air laut menguap karena panas matahari, uap air mengembun menjadi awan, lalu turun sebagai hujan."
)


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


def test_grade_a_few_in_the_tab(client: Client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/grade_table", "/suggest_grades"} <= set(endpoints)
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan siklus air", reference=REFERENCE))
    headers, rows = rubric_table(rubric)
    table = {"headers": headers, "data": rows}
    answers = [
        "Air laut menguap karena panas matahari, mengembun menjadi awan, lalu turun hujan.",
        "Air menguap lalu jadi awan.",
        "Air membeku menjadi es.",
    ] * 4
    work = tmp_path / "kelas.csv"
    with work.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "jawaban"])
        writer.writerows([[f"s{i}", text] for i, text in enumerate(answers)])
    update, status = client.predict(
        table, REFERENCE, handle_file(str(work)), 3, "standard", "id", api_name="/grade_table"
    )
    grades = update.get("value", update)
    assert grades["headers"][-1] == "Nilai guru" and len(grades["data"]) == len(answers)
    assert [row[4] for row in grades["data"][:3]] == ["nilai dulu"] * 3 and "Nilai dulu 3" in status
    first = [row[0] for row in grades["data"][:3]]
    for row in grades["data"]:
        if row[0] in first:
            row[5] = "Mahir" if answers[int(row[0][1:])].startswith("Air laut") else "1"
    update, status = client.predict(
        table, REFERENCE, handle_file(str(work)), grades, 3, "standard", "id", api_name="/suggest_grades"
    )
    after = update.get("value", update)
    assert "3 dinilai guru, 9 disarankan" in status
    by_id = {row[0]: row for row in after["data"]}
    assert [by_id[sid][4] for sid in first] == ["dinilai guru"] * 3
    assert [row[4] for row in after["data"][-3:]] == ["dinilai guru"] * 3  # graded ones last
    empty = {"headers": after["headers"], "data": []}
    _update, status = client.predict(
        table, REFERENCE, None, empty, 3, "standard", "id", api_name="/suggest_grades"
    )
    assert "satu kelas" in status  # one sentence, no traceback
    wrong = {"headers": after["headers"], "data": [[*after["data"][0][:5], "A+"]]}
    _update, status = client.predict(
        table, REFERENCE, handle_file(str(work)), wrong, 3, "standard", "id", api_name="/suggest_grades"
    )
    assert "not a level of the rubric" in status
