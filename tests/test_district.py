"""A district deployment on real engines: two ``kelas serve`` processes, one PostgreSQL, one Chroma
server and one OpenAI-compatible model server, all on loopback, serving the same teachers.

A login works on either process, work saved through one appears through the other (and stays
private to its owner), and answers stream from the model server through the app.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from servers import Postgres, chroma_server, kelas_servers

from conftest import MODEL_ALIAS
from toolkit.accounts import Credential
from toolkit.services import Services
from toolkit.settings import Settings

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@dataclass
class District:
    urls: list[str]
    ani: Credential
    budi: Credential
    services: Services
    """The administrator's view of the same database and index (as ``kelas`` commands would have)."""

    def client(self, number: int, teacher: Credential) -> Client:
        return Client(self.urls[number], auth=(teacher.username, teacher.password), verbose=False)


@pytest.fixture(scope="module")
def district(
    postgres: Postgres, model_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[District]:
    root = tmp_path_factory.mktemp("district")
    database = postgres.create_database(f"district_{uuid.uuid4().hex[:12]}")
    with chroma_server(root / "chroma") as chroma_url:
        # what the administrator does once: index the curriculum, create the teachers' accounts
        admin = Services(
            Settings(  # type: ignore[call-arg]
                _env_file=None, data_dir=root / "admin", database_url=database, chroma_url=chroma_url
            )
        )
        report = admin.index([REPO / "corpora" / "ipa" / "fotosintesis.md"])
        assert report.by_status("added") and not report.by_status("rejected")
        ani, budi = admin.accounts().create(["Ani Guru", "Budi Guru"])
        shared = {
            "KELAS_WORKSHOP": "true",
            "KELAS_DATABASE_URL": database,
            "KELAS_CHROMA_URL": chroma_url,
            "KELAS_PROVIDER": "openai-compatible",
            "KELAS_BASE_URL": model_server_url,
            "KELAS_MODEL": MODEL_ALIAS,
            "KELAS_STRUCTURED_OUTPUT": "function_calling",
            "KELAS_MAX_TOKENS": "48",
            "KELAS_REQUEST_TIMEOUT": "300",
        }
        names = ["app-a", "app-b"]
        envs = [{**shared, "KELAS_DATA_DIR": str(root / name)} for name in names]
        with kelas_servers(envs, cwd=root, logs=[root / f"{name}.log" for name in names]) as urls:
            yield District(urls=urls, ani=ani, budi=budi, services=admin)


def test_a_login_works_on_either_process(district: District) -> None:
    for url in district.urls:
        with httpx.Client(base_url=url, timeout=60) as http:
            assert http.get("/config").status_code == 401
            wrong = http.post("/login", data={"username": district.ani.username, "password": "salah"})
            assert wrong.status_code != 200 and http.get("/config").status_code == 401
            login = http.post(
                "/login", data={"username": district.ani.username, "password": district.ani.password}
            )
            assert login.status_code == 200 and http.get("/config").status_code == 200


def picker_ids(picker: dict[str, Any]) -> set[str]:
    return {str(choice[1]) for choice in picker["choices"]}


def test_work_saved_through_one_process_appears_through_the_other(district: District) -> None:
    on_a = district.client(0, district.ani)
    quiz_form = ["fotosintesis", "", "ipa", "D", "7", "id", PASSAGE, None, "mixed", [], False]
    counts = [0, 0, 1, 0, 0, 0, 0]  # one true/false item, built offline from the passage
    _table, _notes, status = on_a.predict(*quiz_form, *counts, "id", api_name="/make_quiz")
    editor, status = on_a.predict(
        "Menjelaskan hasil fotosintesis",
        "",
        "",
        4,
        "id",
        "ipa",
        "7",
        "fotosintesis",
        api_name="/generate_rubric",
    )
    rubric = editor["value"]
    assert rubric["data"], status
    work = "Hasil fotosintesis adalah glukosa dan oksigen."
    report, status = on_a.predict(rubric, PASSAGE, work, None, "standard", "id", api_name="/give_feedback")
    assert "/100" in report, status
    saved = {m.kind: m for m in district.services.library().list(owner=district.ani.username)}
    assert {"quiz", "feedback"} <= set(saved), saved.keys()
    wanted = {saved["quiz"].id, saved["feedback"].id}

    on_b = district.client(1, district.ani)
    picker, _ = on_b.predict("", "", "", "id", api_name="/library_list")
    assert wanted <= picker_ids(picker)
    content, _ = on_b.predict(saved["quiz"].id, "en", api_name="/library_open")
    assert "fotosintesis" in content

    budi_on_b = district.client(1, district.budi)
    picker, _ = budi_on_b.predict("", "", "", "id", api_name="/library_list")
    assert not wanted & picker_ids(picker)
    try:
        content, _ = budi_on_b.predict(saved["quiz"].id, "en", api_name="/library_open")
    except AppError:  # Gradio itself refuses an id that is not among Budi's choices
        content = ""
    assert "fotosintesis" not in content


def test_answers_stream_from_the_model_server_through_either_process(district: District) -> None:
    for number in (0, 1):
        job = district.client(number, district.budi).submit(
            "Apa hasil fotosintesis?", "ipa", "", "", "id", api_name="/ask_curriculum"
        )
        answer, passages, status = job.result(timeout=600)
        texts = [str(output[0]) for output in job.outputs()]
        assert str(answer).strip() and "fotosintesis" in str(passages).lower(), status
        assert len({text for text in texts if text.strip()}) >= 2  # it arrived in pieces


PASSAGE = (
    "Fotosintesis adalah proses tumbuhan hijau membuat glukosa dari karbon dioksida dan air dengan "
    "bantuan cahaya matahari. Klorofil menyerap cahaya. Hasil fotosintesis adalah glukosa dan oksigen "
    "yang dilepaskan melalui stomata."
)
