"""Export a saved material again, in every format its tool offers, read back with real parsers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import pytest
from gradio_client import Client
from lesson_helpers import build_retriever, fake
from openpyxl import load_workbook
from quiz_fakes import PHOTOSYNTHESIS

from conftest import BagOfWordsEmbeddings, free_port
from toolkit.errors import ToolkitError
from toolkit.feedback.models import FeedbackRequest, WorkItem
from toolkit.feedback.rubric import RubricRequest, generate_rubric
from toolkit.feedback.service import run_feedback
from toolkit.lessons.generate import generate_plan
from toolkit.lessons.models import build_request
from toolkit.library import Material
from toolkit.material_export import export_material, formats_for
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import QuizRequest
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.tools import FEEDBACK, LESSON_PLAN, QUIZ, RUBRIC, TOOLS, tool_for
from toolkit.ui.app import build_app

REFERENCE = "Tumbuhan memakai cahaya matahari, air dan karbon dioksida untuk membuat glukosa dan oksigen."


def read_back(path: Path) -> int:
    """Open the file with the parser for its type; a rough size of what it holds."""
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        return len(document.paragraphs) + len(document.tables)
    if path.suffix == ".xlsx":
        return int(load_workbook(path).worksheets[0].max_row)
    if path.suffix == ".csv":
        return len(list(csv.reader(path.open(encoding="utf-8-sig"))))
    if path.suffix == ".json":
        return len(json.loads(path.read_text(encoding="utf-8")))
    return len(path.read_bytes())


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services(settings, embeddings=BagOfWordsEmbeddings())


@pytest.fixture
def saved(services: Services, settings: Settings) -> dict[str, Material]:
    library = services.library()
    quiz_request = QuizRequest(topic="fotosintesis", source_text=PHOTOSYNTHESIS, use_model=False)
    quiz = generate_quiz(quiz_request, llm=None, retriever=None)
    plan_request = build_request(format="rpp", subject="ipa", fase="D", kelas=7, topic="fotosintesis")
    plan = generate_plan(plan_request, llm=fake(), retriever=build_retriever(settings))
    rubric_request = RubricRequest(goal="Menjelaskan fotosintesis", reference=REFERENCE)
    rubric = generate_rubric(rubric_request)
    works = [WorkItem(student_id="ani", text="Tumbuhan membuat glukosa dari air dan karbon dioksida.")]
    run = run_feedback(
        FeedbackRequest(rubric=rubric, works=works, reference=REFERENCE),
        embeddings=services.embeddings(),
        settings=settings,
    )
    run.results[0].approved = True
    return {
        "quiz": QUIZ.save(library, quiz, request=quiz_request),
        "lesson-plan": LESSON_PLAN.save(library, plan),
        "rubric": RUBRIC.save(library, rubric, request=rubric_request),
        "feedback": FEEDBACK.save(library, run),
    }


def test_every_tool_is_registered_once_and_reads_its_records_back(saved: dict[str, Material]) -> None:
    assert [tool.kind for tool in TOOLS] == ["lesson-plan", "quiz", "rubric", "feedback"]
    for kind, material in saved.items():
        tool = tool_for(kind)
        assert material.kind == kind
        result = tool.load(material)
        assert isinstance(result, tool.result_model)
        again = tool.record(result, None)["content"]
        # a record survives the round trip (a reopened plan also carries its Library id)
        assert {**again, "material_id": None} == {**material.content, "material_id": None}
    assert tool_for("lesson-plan").load(saved["lesson-plan"]).material_id == saved["lesson-plan"].id
    assert saved["quiz"].inputs["topic"] == "fotosintesis"  # the request is kept as the inputs
    assert saved["feedback"].inputs["strictness"] == "standard"
    with pytest.raises(ToolkitError, match="not a quiz"):
        QUIZ.load(saved["rubric"])
    with pytest.raises(ToolkitError, match="submission"):
        tool_for("submission")


@pytest.mark.parametrize("kind", ["quiz", "lesson-plan", "rubric", "feedback"])
def test_every_offered_format_is_written_and_reads_back(
    saved: dict[str, Material], tmp_path: Path, kind: str
) -> None:
    material = saved[kind]
    formats = formats_for(kind)
    assert "json" in formats and len(formats) >= 3
    for fmt in formats:
        paths = export_material(material, fmt, tmp_path / fmt)
        assert paths and all(read_back(path) > 0 for path in paths), fmt
    if kind == "quiz":
        assert {"gift", "qti", "kahoot", "wayground", "docx"} <= set(formats)


def test_a_wrong_format_and_an_unapproved_report_are_explained(
    saved: dict[str, Material], tmp_path: Path
) -> None:
    with pytest.raises(ToolkitError, match="cannot be exported as 'gift'"):
        export_material(saved["rubric"], "gift", tmp_path)
    feedback = saved["feedback"]
    content = {**feedback.content, "results": [{**r, "approved": False} for r in feedback.content["results"]]}
    draft = feedback.model_copy(update={"content": content})
    with pytest.raises(ToolkitError, match="approve"):
        export_material(draft, "xlsx", tmp_path)
    assert export_material(draft, "docx", tmp_path)  # draft sheets are still available


def test_library_tab_offers_the_formats_of_the_chosen_material(
    services: Services, saved: dict[str, Material]
) -> None:
    demo = build_app(services)
    port = free_port()
    demo.queue().launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict("", "", "", "id", api_name="/library_list")  # the picker now offers every material
        choices = client.predict(saved["quiz"].id, api_name="/library_formats")
        assert "gift" in str(choices) and "kahoot" in str(choices)
        files, status = client.predict(saved["quiz"].id, "qti", "id", api_name="/library_export")
        assert files and "Siap diunduh (1 berkas)" in status
        client.predict(saved["rubric"].id, api_name="/library_formats")
        files, status = client.predict(saved["rubric"].id, "csv", "en", api_name="/library_export")
        assert len(files) == 1 and "Ready to download (1 files)" in status
    finally:
        demo.close()
