"""What one participant (or a bad file) could do to the others on a shared server, each refused.

Each test reproduces an attack from the workshop-mode probe: a template that pads a request to
gigabytes, formulas in exported sheets, personal data sent to a remote provider, another
participant's plans crowding out one's own, a half-imported library, an overwritten feedback
sheet, a submission naming someone else's material.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, SecretStr
from quiz_fakes import PHOTOSYNTHESIS
from sqlalchemy import event

from conftest import BagOfWordsEmbeddings
from toolkit.errors import ToolkitError
from toolkit.feedback.core import WorkItem
from toolkit.feedback.essay_feedback import essay_rubric
from toolkit.feedback.models import FeedbackRequest, FeedbackRun
from toolkit.feedback.reports import write_class_csv, write_class_xlsx
from toolkit.feedback.rubric import RubricRequest, generate_rubric
from toolkit.feedback.rubric_io import load_rubric, rubric_to_csv
from toolkit.feedback.service import run_feedback
from toolkit.library import Library
from toolkit.llm.guard import GuardedChatOpenAI, GuardedEmbeddings
from toolkit.material_export import export_material
from toolkit.prompts import PROMPTS_DIR, parse_prompt
from toolkit.quiz.export import export_quiz
from toolkit.quiz.generate import generate_quiz
from toolkit.quiz.models import Quiz, QuizRequest
from toolkit.services import Services
from toolkit.settings import Settings
from toolkit.text import FORMULA_START, safe_cell, unique_slugs
from toolkit.tools import FEEDBACK
from toolkit.tools import LESSON_PLAN_KIND as PLAN_KIND
from toolkit.ui.prompt_lab_tab import compare, original_template
from toolkit.ui.workshop_tab import submit_exercise
from toolkit.workshop import available_packs, load_pack


def _feedback(services: Services, rubric: Any, works: list[WorkItem]) -> FeedbackRun:
    """The feedback tool run as the tab runs it (request in, result out)."""
    return run_feedback(
        FeedbackRequest(rubric=rubric, works=works),
        embeddings=services.embeddings(),
        settings=services.settings,
    )


FORMULAS = ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
PRIVATE = ("Budi Santoso", "budi@sekolah.id", "081234567890", "0012345678")
ESSAY = (
    "My name is Budi Santoso and I think homework is useful. My email is budi@sekolah.id and my "
    "phone is 081234567890, NISN 0012345678. However, too much homework leaves no time for sport. "
    "For example, my cousin studies until midnight. Therefore teachers should give shorter tasks."
)


class FakeRequest:
    def __init__(self, username: str) -> None:
        self.username = username


class RecordingEmbeddings(Embeddings):
    """Vectors that remember every text they were given (a stand-in remote provider)."""

    def __init__(self, inner: Embeddings | None = None) -> None:
        self.inner = inner or BagOfWordsEmbeddings()
        self.seen: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.seen.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.seen.append(text)
        return self.inner.embed_query(text)


# --------------------------------------------------------------------------- row 2: templates


@pytest.mark.parametrize(
    "placeholder", ["{question:>100000000}", "{question!r}", "{question.__class__}", "{passages[0]}", "{ }"]
)
def test_a_template_allows_only_bare_placeholders(placeholder: str) -> None:
    original = (PROMPTS_DIR / "ask_curriculum.md").read_text(encoding="utf-8")
    edited = original.replace("{question}", placeholder, 1)
    with pytest.raises(ToolkitError, match="not a plain name"):
        parse_prompt(edited)
    with pytest.raises(ToolkitError, match="brace"):
        parse_prompt(original.replace("{question}", "{question", 1))


def lab_services(settings: Settings) -> Services:
    llm = FakeListChatModel(responses=["Fotosintesis menghasilkan glukosa [1]."] * 4)
    return Services(settings, llm=llm, embeddings=BagOfWordsEmbeddings())


def test_the_padding_template_of_the_probe_is_refused_in_the_lab(settings: Settings) -> None:
    services = lab_services(settings)
    original = original_template()
    padded = original.replace("{question}", "{question:>100000000}", 1)
    *outputs, status = compare(services, "Apa itu fotosintesis?", original, padded, "same", "en")
    assert outputs == [""] * 6 and "not a plain name" in status  # before: 0.9 GB for one request
    too_long = original.replace("{question}", "{question}" * 5000, 1)
    *_, status = compare(services, "Apa itu fotosintesis?", original, too_long, "same", "en")
    assert "at most 20,000" in status
    repeated = parse_prompt(original.replace("{question}", "{question}" * 1500, 1))
    with pytest.raises(ToolkitError, match="characters when filled in"):
        repeated.render({name: "x" * 500 for name in repeated.variables})  # 1,500 x 500: not megabytes


def test_the_api_refuses_a_changed_read_only_template_a(settings: Settings) -> None:
    services = lab_services(settings)
    original = original_template()
    changed = original.replace("Jawab hanya berdasarkan", "Abaikan sumber dan jawab")
    *outputs, status = compare(services, "Apa itu fotosintesis?", changed, original, "same", "en")
    assert outputs == [""] * 6 and "Template A is the original" in status


def test_nested_front_matter_is_not_expanded() -> None:
    bomb = "---\nname: &a [[x, x, x], [x, x, x]]\nstop: [*a, *a, END]\n---\n[user]\n{question}\n"
    template = parse_prompt(bomb)
    assert template.name == "prompt" and template.stop == ["END"]


# --------------------------------------------------------------------------- row 3: formulas


@pytest.fixture(scope="module")
def formula_quiz() -> Quiz:
    request = QuizRequest(
        topic="fotosintesis", source_text=PHOTOSYNTHESIS, counts={"mc": 2, "tf": 1}, use_model=False
    )
    quiz = generate_quiz(request, llm=None, retriever=None)
    items = []
    for number, item in enumerate(quiz.items):
        stem = FORMULAS[number % len(FORMULAS)]
        options = [FORMULAS[(number + 1) % len(FORMULAS)], *item.options[1:]] if item.options else []
        objective = FORMULAS[(number + 2) % len(FORMULAS)]
        items.append(item.model_copy(update={"stem": stem, "options": options, "objective": objective}))
    return quiz.model_copy(update={"items": items})


def cells_of(data: bytes, suffix: str) -> list[str]:
    if suffix == "csv":
        return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    ]


@pytest.mark.parametrize("fmt", ["kahoot", "wayground", "csv", "kisi-kisi-xlsx"])
def test_quiz_exports_never_hold_a_live_formula(formula_quiz: Quiz, fmt: str) -> None:
    result = export_quiz(formula_quiz, fmt)
    assert result.exported == len(formula_quiz.items), result.messages
    cells = cells_of(result.data, result.filename.rsplit(".", 1)[-1])
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    assert any(cell.startswith(tuple("'" + text for text in FORMULAS)) for cell in cells)


def test_class_report_and_rubric_csv_never_hold_a_live_formula(tmp_path: Path) -> None:
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan fotosintesis"))
    rubric = rubric.model_copy(
        update={"criteria": [rubric.criteria[0].model_copy(update={"name": "=1+1"}), *rubric.criteria[1:]]}
    )
    works = [WorkItem(student_id=student, text="Tumbuhan membuat glukosa.") for student in FORMULAS]
    services = Services(Settings(_env_file=None, data_dir=tmp_path / "d"), embeddings=BagOfWordsEmbeddings())  # type: ignore[call-arg]
    run = _feedback(services, rubric, works)
    for result in run.results:
        result.approved = True
    csv_cells = cells_of(write_class_csv(run.results, rubric, tmp_path / "k.csv").read_bytes(), "csv")
    xlsx_cells = cells_of(write_class_xlsx(run.results, rubric, tmp_path / "k.xlsx").read_bytes(), "xlsx")
    for cells in (csv_cells, xlsx_cells):
        assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
        assert '\'=HYPERLINK("http://x","klik")' in cells and "'=1+1 (level)" in cells
    workbook = openpyxl.load_workbook(tmp_path / "k.xlsx")
    assert not [c for s in workbook.worksheets for r in s.iter_rows() for c in r if c.data_type == "f"]
    rubric_cells = cells_of(rubric_to_csv(rubric, tmp_path / "r.csv").read_bytes(), "csv")
    assert "'=1+1" in rubric_cells
    assert load_rubric(tmp_path / "r.csv").criteria[0].name == "=1+1"  # the import takes the quote off


def test_safe_cell_leaves_numbers_and_plain_text() -> None:
    assert (
        safe_cell(-3) == -3
        and safe_cell(2.5) == 2.5
        and safe_cell("Ani") == "Ani"
        and safe_cell(None) is None
    )
    assert [safe_cell(text) for text in FORMULAS] == ["'" + text for text in FORMULAS]


# --------------------------------------------------------------------------- row 4: masking


def test_the_english_essay_path_masks_before_the_embeddings(settings: Settings) -> None:
    from toolkit.embeddings import E5Embeddings

    provider = RecordingEmbeddings(E5Embeddings())  # the essay model was fitted on e5 vectors
    services = Services(settings, embeddings=provider)
    run = _feedback(services, essay_rubric(), [WorkItem(student_id="s1", text=ESSAY, name="Budi Santoso")])
    sent = "\n".join(provider.seen)
    assert sent and not [value for value in (*PRIVATE, "Budi", "Santoso") if value in sent]
    quotes = [quote for item in run.results[0].criteria for quote in item.evidence]
    assert quotes and all(quote.lower() in ESSAY.lower() for quote in quotes)  # evidence shows the original
    assert any("Budi Santoso" in quote or "budi@sekolah.id" in quote for quote in quotes)


def test_remote_embeddings_only_ever_see_masked_text(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    from toolkit.embeddings import build_embeddings

    remote = build_embeddings(
        settings.model_copy(update={"embeddings": "openai", "api_key": SecretStr("sk-test")})
    )
    assert isinstance(remote, GuardedEmbeddings)
    provider = RecordingEmbeddings()
    guarded = GuardedEmbeddings(provider)
    guarded.embed_documents([ESSAY])
    guarded.embed_query("Nama: Budi Santoso, telepon 081234567890")
    assert not [value for value in PRIVATE if value in "\n".join(provider.seen)]
    assert "[EMAIL]" in provider.seen[0] and "[NAMA]" in provider.seen[0]


class Answer(BaseModel):
    student: str
    contact: str


def fake_openai(seen: list[dict[str, Any]]) -> httpx.Client:
    """An OpenAI-compatible server in this process that answers with the text it was sent."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        prompt = body["messages"][-1]["content"]
        if body.get("response_format"):
            content = json.dumps({"student": prompt.split()[0], "contact": prompt.split()[-1]})
        else:
            content = f"Jawaban untuk {prompt}"
        if body.get("stream"):
            pieces = [content[i : i + 3] for i in range(0, len(content), 3)]
            lines = [
                "data: "
                + json.dumps(
                    {
                        "id": "c",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "m",
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                )
                for piece in pieces
            ]
            stream = "\n\n".join([*lines, "data: [DONE]"]) + "\n\n"
            return httpx.Response(200, text=stream, headers={"content-type": "text/event-stream"})
        return httpx.Response(
            200,
            json={
                "id": "c",
                "object": "chat.completion",
                "created": 0,
                "model": "m",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_a_remote_chat_model_never_sees_personal_data_and_the_answer_gets_it_back(settings: Settings) -> None:
    from toolkit.llm.factory import build_chat_model

    remote = build_chat_model(
        settings.model_copy(
            update={"provider": "openai-compatible", "base_url": "http://model.test/v1", "model": "m"}
        )
    )
    assert isinstance(remote, GuardedChatOpenAI)
    seen: list[dict[str, Any]] = []
    llm = GuardedChatOpenAI(
        model="m", api_key="x", base_url="http://model.test/v1", http_client=fake_openai(seen)
    )  # type: ignore[arg-type]
    messages = [
        SystemMessage(content="Nama: Budi Santoso"),
        HumanMessage(content="budi@sekolah.id 081234567890"),
    ]
    whole = str(llm.invoke(messages).content)
    streamed = "".join(str(chunk.content) for chunk in llm.stream(messages))
    structured = llm.with_structured_output(Answer, method="json_schema").invoke(
        [HumanMessage(content="Budi budi@sekolah.id")]
    )
    sent = json.dumps(seen)
    assert len(seen) == 3 and not [value for value in PRIVATE if value in sent]
    assert "[EMAIL_1]" in sent and "[TELEPON_1]" in sent
    assert whole == streamed == "Jawaban untuk budi@sekolah.id 081234567890"
    assert isinstance(structured, Answer) and structured.contact == "budi@sekolah.id"


# --------------------------------------------------------------------------- row 7: saved plans


def test_a_participants_saved_plans_are_not_crowded_out_by_another(settings: Settings) -> None:
    from toolkit.services import Services
    from toolkit.ui.lesson_tab import saved_plan_choices

    services = Services(settings)
    library = services.library()
    mine = library.save(PLAN_KIND, "Rencana Ani", {}, owner="ani")
    for number in range(60):
        library.save(PLAN_KIND, f"Rencana Budi {number}", {}, owner="budi")
    choices, _ = saved_plan_choices(services, "ani", "id")
    assert [value for _, value in choices["choices"]] == [mine.id]  # before: empty
    choices, _ = saved_plan_choices(services, "budi", "id")
    assert len(choices["choices"]) == 50


# --------------------------------------------------------------------------- row 9: library import


def exported(count: int, owner: str, settings: Settings) -> tuple[Library, bytes]:
    source = Library(f"sqlite:///{settings.data_dir.parent / 'source.db'}")
    for number in range(count):
        source.save("quiz", f"Kuis {number}", {"n": number}, owner=owner)
    return source, source.export_all(owner=owner)


def test_an_import_is_all_or_nothing_and_idempotent(settings: Settings) -> None:
    _, data = exported(300, "ani", settings)
    library = Library.from_settings(settings)
    inserts = {"n": 0}

    def crash_midway(*_: object) -> None:
        inserts["n"] += 1
        if inserts["n"] == 47:
            raise RuntimeError("the server was killed")

    event.listen(library.engine, "before_cursor_execute", crash_midway)
    with pytest.raises(RuntimeError):
        library.import_all(data, owner="citra")
    event.remove(library.engine, "before_cursor_execute", crash_midway)
    assert library.list(owner="citra") == []  # before: 46 of 300 kept
    assert library.import_file(data, owner="citra") == (300, 0)
    assert library.import_file(data, owner="citra") == (0, 300)  # the same ids again: no duplicates
    assert len(library.list(owner="citra", limit=1000)) == 300


def test_a_bad_record_in_the_middle_imports_nothing_and_says_which(settings: Settings) -> None:
    _, data = exported(5, "ani", settings)
    payload = json.loads(data)
    payload["materials"][3]["created_at"] = "kemarin"
    library = Library.from_settings(settings)
    with pytest.raises(ToolkitError) as caught:
        library.import_all(json.dumps(payload).encode(), owner="citra")
    message = str(caught.value)
    assert message.startswith("Material 4 of the file cannot be read") and "Nothing was imported" in message
    assert "pydantic" not in message and "\n" not in message
    assert library.list(owner="citra") == []


def test_an_import_never_overwrites_another_accounts_record(settings: Settings) -> None:
    library = Library.from_settings(settings)
    theirs = library.save("quiz", "Kuis Budi", {"n": 1}, owner="budi")
    forged = library.export_all(owner="budi").replace(b"Kuis Budi", b"Dipalsukan")
    assert library.import_file(forged, owner="citra") == (1, 0)
    assert library.import_file(forged, owner="citra") == (0, 1)
    assert library.get(theirs.id).title == "Kuis Budi" and library.get(theirs.id).owner == "budi"
    [copy] = library.list(owner="citra")
    assert copy.title == "Dipalsukan" and copy.id != theirs.id


# --------------------------------------------------------------------------- row 10: feedback sheets


def test_feedback_export_keeps_a_sheet_for_budi_and_for_budi(settings: Settings, tmp_path: Path) -> None:
    services = Services(settings, embeddings=BagOfWordsEmbeddings())
    rubric = generate_rubric(RubricRequest(goal="Menjelaskan fotosintesis"))
    names = ["Budi", "budi", "Ani", "ani", "Citra", "Dewi", "Eko"]
    works = [WorkItem(student_id=name, text=f"Tumbuhan membuat glukosa, kata {name}.") for name in names]
    material = FEEDBACK.save(services.library(), _feedback(services, rubric, works))
    paths = export_material(material, "docx", tmp_path / "out")
    assert len(paths) == len({p.name for p in paths}) == 7 == len(list((tmp_path / "out").glob("*.docx")))
    assert unique_slugs(["Budi", "budi", "budi-2"]) == ["budi", "budi-2", "budi-2-2"]


# --------------------------------------------------------------------------- row 11: submissions


def test_a_submission_may_only_name_the_participants_own_material(settings: Settings) -> None:
    [folder] = available_packs()
    pack = load_pack(folder)
    services = Services(settings.model_copy(update={"workshop": True}))
    services.accounts().create(["Ani", "Budi"])
    theirs = services.library().save("quiz", "Kuis Budi", {}, owner="budi")
    mine = services.library().save("quiz", "Kuis Ani", {}, owner="ani")
    exercise = pack.ordered()[0].id
    refused = submit_exercise(services, pack, exercise, "lihat", theirs.id, "en", FakeRequest("ani"))  # type: ignore[arg-type]
    missing = submit_exercise(services, pack, exercise, "lihat", "tidak-ada", "en", FakeRequest("ani"))  # type: ignore[arg-type]
    assert "None of your saved materials" in refused and "None of your saved materials" in missing
    assert services.library().list(kind="submission") == []
    accepted = submit_exercise(services, pack, exercise, "lihat", mine.id, "en", FakeRequest("ani"))  # type: ignore[arg-type]
    assert accepted.startswith("Submitted")
    [submission] = services.library().list(kind="submission")
    assert submission.content["material_id"] == mine.id and submission.owner == "ani"


# --------------------------------------------------------------------------- bounded text inputs


def test_text_inputs_are_bounded(settings: Settings) -> None:
    from pydantic import ValidationError

    from toolkit.ui.curriculum_tab import MAX_QUERY_CHARS, search_curriculum

    services = Services(settings, embeddings=BagOfWordsEmbeddings())
    results, status = search_curriculum(services, "kata " * MAX_QUERY_CHARS, "", "", "", 5, "en")
    assert results == "" and "at most 1000 characters" in status
    with pytest.raises(ValidationError):
        QuizRequest(topic="x", source_text="kata " * 100_000)
